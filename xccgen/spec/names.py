"""Identifier, type-name and account-id rules shared by the resolver and the DSL."""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
WIRE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# NEAR account ids: 2-64 chars of lowercase alphanumerics separated by `.`, `-` or `_`.
ACCOUNT_ID = re.compile(r"^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$")

RUST_KEYWORDS = set(
    "as async await break const continue crate dyn else enum extern false fn for if impl in let "
    "loop match mod move mut pub ref return self static struct super trait true type unsafe use "
    "where while abstract become box do final macro override priv typeof unsized virtual yield "
    "try gen union".split()
)
TS_RESERVED = set(
    "break case catch class const continue debugger default delete do else enum export extends "
    "false finally for function if import in instanceof new null return super switch this throw "
    "true try typeof var void while with implements interface let package private protected "
    "public static yield any boolean number string symbol bigint object undefined never unknown "
    "constructor arguments eval await async of".split()
)
# C's keywords (C17 and C23): near-sdk-js compiles every method into C as
# `DEFINE_NEAR_METHOD(<name>)`, so a method cannot be named like one.
C_KEYWORDS = set(
    "auto break case char const continue default do double else enum extern float for goto if "
    "inline int long register restrict return short signed sizeof static struct switch typedef "
    "union unsigned void volatile while alignas alignof bool constexpr false nullptr "
    "static_assert thread_local true typeof typeof_unqual".split()
)
# Names the generated code itself uses; a spec name equal to one would shadow or clash with it.
GENERATED_NAMES = {
    "env",
    "near",
    "log",
    "json",
    "promise",
    "contract",
    "result",
    "results",
    "caller",
    "deposit",
    "outcome",
    "state",
    "item",
    "items",  # a fan-out callback's items, beside `results`
    "index",
    "value",
    "needed",  # the gas a run-time fan-out needs, checked when the flow starts
    "storage_before",  # `storage: caller`: the storage usage before the updates
    "storage_added",
    "all_succeeded",
    "holds",  # a `when:` condition's value, before the step it guards
    "refusal",  # why a `when:` or a `compute` hook refused
    "thrown",  # TypeScript: what a `compute` hook threw
    "hooks",  # the module of the team's own functions
    "ext",
    "new",
    "default",
}
# Rust's prelude (std::prelude::rust_2021): a struct of one of these names would shadow it.
RUST_PRELUDE = set(
    "Box Clone Copy Default Drop Eq Extend Fn FnMut FnOnce From FromIterator Into IntoIterator "
    "Iterator Ok Err Option Ord PartialEq PartialOrd Result Send Sized Some None String Sync "
    "ToOwned ToString TryFrom TryInto Unpin Vec AsMut AsRef DoubleEndedIterator "
    "ExactSizeIterator Debug Hash".split()
)
# What the generated Rust crate's `src/` holds besides one module per flow, and the crates its
# code names by path: a flow module of one of these names would replace or shadow it.
# (tests/generator/test_names.py checks both against the Rust plan and Cargo.toml template.)
RUST_FIXED_MODULES = {
    "lib": "the crate root",
    "outcome": "the result helpers",
    "types": "the external contracts' types",
    "tests": "the unit tests",
    "main": "a program: cargo would build it as a binary beside the contract",
}
RUST_CRATES = {"near_sdk", "std", "core", "alloc"}
SDK_TYPES = RUST_PRELUDE | {
    "Contract",
    "ContractExt",  # near-sdk's #[near] derives it from the contract struct
    "GasWeight",
    "PanicOnDefault",
    "BorshStorageKey",
    "LookupMap",
    "LookupSet",
    "IterableMap",
    "UnorderedMap",
    "Vector",
    "StorageKey",  # the enum of Map fields' storage prefixes (lib.rs)
    "Numeric",  # reduce.ts: how a numeric type reads as a bigint
    "DeserializeOwned",
    "Serialize",
    "JsonReader",
    "RuntimeFeesConfig",
    "Promise",
    "PromiseOrValue",
    "PromiseError",
    "PromiseResult",
    "NearPromise",
    "NearToken",
    "Gas",
    "AccountId",
    "Vec",
    "Option",
    "String",
    "Result",
    "Self",
    "Outcome",
    "U64",
    "U128",
    "Map",
    "Set",
    "Array",
    "Object",
    "Error",
    "JSON",
    "BigInt",
    "Number",
    "Boolean",
    "Uint8Array",
    # Names the generated TypeScript declares or imports.
    "Decoder",
    "Bool",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "Uint8",
    "Uint16",
    "Uint32",
    "Uint64",
    "FAILED",
    "INVALID",
    "NearBindgen",
}


def identifier_problem(name: str, what: str, *, allow_generated: bool = False) -> str | None:
    """Why `name` cannot be a method, field, parameter or result name, or None if it can."""
    if not SNAKE.fullmatch(name):
        return f"{what} {name!r} must be snake_case: a lowercase letter, then a-z, 0-9 or _"
    if name in RUST_KEYWORDS or name in TS_RESERVED:
        return f"{what} {name!r} is a reserved word in Rust or TypeScript; choose another name"
    if not allow_generated and (name in GENERATED_NAMES or name.startswith("previous_")):
        return f"{what} {name!r} is used by the generated code; choose another name"
    if len(name) > 64:
        return f"{what} {name!r} is longer than 64 characters"
    return None


LINKED_SYMBOLS = Path(__file__).with_name("linked_symbols.json")
LINKED_IN = {
    "rust": "a function the Rust build links into every contract",
    "ts": "a function near-sdk-js links into every contract (C library or QuickJS)",
    "host": "a NEAR host function, which every contract imports by that name",
}


@functools.cache
def linked_symbols() -> dict[str, str]:
    """Name -> why a method cannot have it (see xccgen.toolchain.symbols, which derives the
    file from the toolchains)."""
    found = json.loads(LINKED_SYMBOLS.read_text(encoding="utf-8"))
    return {name: LINKED_IN[kind] for kind in ("host", "ts", "rust") for name in found[kind]}


def method_name_problem(name: str, what: str) -> str | None:
    """Why `name` cannot be a method the contract exports (a flow, its callback, a getter, the
    init method): NEAR exports a method as a wasm function of that very name."""
    if name in C_KEYWORDS:
        return (
            f"{what} {name!r} is a C keyword, and near-sdk-js compiles each method into C under"
            " its name; choose another name"
        )
    why = linked_symbols().get(name)
    if why:
        return (
            f"{what} {name!r} would export a function named like {why}, replacing it; "
            "choose another name"
        )
    return None


def flow_module_problem(name: str) -> str | None:
    """Why a flow cannot be named `name`: each flow is a Rust module, `src/<flow>.rs`."""
    if name in RUST_FIXED_MODULES:
        return (
            f"flow {name!r} would be written to src/{name}.rs, which holds "
            f"{RUST_FIXED_MODULES[name]}; choose another name"
        )
    if name in RUST_CRATES:
        return (
            f"flow {name!r} would be a Rust module named like the crate {name}; choose another name"
        )
    return None


def wire_name_problem(name: str, what: str) -> str | None:
    """Why `name` cannot be a JSON key of an external contract (an argument of its methods or a
    field of its types), or None if it can.

    Those names are the other contract's, not the spec author's: camelCase, keywords and names
    the generated code uses are all fine, since the generated code spells them as string keys
    (and Rust fields as their snake_case, with a serde rename where the two differ).
    """
    if not WIRE_NAME.fullmatch(name):
        return (
            f"{what} {name!r} must be a JSON key of letters, digits and _ that does not start "
            "with a digit"
        )
    if len(name) > 64:
        return f"{what} {name!r} is longer than 64 characters"
    return None


def snake_case(name: str) -> str:
    """The snake_case spelling of a JSON key: `fromIndex` -> `from_index`, `URL` -> `url`."""
    words = re.sub(r"([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])", r"\1\3_\2\4", name)
    return re.sub(r"_+", "_", words.lower()).strip("_") or "_"


def rust_field_name(name: str) -> str:
    """The Rust field that holds JSON key `name`: its snake_case, raw (`r#type`) when that is a
    keyword (serde reads `r#type` as "type"), suffixed when even a raw identifier cannot be."""
    snake = snake_case(name)
    if snake in ("self", "super", "crate", "_"):
        return f"{snake.strip('_') or 'field'}_"
    return f"r#{snake}" if snake in RUST_KEYWORDS else snake


def type_name_problem(name: str) -> str | None:
    if not PASCAL.fullmatch(name):
        return f"type name {name!r} must be PascalCase: an uppercase letter, then letters or digits"
    if name in SDK_TYPES:
        return (
            f"type name {name!r} clashes with a Rust, TypeScript or NEAR SDK type the generated"
            f" code uses; choose another name (e.g. {name}Data)"
        )
    return None


def account_id_problem(value: str) -> str | None:
    if not (2 <= len(value) <= 64) or not ACCOUNT_ID.fullmatch(value):
        return (
            f"{value!r} is not a valid NEAR account id (2-64 characters: lowercase letters, digits,"
            " and `.`, `-` or `_` between them)"
        )
    return None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
