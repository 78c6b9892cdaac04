"""NEAR ABI (as `cargo near abi` and `near-sdk-js build --generateABI` write it) -> an
`externals:` entry and the `types:` it needs.

Only JSON-serialised functions are imported, and only types whose JSON Schema maps cleanly onto
spec types; everything else is reported with the reason, never guessed.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from xccgen.errors import XccgenError
from xccgen.spec.names import PASCAL, SNAKE

INTEGER_FORMATS = {
    "int8": "i8",
    "int16": "i16",
    "int32": "i32",
    "int64": "i64",
    "uint8": "u8",
    "uint16": "u16",
    "uint32": "u32",
    "uint64": "u64",
}
# Definitions that near-sdk names after its own JSON types.
NAMED_SCALARS = {"AccountId": "AccountId", "U128": "U128", "U64": "U64", "String": "string"}
# near-sdk-rs inlines AccountId's schema: a string described by near-account-id's own docs.
# (U128 and U64 are inlined as plain strings with nothing to tell them apart, so they import as
# `string`, which is what they are on the wire.)
ACCOUNT_ID_DOC = "NEAR Account Identifier."
# Methods an SDK adds to every contract, which are not part of its own interface.
SDK_METHODS = {
    "contract_source_metadata": "NEP-330 source metadata that near-sdk adds to every contract "
    "(the ABI does not describe its result)",
}


class Unmappable(Exception):
    """A schema that has no clean spec type; the message says why."""


@dataclass
class Imported:
    external: dict[str, Any]
    types: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # one line per function left out, with why


def import_abi(abi: dict, account: str, numbers: str | None = None) -> Imported:
    """`numbers`: the integer type to give plain JSON numbers (TypeScript's `number`), which
    carry no width of their own; without it such functions are reported and left out."""
    body = abi["body"]
    mapper = SchemaMapper(body.get("root_schema") or {}, numbers)
    methods: dict[str, Any] = {}
    skipped: list[str] = []
    for function in body["functions"]:
        name = function.get("name", "?")
        modifiers = set(function.get("modifiers", []))
        if function.get("is_init") or "init" in modifiers:
            skipped.append(f"{name}: an init method, not for other contracts to call")
            continue
        if function.get("is_private") or "private" in modifiers:
            skipped.append(f"{name}: private (only the contract itself may call it)")
            continue
        if name in SDK_METHODS and not function.get("result"):
            skipped.append(f"{name}: {SDK_METHODS[name]}")
            continue
        declared = dict(mapper.types)
        try:
            methods[name] = _method(function, mapper)
        except Unmappable as exc:
            mapper.types = declared  # types met only by a skipped function are not imported
            skipped.append(f"{name}: {exc}")
    external = {"account": account, "methods": methods}
    description = (abi.get("metadata") or {}).get("name")
    if description:
        external = {
            "account": account,
            "description": f"Imported from the ABI of {description}",
            "methods": methods,
        }
    return Imported(external, mapper.types, skipped)


def _method(function: dict, mapper: SchemaMapper) -> dict:
    view = function.get("kind") == "view" or function.get("is_view") is True
    payable = "payable" in function.get("modifiers", []) or function.get("is_payable") is True
    args: dict[str, str] = {}
    for param in _params(function):
        if param.get("serialization_type", "json") != "json":
            raise Unmappable(f"argument {param.get('name')!r} is Borsh-serialised")
        arg = param.get("name", "")
        if not SNAKE.match(arg):
            raise Unmappable(f"argument name {arg!r} is not snake_case")
        args[arg] = mapper.spec_type(param.get("type_schema", {}), f"argument {arg!r}")
    method: dict[str, Any] = {}
    if args:
        method["args"] = args
    result = function.get("result")
    if result:
        if result.get("serialization_type", "json") != "json":
            raise Unmappable("its result is Borsh-serialised")
        schema = result.get("type_schema", {})
        if schema.get("type") not in ("null", "undefined"):  # near-sdk-js writes `undefined`
            method["returns"] = mapper.spec_type(schema, "the result")
    if not view and "returns" in method:
        method["kind"] = "call"
    if view and "returns" not in method:
        method["kind"] = "view"
    if payable:
        method["payable"] = True
    if not method:
        method["kind"] = "call"  # `increment: {kind: call}` reads better than `increment: {}`
    doc = _summary(function.get("doc"))
    if doc:
        method["description"] = doc
    return method


def _summary(doc: Any) -> str | None:
    """The first paragraph of a method's rustdoc, on one line."""
    if not isinstance(doc, str) or not doc.strip():
        return None
    return " ".join(doc.strip().split("\n\n")[0].split())


def _params(function: dict) -> list[dict]:
    params = function.get("params") or []
    if isinstance(params, dict):  # schema 0.3+: {serialization_type, args: [...]}
        return [
            {"serialization_type": params.get("serialization_type", "json"), **a}
            for a in params.get("args", [])
        ]
    return params  # older schemas: a list of parameters


class SchemaMapper:
    """JSON Schema -> spec type strings, declaring struct types as it meets them."""

    def __init__(self, root: dict, numbers: str | None = None):
        self.numbers = numbers
        self.definitions: dict[str, Any] = {**root.get("definitions", {}), **root.get("$defs", {})}
        self.types: dict[str, dict[str, str]] = {}

    def spec_type(self, schema: Any, what: str) -> str:
        try:
            return self._map(schema)
        except Unmappable as exc:
            raise Unmappable(f"{what}: {exc}") from None

    def _map(self, schema: Any) -> str:
        if not isinstance(schema, dict) or not schema:
            raise Unmappable(f"schema {json.dumps(schema)} says nothing about the type")
        if "$ref" in schema:
            return self._ref(schema["$ref"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [s for s in schema[key] if s != {"type": "null"}]
                if len(options) == 1 and len(schema[key]) == 2:
                    return self._optional(self._map(options[0]))
                raise Unmappable(f"`{key}` of {len(schema[key])} types (an enum or union)")
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self._map(schema["allOf"][0])
        kind = schema.get("type")
        if isinstance(kind, list):
            others = [k for k in kind if k != "null"]
            if len(others) == 1 and "null" in kind:
                return self._optional(self._map({**schema, "type": others[0]}))
            raise Unmappable(f"a value of several types {kind}")
        if "enum" in schema:
            raise Unmappable(
                f"an enum {schema['enum']} (declare it as `string` by hand if it is one)"
            )
        if kind == "string":
            if str(schema.get("description", "")).startswith(ACCOUNT_ID_DOC):
                return "AccountId"
            return "string"
        if kind == "boolean":
            return "bool"
        if kind == "integer":
            fmt = schema.get("format")
            if fmt in INTEGER_FORMATS:
                return INTEGER_FORMATS[fmt]
            raise Unmappable(f"an integer without a width (format {fmt!r})")
        if kind == "number":
            if self.numbers:
                return self.numbers
            raise Unmappable("a JSON number without an integer width (pass --numbers u32, say)")
        if kind == "array":
            if "items" not in schema or isinstance(schema["items"], list):
                raise Unmappable("an array without one item type (a tuple)")
            return f"Vec<{self._map(schema['items'])}>"
        if kind == "object":
            raise Unmappable("an anonymous object (name it in the contract to import it)")
        raise Unmappable(f"the JSON Schema type {kind!r}")

    @staticmethod
    def _optional(inner: str) -> str:
        if inner.endswith("?"):
            raise Unmappable("an optional optional")
        return f"{inner}?"

    def _ref(self, ref: str) -> str:
        name = ref.rsplit("/", 1)[-1]
        if name in NAMED_SCALARS:
            return NAMED_SCALARS[name]
        if name not in self.definitions:
            raise Unmappable(f"reference {ref!r} has no definition")
        definition = self.definitions[name]
        if definition.get("type") != "object" or "properties" not in definition:
            return self._map(definition)
        if not PASCAL.match(name):
            raise Unmappable(f"type name {name!r} is not PascalCase")
        if name not in self.types:
            self.types[name] = {}  # declared first, so recursive references resolve
            required = set(definition.get("required", []))
            fields = {}
            for field_name, field_schema in definition["properties"].items():
                if not SNAKE.match(field_name):
                    raise Unmappable(f"field {name}.{field_name} is not snake_case")
                spec = self._map(field_schema)
                fields[field_name] = (
                    spec if field_name in required or spec.endswith("?") else f"{spec}?"
                )
            self.types[name] = fields
        return name


def to_yaml(imported: Imported, name: str) -> str:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    data: dict[str, Any] = {}
    if imported.types:
        data["types"] = imported.types
    data["externals"] = {name: imported.external}
    yaml.dump(data, out)
    return out.getvalue()


def merge_into(spec_path: Path, imported: Imported, name: str) -> None:
    """Add the external and its types to a YAML spec, keeping its comments and layout."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc = yaml.load(spec_path.read_text(encoding="utf-8"))
    externals = doc.setdefault("externals", {})
    if name in externals:
        raise XccgenError(f"{spec_path}: already has an external {name!r}; choose another --as")
    types = doc.setdefault("types", {}) if imported.types else doc.get("types", {})
    clashes = [t for t in imported.types if t in types and types[t] != imported.types[t]]
    if clashes:
        raise XccgenError(
            f"{spec_path}: types {', '.join(clashes)} already exist with other fields"
        )
    for type_name, fields in imported.types.items():
        types[type_name] = fields
    externals[name] = imported.external
    out = io.StringIO()
    yaml.dump(doc, out)
    spec_path.write_text(out.getvalue(), encoding="utf-8")
