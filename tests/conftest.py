"""Shared helpers for the xccgen test suite."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SPECS = sorted((REPO / "specs").glob("*.yaml"))


@pytest.fixture
def cli():
    """Invoke `xccgen ...` in-process; returns click's Result (exit_code, output)."""
    from xccgen.cli import main

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def write_spec(tmp_path):
    """Write a YAML spec text to a temp file and return its path."""

    def write(text: str, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def pytest_addoption(parser):
    parser.addoption(
        "--hostile-long",
        action="store_true",
        help="run tests/hostile with many more examples (a release check: up to an hour)",
    )


# The hostile-input harness (tests/hostile, and the random answers of tests/scenarios): the
# figures of every run, cases tried by outcome, print at the end of the session.
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
