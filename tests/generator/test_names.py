"""Names the generated projects or their toolchains already have are refused, with the reason;
the reserved sets come from what the projects and toolchains actually define."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.conftest import REPO
from tests.generator.test_validation import BASE, problems
from xccgen import ir
from xccgen.render import rust, ts
from xccgen.spec.names import (
    RUST_CRATES,
    RUST_FIXED_MODULES,
    SDK_TYPES,
    flow_module_problem,
    linked_symbols,
    method_name_problem,
)

PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*")


@pytest.mark.parametrize("name", sorted(linked_symbols()))
def test_every_linked_symbol_is_refused_as_a_method_name(name):
    problem = method_name_problem(name, "flow")
    assert problem and problem.startswith(f"flow {name!r} would export a function named like")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("memcpy", "the Rust build links into every contract"),
        ("memory", "the Rust build links into every contract"),
        ("abort", "near-sdk-js links into every contract"),
        ("malloc", "near-sdk-js links into every contract"),
        ("panic", "a NEAR host function"),
        ("lib", "would be written to src/lib.rs"),
        ("main", "cargo would build it as a binary"),
        ("tests", "would be written to src/tests.rs"),
        ("types", "would be written to src/types.rs"),
        ("near_sdk", "a Rust module named like the crate near_sdk"),
    ],
)
def test_a_flow_named_like_something_the_build_has_is_a_located_error(write_spec, name, expected):
    found = problems(write_spec, f"{name}: {{call: {{call: hello.get_greeting}}}}")
    assert any(f"flows.{name}: " in p and expected in p for p in found), found


@pytest.mark.parametrize("name", ["GasWeight", "PanicOnDefault", "ContractExt", "Box", "Outcome"])
def test_a_type_named_like_an_item_the_generated_code_uses_is_refused(write_spec, name):
    spec = BASE.replace("Msg: {text: string}", f"{name}: {{text: string}}").replace(
        "Vec<Msg>", f"Vec<{name}>"
    )
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", spec)
    assert any(f"type name {name!r} clashes" in p for p in found), found


def test_init_named_like_a_getter_is_refused(write_spec):
    spec = BASE.replace("  state:\n", "  init: {name: get_hello_account}\n  state:\n")
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", spec)
    assert any(
        "method name 'get_hello_account' is already used at contract.init.name" in p for p in found
    ), found


def test_reserved_type_names_cover_every_item_the_templates_can_name():
    """Every PascalCase item a template can import or declare is reserved: adding one to the
    renderers without reserving it fails here."""
    rust_items = {name.rstrip("!") for name in rust.SDK_PATHS} | set(rust.OUTCOME_ITEMS)
    ts_items = set(ts.SDK_NAMES) | set(ts.LOCAL_MODULES)
    decoders = {name.removeprefix("decode") for name in ts.SCALAR_DECODERS.values()}
    used = {n for n in rust_items | ts_items | decoders if PASCAL.fullmatch(n)}
    assert used - SDK_TYPES == set()


def test_reserved_module_names_are_the_rust_projects_own_files_and_crates():
    contract = ir.Contract(
        name="probe",
        spec_name="probe",
        description=None,
        state=(),
        init=None,
        structs=(ir.Struct("Msg", (("text", ir.Type("string")),)),),
        externals=(),
        flows=(),
    )
    fixed = {p.removeprefix("src/")[:-3] for p, _, _ in rust.plan(contract) if p.startswith("src/")}
    assert fixed | {"main"} == set(RUST_FIXED_MODULES)
    manifest = REPO / "generated" / "escrow" / "rust" / "Cargo.toml"
    deps = tomllib.loads(manifest.read_text())["dependencies"]
    assert {d.replace("-", "_") for d in deps} <= RUST_CRATES
    for name in RUST_FIXED_MODULES:
        assert flow_module_problem(name)


def test_a_flow_named_like_a_c_keyword_is_refused(write_spec):
    """near-sdk-js writes `DEFINE_NEAR_METHOD(char)` into C for a method `char`."""
    found = problems(write_spec, "char: {call: {call: hello.get_greeting}}")
    assert any("flows.char: flow 'char' is a C keyword" in p for p in found), found
