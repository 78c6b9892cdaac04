"""`xccgen sandbox SCRIPT.yaml` runs the steps and prints the outcome tree (or JSON)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from xccgen.cli import main

pytestmark = pytest.mark.toolchain

SCRIPT = """\
steps:
  - create_account: {account: user.test.near, balance: 100 NEAR}
  - create_account: {account: a.test.near, balance: 10 NEAR}
  - create_account: {account: b.test.near}
  - deploy: {account: a.test.near, wasm: probe.wasm}
  - deploy: {account: b.test.near, wasm: probe.wasm}
  - call: {signer: user.test.near, receiver: a.test.near, method: forward, args: b.test.near,
           gas: 100 Tgas}
  - call: {signer: user.test.near, receiver: a.test.near, method: panic, deposit: 0.5 NEAR}
  - view: {account: a.test.near, method: echo, args: {x: 1}}
"""


@pytest.fixture
def script(tmp_path, probe_wasm):
    (tmp_path / "probe.wasm").write_bytes(probe_wasm)
    path = tmp_path / "flow.yaml"
    path.write_text(SCRIPT)
    return path


def test_json_output(script):
    result = CliRunner().invoke(main, ["sandbox", str(script), "--json"])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.output)
    assert [s["kind"] for s in steps] == [
        "create_account",
        "create_account",
        "create_account",
        "deploy",
        "deploy",
        "call",
        "call",
        "view",
    ]
    forward = steps[5]
    assert forward["status"] == "success" and forward["value"] == "ok:relayed"
    (root,) = forward["receipts"]
    assert [c["methods"] for c in root["children"]] == [["relay"], ["on_result"]]
    assert steps[6]["status"] == "failure"
    assert steps[6]["error"] == "Smart contract panicked: boom"
    assert steps[7]["value"] == {"x": 1}


def test_tree_output(script):
    result = CliRunner().invoke(main, ["sandbox", str(script)])
    assert result.exit_code == 0, result.output
    assert "ok:relayed" in result.output
    assert "on_result" in result.output
    assert "Smart contract panicked: boom" in result.output


def test_bad_script(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - explode: {}\n")
    result = CliRunner().invoke(main, ["sandbox", str(bad)])
    assert result.exit_code == 1
    assert "step 1 must be one of" in result.output
