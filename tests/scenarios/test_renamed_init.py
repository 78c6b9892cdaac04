"""A spec may rename its init method (`init: {name: setup}`); scenarios call it by that name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from xccgen.pipeline import load_checked
from xccgen.scenarios import load_scenarios, run

SPEC = Path(__file__).parent / "specs" / "renamed_init.yaml"


class RecordingSandbox:
    """Just enough of `xccgen.sandbox.Sandbox` for `scenarios.run`; records the calls made."""

    class Out:
        status, error, logs, gas_burnt = "success", None, [], 0

        def json(self):
            return "Howdy"

    def __init__(self):
        self.calls: list[tuple[str, str]] = []

    def call(self, signer=None, receiver=None, method=None, args=None, **_):
        self.calls.append((receiver, method))
        return self.Out()

    def view(self, receiver, method, args=None):
        return "hello.test.near"

    def reset(self, *_):
        pass

    create_account = deploy = reset

    def balance(self, _):
        return 0

    total_supply = tokens_burnt_total = lambda self: 0


def test_scenario_calls_the_renamed_init():
    contract, source = load_checked(SPEC)
    assert contract.init.name == "setup"
    (scenario,) = load_scenarios(contract, source, SPEC)
    sandbox = RecordingSandbox()
    result = run(
        sandbox,
        scenario,
        Path("c.wasm"),
        lambda _: Path("f.wasm"),
        SPEC.parent,
        "rust",
        init_method=contract.init.name,
    )
    assert result.passed, result.problems
    assert sandbox.calls[0] == ("contract.test.near", "setup")
    assert "init" not in [method for _, method in sandbox.calls]


@pytest.mark.toolchain
@pytest.mark.slow
def test_renamed_init_scenario_passes_on_every_target(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    result = cli(
        "test",
        SPEC.relative_to(REPO),
        "-o",
        tmp_path / "generated",
        "--build-dir",
        tmp_path / "build",
    )
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.output
