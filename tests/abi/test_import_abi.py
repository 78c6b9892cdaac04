"""ABI import: from the ABIs that NEAR's SDKs write for the fixture contracts
(`cargo near abi` for the near-sdk-rs guest book, near-sdk-js's generator for the TS one)."""

from __future__ import annotations

import json

import pytest

from xccgen.abi import import_abi, to_yaml
from xccgen.abi_sources import read_abi
from xccgen.build import fixture_project

pytestmark = pytest.mark.toolchain

# Which SDK writes the ABI of the fixture in each target.
PRODUCERS = {"rust": "cargo-near", "ts": "near-sdk-js"}


def quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def guestbook_abi():
    """The ABI of fixtures/guestbook/ts, as `near-sdk-js build --generateABI` computes it."""
    return read_abi(fixture_project("guestbook", "ts"), quiet)


@pytest.fixture(scope="module")
def guestbook_rust_abi():
    """The ABI of fixtures/guestbook/rust, as `cargo near abi` writes it."""
    return read_abi(fixture_project("guestbook", "rust"), quiet)


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


def test_cargo_near_abi_maps_every_method_without_hints(guestbook_rust_abi):
    """near-sdk-rs gives every integer its width, so nothing needs `--numbers`."""
    assert guestbook_rust_abi["metadata"]["name"] == "guestbook_near"
    imported = import_abi(guestbook_rust_abi, "state.guestbook_account")
    methods = imported.external["methods"]
    assert methods["add_message"] == {"args": {"text": "string"}, "payable": True}
    # near-sdk-rs inlines U128 as a plain string schema: on the wire that is what it is.
    assert methods["get_messages"] == {
        "args": {"from_index": "string?", "limit": "u64?"},
        "returns": "Vec<PostedMessage>",
    }
    assert methods["total_messages"] == {"returns": "u32"}
    assert imported.types == {
        "PostedMessage": {"premium": "bool", "sender": "AccountId", "text": "string"}
    }
    assert imported.skipped == [
        "contract_source_metadata: NEP-330 source metadata that near-sdk adds to every contract "
        "(the ABI does not describe its result)"
    ]


@pytest.mark.parametrize("fixture", ["hello", "counter"])
def test_cargo_near_abi_of_the_other_fixtures(fixture):
    imported = import_abi(read_abi(fixture_project(fixture, "rust"), quiet), "state.x")
    expected = {
        "hello": {  # rustdoc becomes the description: its first paragraph, on one line
            "get_greeting": {"returns": "string", "description": "The current greeting."},
            "set_greeting": {
                "args": {"greeting": "string"},
                "description": "Replaces the greeting and logs the new one.",
            },
        },
        "counter": {
            "get_num": {"returns": "i8"},
            "increment": {"kind": "call"},
            "decrement": {"kind": "call"},
            "reset": {"kind": "call"},
        },
    }[fixture]
    assert imported.external["methods"] == expected
    assert [s.split(":")[0] for s in imported.skipped] == ["contract_source_metadata"]


def test_a_project_that_does_not_compile_is_a_clear_error(tmp_path, cli):
    import shutil

    project = tmp_path / "hello"
    shutil.copytree(
        fixture_project("hello", "rust"), project, ignore=shutil.ignore_patterns("target")
    )
    lib = project / "src" / "lib.rs"
    lib.write_text(
        lib.read_text().replace(
            "pub fn get_greeting(&self) -> String {",
            'pub fn get_greeting(&self) -> String { let broken: u8 = "no";',
        )
    )
    result = cli("import-abi", project, "--as", "hello")
    assert result.exit_code == 1
    assert "cargo near abi" in result.output and "failed" in result.output
    assert "mismatched types" in result.output, "the compiler's own message reaches the user"
    assert "Traceback" not in result.output


def test_a_directory_that_is_no_project_is_a_clear_error(tmp_path, cli):
    result = cli("import-abi", tmp_path, "--as", "hello")
    assert result.exit_code == 1
    assert "neither an ABI JSON file nor a contract project" in result.output


@pytest.mark.parametrize("target", sorted(PRODUCERS))
def test_imported_spec_calls_the_contract_in_the_sandbox(target, tmp_path, cli):
    """Import the guest book's ABI straight from its project (the SDK writes it), write a flow
    against it, and run that flow against the very contract the ABI came from."""
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
    # TypeScript's `number` has no width; near-sdk-rs's integers carry theirs.
    hints = ["--numbers", "u32"] if target == "ts" else []
    project = fixture_project("guestbook", target)
    imported = cli("import-abi", project, "--as", "guestbook", *hints, "--into", spec)
    assert imported.exit_code == 0, imported.output
    result = cli(
        "test",
        spec,
        "--target",
        "rust",
        "--fixtures",
        target,
        "-o",
        tmp_path / "generated",
        "--build-dir",
        tmp_path / "build",
    )
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output
