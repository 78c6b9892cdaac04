"""ABI import: from the ABI near-sdk-js's own generator writes for a fixture contract."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import REPO
from xccgen.abi import import_abi, to_yaml

pytestmark = pytest.mark.toolchain


@pytest.fixture(scope="module")
def guestbook_abi(tmp_path_factory):
    """The ABI of fixtures/guestbook/ts, as `near-sdk-js build --generateABI` computes it."""
    from xccgen.toolchain.ts import node_modules_dir

    work = tmp_path_factory.mktemp("abi")
    project = REPO / "fixtures" / "guestbook" / "ts"
    for name in ("src", "package.json", "tsconfig.json"):
        (work / name).symlink_to(project / name)
    (work / "node_modules").symlink_to(node_modules_dir())
    script = (
        "import { runAbiCompilerPlugin } from 'near-sdk-js/lib/cli/abi.js';"
        "console.log(JSON.stringify(runAbiCompilerPlugin("
        "'src/contract.ts', 'package.json', 'tsconfig.json')));"
    )
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", script], cwd=work, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_plain_numbers_are_reported_not_guessed(guestbook_abi):
    imported = import_abi(guestbook_abi, "state.guestbook_account")
    assert set(imported.external["methods"]) == {"add_message"}
    assert any(s.startswith("get_messages: argument 'limit'") for s in imported.skipped)
    assert any(s.startswith("total_messages: the result") for s in imported.skipped)
    assert imported.types == {}, "types of skipped functions are not imported"


def test_imported_external_matches_the_contract(guestbook_abi):
    imported = import_abi(guestbook_abi, "state.guestbook_account", numbers="u32")
    methods = imported.external["methods"]
    assert methods["add_message"] == {"args": {"text": "string"}, "payable": True}
    assert methods["get_messages"]["returns"] == "Vec<PostedMessage>"
    assert methods["total_messages"] == {"returns": "u32"}
    assert set(imported.types["PostedMessage"]) == {"premium", "sender", "text"}
    assert imported.skipped == []


def test_import_into_a_spec_keeps_it_valid(guestbook_abi, tmp_path, cli):
    abi_file = tmp_path / "guestbook_abi.json"
    abi_file.write_text(json.dumps(guestbook_abi))
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "# my spec\ncontract:\n  name: reader\n  state:\n"
        "    guestbook_account: {type: AccountId, default: guestbook.testnet}\n"
        "flows:\n  count:\n    call: {call: guestbook.total_messages}\n"
        "    then: {on_success: {return: result}, on_failure: {return: {value: 0}}}\n"
    )
    result = cli("import-abi", abi_file, "--as", "guestbook", "--numbers", "u32", "--into", spec)
    assert result.exit_code == 0, result.output
    assert spec.read_text().startswith("# my spec"), "comments are kept"
    assert cli("validate", spec).exit_code == 0


def test_printed_yaml_is_a_spec_fragment(guestbook_abi):
    text = to_yaml(import_abi(guestbook_abi, "state.guestbook_account", numbers="u64"), "gb")
    assert "externals:\n  gb:\n    account: state.guestbook_account" in text


def test_imported_spec_calls_the_contract_in_the_sandbox(guestbook_abi, tmp_path, cli):
    """Import the guest book's ABI, write a flow against it, and run it against the guest book
    that ABI came from (the near-sdk-js fixture) in the sandbox."""
    abi_file = tmp_path / "guestbook_abi.json"
    abi_file.write_text(json.dumps(guestbook_abi))
    spec = tmp_path / "reader.yaml"
    spec.write_text("""\
contract:
  name: reader
  state:
    guestbook_account: {type: AccountId}
  init: {name: init, params: [guestbook_account]}
flows:
  latest:
    parallel:
      - {call: guestbook.total_messages, as: count, critical: true}
      - call: guestbook.get_messages
        args: {from_index: "0", limit: 5}
        as: messages
        critical: true
    then:
      on_success: {return: [count, messages]}
      on_failure: {return: {value: [0, []]}}
scenarios:
  - name: reads_the_guest_book
    deploy: {guestbook: guestbook}
    init: {guestbook_account: guestbook}
    setup: [{call: guestbook.add_message, args: {text: hello}}]
    call: latest
    expect:
      return: [1, [{premium: false, sender: "{caller}", text: hello}]]
""")
    imported = cli("import-abi", abi_file, "--as", "guestbook", "--numbers", "u32", "--into", spec)
    assert imported.exit_code == 0, imported.output
    result = cli(
        "test",
        spec,
        "--target",
        "rust",
        "--fixtures",
        "ts",
        "-o",
        tmp_path / "generated",
        "--build-dir",
        tmp_path / "build",
    )
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output
