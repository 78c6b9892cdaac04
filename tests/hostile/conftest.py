"""The hostile-input harness: `--hostile-long` (declared in tests/conftest.py) runs many more
examples, for release checks; the figures of every run (cases tried, by outcome) are printed at
the end of the session."""

from __future__ import annotations

from collections import Counter

import pytest

OUTCOMES: Counter[str] = Counter()


@pytest.fixture(scope="session")
def hostile_long(request) -> bool:
    return request.config.getoption("--hostile-long")


@pytest.fixture(scope="session")
def outcomes() -> Counter[str]:
    return OUTCOMES


def pytest_terminal_summary(terminalreporter):
    if not OUTCOMES:
        return
    terminalreporter.section("hostile input")
    for test in sorted({key.split(":")[0] for key in OUTCOMES}):
        rows = {k.split(":", 1)[1]: n for k, n in OUTCOMES.items() if k.startswith(test + ":")}
        tried = rows.pop("tried", 0)
        parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(rows.items()))
        terminalreporter.write_line(f"{test}: {tried} cases tried: {parts}")
