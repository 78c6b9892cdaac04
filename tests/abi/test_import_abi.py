"""ABI import, from the ABIs that NEAR's SDKs write: `cargo near abi` and near-sdk-js's generator
for the fixture contracts, and `cargo near abi` for tests/abi/shapes (a contract with a method per
shape of type). Imported specs run in the sandbox against the contract their ABI came from."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.mutation import mutants
from xccgen.compile import build_contract, fixture_project
from xccgen.compile.ts import stage_project
from xccgen.importers.abi import import_abi, to_yaml
from xccgen.importers.sources import read_abi
from xccgen.paths import cache_dir
from xccgen.toolchain import ts
from xccgen.toolchain.abi import cargo_near

pytestmark = pytest.mark.toolchain

# Which SDK writes the ABI of the fixture in each target.
PRODUCERS = {"rust": "cargo-near", "ts": "near-sdk-js"}


def quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def guestbook_ts_abi():
    """The ABI of fixtures/guestbook/ts, as `near-sdk-js build --generateABI` computes it."""
    return read_abi(fixture_project("guestbook", "ts"), quiet)


@pytest.fixture(scope="module")
def guestbook_rust_abi():
    """The ABI of fixtures/guestbook/rust, as `cargo near abi` writes it."""
    return read_abi(fixture_project("guestbook", "rust"), quiet)


def test_plain_numbers_are_reported_not_guessed(guestbook_ts_abi):
    imported = import_abi(guestbook_ts_abi, "state.guestbook_account")
    assert set(imported.external["methods"]) == {"add_message"}
    assert any(s.startswith("get_messages: argument 'limit'") for s in imported.skipped)
    assert any(s.startswith("total_messages: the result") for s in imported.skipped)
    assert imported.types == {}, "types of skipped functions are not imported"


def test_imported_external_matches_the_contract(guestbook_ts_abi):
    imported = import_abi(guestbook_ts_abi, "state.guestbook_account", numbers="u32")
    methods = imported.external["methods"]
    assert methods["add_message"] == {"args": {"text": "string"}, "payable": True}
    assert methods["get_messages"]["returns"] == "Vec<PostedMessage>"
    assert methods["total_messages"] == {"returns": "u32"}
    assert set(imported.types["PostedMessage"]) == {"premium", "sender", "text"}
    assert imported.skipped == []


def abi_file_from_the_sdk_cli(target: str, tmp_path: Path) -> Path:
    """The guest book's ABI file, written by the SDK's own command line as a user runs it:
    `cargo near abi`, or `near-sdk-js build --generateABI` (a whole wasm build)."""
    project = fixture_project("guestbook", target)
    if target == "rust":
        return cargo_near_abi_file(project, tmp_path)
    work = tmp_path / "project"
    stage_project(project, work, ts.node_modules_dir())
    cmd = ["node", str(ts.sdk_dir() / "lib" / "cli" / "cli.js"), "build", "--generateABI"]
    cmd += ["src/contract.ts", "build/contract.wasm"]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return work / "build" / "contract-abi.json"


def cargo_near_abi_file(project: Path, out: Path) -> Path:
    """`cargo near abi --out-dir OUT` of a Rust project; the one file it writes."""
    cmd = [str(cargo_near()), "near", "abi", "--locked", "--color", "never", "--out-dir", str(out)]
    cmd += ["--manifest-path", str(project / "Cargo.toml")]
    env = {**os.environ, "CARGO_TARGET_DIR": str(cache_dir() / "target" / "abi")}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (written,) = out.glob("*_abi.json")
    return written


@pytest.mark.parametrize("target", sorted(PRODUCERS))
def test_abi_file_imports_into_a_spec_that_then_validates(target, tmp_path, cli):
    abi_file = abi_file_from_the_sdk_cli(target, tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "# my spec\ncontract:\n  name: reader\n  state:\n"
        "    guestbook_account: {type: AccountId, default: guestbook.testnet}\n"
        "flows:\n  count:\n    call: {call: guestbook.total_messages}\n"
        "    then: {on_success: {return: result}, on_failure: {return: {value: 0}}}\n"
    )
    result = cli("import-abi", abi_file, "--as", "guestbook", "--numbers", "u32", "--into", spec)
    assert result.exit_code == 0, result.output
    assert "added external 'guestbook' (3 methods)" in result.output
    assert spec.read_text().startswith("# my spec"), "comments are kept"
    assert cli("validate", spec).exit_code == 0


def test_printed_yaml_is_a_spec_fragment(guestbook_ts_abi):
    text = to_yaml(import_abi(guestbook_ts_abi, "state.guestbook_account", numbers="u64"), "gb")
    assert "externals:\n  gb:\n    account: state.guestbook_account" in text


def test_an_interface_has_no_account_and_its_calls_name_one(tmp_path, cli):
    """`--interface`: an external every call of which names its own target."""
    abi_file = cargo_near_abi_file(fixture_project("guestbook", "rust"), tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "contract: {name: reader}\nflows:\n  count:\n    params: {books: Vec<AccountId>}\n"
        '    fan_out: {over: "{books}", max: 4, as: book,\n'
        '      call: {call: guestbook.total_messages, account: "{book}"}}\n'
        "    then: {collect: u32, reduce: {total: {sum: results}},\n"
        "      on_success: {return: total}, on_failure: {return: {value: 0}}}\n"
    )
    result = cli("import-abi", abi_file, "--as", "guestbook", "--interface", "--into", spec)
    assert result.exit_code == 0, result.output
    assert "account:" not in spec.read_text().split("externals:")[1]
    assert cli("validate", spec).exit_code == 0
    both = cli("import-abi", abi_file, "--as", "g", "--interface", "--account", "x.near")
    assert both.exit_code != 0 and "not both" in both.output


def test_cargo_near_abi_maps_every_method_without_hints(guestbook_rust_abi):
    """near-sdk-rs gives every integer its width, so nothing needs `--numbers`."""
    assert guestbook_rust_abi.metadata.name == "guestbook_near"
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


def test_every_shape_a_rust_abi_describes_is_mapped_or_reported():
    """tests/abi/shapes has a method per shape of type; `cargo near abi` describes them all,
    and each is imported with its exact spec type or left out with the reason."""
    imported = import_abi(read_abi(Path(__file__).parent / "shapes", quiet), "state.shapes")
    assert imported.external["methods"] == {
        "wallet": {
            "args": {"wallet": "Wallet"},
            "returns": "Wallet?",
            "description": "Echoes a wallet, which holds every near-sdk JSON type.",
        },
        "tree": {"args": {"tree": "Tree"}, "returns": "Tree"},
        "is_owner": {"args": {"who": "AccountId"}, "returns": "bool"},
        "count_near": {
            "args": {"pools": "Vec<AccountId>"},
            "returns": "u32",
            "description": "How many of `pools` are on `.near`: a list of accounts, as a "
            "run-time fan-out takes.",
        },
        "bytes": {"returns": "Vec<u8>"},
        "maybe_maybe": {"returns": "u8?"},  # Option<Option<u8>>: null or a number on the wire
        "checked": {"returns": "u8"},  # #[handle_result]: the Ok type
        "store": {"args": {"value": "u8"}, "payable": True},
        "camel": {"returns": "Camel"},
        "next_keyed": {
            "args": {"keyed": "Keyed"},
            "returns": "Keyed",
            "description": "Returns the entry with its index moved on by one.",
        },
    }
    assert imported.types == {
        "Wallet": {
            # what each travels as in JSON; Base64VecU8 is a string though its schema says bytes
            "owner": "AccountId",
            "balance": "string",
            "nonce": "string",
            "token": "string",
            "gas": "string",
            "key": "string",
            "at": "u64",
            "blob": "string",
        },
        "Tree": {"value": "u8", "children": "Vec<Tree>", "parent": "Tree?"},
        # JSON keys are the contract's: camelCase and keywords are imported as they are
        "Camel": {"someField": "u32"},
        "Keyed": {"type": "string", "value": "string", "fromIndex": "u64", "someField": "bool?"},
    }
    reasons = dict(line.split(": ", 1) for line in imported.skipped)
    assert reasons == {
        "new": "an init method, not for other contracts to call",
        "on_stored": "private (only the contract itself may call it)",
        "contract_source_metadata": (
            "NEP-330 source metadata that near-sdk adds to every contract "
            "(the ABI does not describe its result)"
        ),
        "color": "argument 'color': an enum ['Red', 'Green'] "
        "(declare it as `string` by hand if it is one)",
        "shape": "argument 'shape': `oneOf` of 2 types (an enum or union)",
        "map": "the result: a map (an object with arbitrary keys): spec values have no map "
        "type; a Map is state only",
        "pair": "the result: an array without one item type (a tuple)",
        "native_u128": "the result: a 128-bit JSON number, which JSON readers lose precision on",
        "anything": "the result: any JSON value (a schema with no type)",
        "borsh_result": "its result is Borsh-serialised",
    }


@pytest.mark.parametrize(
    "content, expected",
    [
        ("not json", "not a readable ABI JSON file"),
        ("[]", "not a NEAR ABI:\n  (top level): Input should be a valid dictionary"),
        ('{"body": {}}', "body.functions: Field required"),
        ('{"body": {"functions": [{"kind": "view"}]}}', "body.functions.0.name: Field required"),
        (
            '{"body": {"functions": [{"name": "f", "kind": "pure"}]}}',
            "body.functions.0.kind: Input should be 'call' or 'view'",
        ),
    ],
)
def test_a_malformed_abi_file_is_a_clear_error(content, expected, tmp_path, cli):
    abi_file = tmp_path / "abi.json"
    abi_file.write_text(content)
    result = cli("import-abi", abi_file, "--as", "x")
    assert result.exit_code == 1
    assert f"{abi_file}: " in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_hostile_schemas_are_reported_not_crashed_on(tmp_path, cli):
    loop = {"$ref": "#/definitions/A"}
    abi = {
        "body": {
            "functions": [
                {"name": "loops", "kind": "view", "result": {"type_schema": loop}},
                {"name": "bad_ref", "kind": "view", "result": {"type_schema": {"$ref": 7}}},
                {"name": "any_of", "kind": "view", "result": {"type_schema": {"anyOf": {}}}},
                {"name": "listed", "kind": "view", "result": {"type_schema": [1]}},
                {"name": "fine", "kind": "view", "result": {"type_schema": {"type": "string"}}},
                {"name": "odd", "kind": "view", "result": {"type_schema": {"$ref": "#/B"}}},
            ],
            "root_schema": {
                "definitions": {
                    "A": {"anyOf": [loop, {"type": "null"}]},
                    # `required` listing a non-name (found by fuzzing: it crashed the importer)
                    "B": {
                        "type": "object",
                        "properties": {"x": {"type": "string"}},
                        "required": [{}],
                    },
                }
            },
        }
    }
    abi_file = tmp_path / "abi.json"
    abi_file.write_text(json.dumps(abi))
    result = cli("import-abi", abi_file, "--as", "x")
    assert result.exit_code == 0, result.output
    assert "skipped loops: the result: definition 'A' refers to itself" in result.output
    assert "skipped bad_ref: the result: `$ref` 7 is not a reference" in result.output
    assert "skipped any_of: the result: `anyOf` is not a list of schemas" in result.output
    assert "skipped listed: the result: schema [1] is not a JSON Schema object" in result.output
    assert "fine:\n        returns: string" in result.output
    assert "B:\n    x: string?" in result.output


def test_imported_keys_and_recursive_types_work_in_the_sandbox(tmp_path, cli):
    """A contract whose JSON keys are `type`, `value`, `fromIndex`, `someField`, and whose `Tree`
    contains itself: import its ABI, call it from flows, and run them on both targets against
    the contract itself."""
    shapes = Path(__file__).parent / "shapes"
    build_contract(shapes, "rust", "shapes", ["next_keyed", "tree"], tmp_path / "build")
    spec = tmp_path / "keys.yaml"
    spec.write_text("""\
contract:
  name: keys
  state:
    shapes_account: {type: AccountId}
  init: {name: init, params: [shapes_account]}
flows:
  advance:
    call:
      call: shapes.next_keyed
      args:
        keyed: {type: swap, value: "10", fromIndex: 41, someField: true}
    then:
      on_success: {return: result}
      on_failure: {return: {value: {type: none, value: "0", fromIndex: 0}}}
  grow:
    call:
      call: shapes.tree
      args:
        tree: {value: 1, children: [{value: 2, children: []}], parent: {value: 0, children: []}}
    then:
      on_success: {return: result}
      on_failure: {return: {value: {value: 9, children: []}}}
scenarios:
  - name: recursive_types_round_trip
    deploy: {shapes: {wasm: build/rust/shapes.wasm}}
    init: {shapes_account: shapes}
    call: grow
    expect:
      return:
        value: 1
        children: [{value: 2, children: [], parent: null}]
        parent: {value: 0, children: [], parent: null}
  - name: keys_travel_as_the_contract_spells_them
    deploy: {shapes: {wasm: build/rust/shapes.wasm}}
    init: {shapes_account: shapes}
    call: advance
    expect:
      return: {type: swap, value: "10", fromIndex: 42, someField: true}
""")
    imported = cli("import-abi", shapes, "--as", "shapes", "--into", spec)
    assert imported.exit_code == 0, imported.output
    result = cli("test", spec, "-o", tmp_path / "generated", "--build-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "4 passed, 0 failed" in result.output


ABI_VALUES = [None, 0, -1, 1.5, "", "x", [], {}, [1], {"a": 1}, True, {"type": "integer"}]
ABI_VALUES += [{"$ref": "#/definitions/Nope"}, {"type": ["string", "integer"]}, {"anyOf": []}]
ABI_VALUES += [{"oneOf": [{"type": "null"}]}, {"type": "array", "items": {}}]
ABI_VALUES += [{"type": "object", "properties": {"a": {"type": "string"}}}]
ABI_KEYS = ["type", "$ref", "items", "anyOf", "properties", "required", "definitions", "name"]
ABI_KEYS += ["kind", "result", "params", "args", "modifiers", "format", "serialization_type"]


def test_mutated_abis_never_crash(tmp_path, cli):
    """Seeded mutations of the ABIs cargo-near writes for the guest book and the shapes
    contract: each is imported or refused with a clear error, never a traceback."""
    projects = [fixture_project("guestbook", "rust"), Path(__file__).parent / "shapes"]
    documents = [
        json.loads(cargo_near_abi_file(project, tmp_path / project.parent.name).read_text())
        for project in projects
    ]
    abi_file = tmp_path / "mutant.json"
    for document in mutants(documents, count=1000, seed=7, values=ABI_VALUES, keys=ABI_KEYS):
        abi_file.write_text(json.dumps(document))
        try:
            cli("import-abi", abi_file, "--as", "x", "--numbers", "u32")
        except Exception as exc:  # the cli fixture lets anything but a clean exit through
            pytest.fail(f"import-abi crashed ({exc!r}) on:\n{json.dumps(document)[:4000]}")
