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
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError
from ruamel.yaml import YAML

from xccgen.errors import XccgenError
from xccgen.spec.names import PASCAL, wire_name_problem

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
# Definitions that near-sdk names after its own JSON types. Base64VecU8 travels as a base64
# string, though near-sdk-rs's ABI describes it as an array of bytes.
NAMED_SCALARS = {
    "AccountId": "AccountId",
    "U128": "U128",
    "U64": "U64",
    "String": "string",
    "Base64VecU8": "string",
}
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


class AbiModel(BaseModel):
    # ABIs carry more than we read (docs, build info, callbacks); unknown keys are fine.
    model_config = ConfigDict(extra="ignore")


class AbiArg(AbiModel):
    name: StrictStr
    type_schema: Any = None
    serialization_type: StrictStr = "json"


class AbiParams(AbiModel):
    serialization_type: StrictStr = "json"
    args: list[AbiArg] = []


class AbiResult(AbiModel):
    serialization_type: StrictStr = "json"
    type_schema: Any = None


class AbiFunction(AbiModel):
    name: StrictStr
    # The same order as spec/model.py's: typing caches equal Literals, so the first one imported
    # decides the order pydantic's error message lists the values in.
    kind: Literal["call", "view"] | None = None
    modifiers: list[StrictStr] = []
    doc: StrictStr | None = None
    # schema 0.3 and later: {serialization_type, args}; older ones: a list of arguments
    params: AbiParams | list[AbiArg] | None = None
    result: AbiResult | None = None
    # flags of the earliest schema versions, before `kind` and `modifiers`
    is_view: StrictBool = False
    is_init: StrictBool = False
    is_payable: StrictBool = False
    is_private: StrictBool = False

    @property
    def view(self) -> bool:
        return self.kind == "view" or self.is_view

    def has(self, modifier: str) -> bool:
        return modifier in self.modifiers or getattr(self, f"is_{modifier}", False)

    def args(self) -> list[AbiArg]:
        if isinstance(self.params, AbiParams):
            kind = self.params.serialization_type
            return [a.model_copy(update={"serialization_type": kind}) for a in self.params.args]
        return self.params or []


class AbiBody(AbiModel):
    functions: list[AbiFunction]
    root_schema: dict[str, Any] = {}


class AbiMetadata(AbiModel):
    name: StrictStr | None = None


class Abi(AbiModel):
    schema_version: StrictStr | None = None
    metadata: AbiMetadata = AbiMetadata()
    body: AbiBody


def parse_abi(data: Any, where: str) -> Abi:
    """Validate the ABI's envelope (functions, their arguments and results); the JSON Schemas
    inside are mapped later, one function at a time."""
    try:
        return Abi.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
            for e in exc.errors()
        ]
        raise XccgenError(f"{where}: not a NEAR ABI:\n" + "\n".join(problems)) from None


@dataclass
class Imported:
    external: dict[str, Any]
    types: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # one line per function left out, with why


def import_abi(abi: Abi, account: str | None, numbers: str | None = None) -> Imported:
    """`numbers`: the integer type to give plain JSON numbers (TypeScript's `number`), which
    carry no width of their own; without it such functions are reported and left out.
    `account` None: an interface, whose calls name their own target."""
    mapper = SchemaMapper(abi.body.root_schema, numbers)
    methods: dict[str, Any] = {}
    skipped: list[str] = []
    for function in abi.body.functions:
        name = function.name
        if function.has("init"):
            skipped.append(f"{name}: an init method, not for other contracts to call")
            continue
        if function.has("private"):
            skipped.append(f"{name}: private (only the contract itself may call it)")
            continue
        if name in SDK_METHODS and function.result is None:
            skipped.append(f"{name}: {SDK_METHODS[name]}")
            continue
        declared = dict(mapper.types)
        try:
            methods[name] = _method(function, mapper)
        except Unmappable as exc:
            mapper.types = declared  # types met only by a skipped function are not imported
            skipped.append(f"{name}: {exc}")
    external: dict[str, Any] = {} if account is None else {"account": account}
    if abi.metadata.name:
        external["description"] = f"Imported from the ABI of {abi.metadata.name}"
    external["methods"] = methods
    return Imported(external, mapper.types, skipped)


def _method(function: AbiFunction, mapper: SchemaMapper) -> dict:
    args: dict[str, str] = {}
    for arg in function.args():
        if arg.serialization_type != "json":
            raise Unmappable(f"argument {arg.name!r} is Borsh-serialised")
        problem = wire_name_problem(arg.name, "argument")
        if problem:
            raise Unmappable(problem)
        args[arg.name] = mapper.spec_type(arg.type_schema, f"argument {arg.name!r}")
    method: dict[str, Any] = {}
    if args:
        method["args"] = args
    result = function.result
    if result is not None:
        if result.serialization_type != "json":
            raise Unmappable("its result is Borsh-serialised")
        schema = result.type_schema
        # near-sdk-js writes `undefined` for a method that returns nothing
        if not (isinstance(schema, dict) and schema.get("type") in ("null", "undefined")):
            method["returns"] = mapper.spec_type(schema, "the result")
    if not function.view and "returns" in method:
        method["kind"] = "call"
    if function.view and "returns" not in method:
        method["kind"] = "view"
    if function.has("payable"):
        method["payable"] = True
    if not method:
        method["kind"] = "call"  # `increment: {kind: call}` reads better than `increment: {}`
    doc = _summary(function.doc)
    if doc:
        method["description"] = doc
    return method


def _summary(doc: str | None) -> str | None:
    """The first paragraph of a method's rustdoc, on one line."""
    if not doc or not doc.strip():
        return None
    return " ".join(doc.strip().split("\n\n")[0].split())


class SchemaMapper:
    """JSON Schema -> spec type strings, declaring struct types as it meets them."""

    def __init__(self, root: dict, numbers: str | None = None):
        self.numbers = numbers
        self.definitions: dict[str, Any] = {}
        for key in ("definitions", "$defs"):
            if isinstance(root.get(key), dict):
                self.definitions.update(root[key])
        self.types: dict[str, dict[str, str]] = {}
        self._aliases: set[str] = set()  # non-struct definitions being mapped: no loops

    def spec_type(self, schema: Any, what: str) -> str:
        try:
            return self._map(schema)
        except Unmappable as exc:
            raise Unmappable(f"{what}: {exc}") from None

    def _map(self, schema: Any) -> str:
        if schema is True or schema == {}:
            raise Unmappable("any JSON value (a schema with no type)")
        if not isinstance(schema, dict):
            raise Unmappable(f"schema {json.dumps(schema)} is not a JSON Schema object")
        if "$ref" in schema:
            return self._ref(schema["$ref"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                if not isinstance(schema[key], list):
                    raise Unmappable(f"`{key}` is not a list of schemas")
                options = [s for s in schema[key] if s != {"type": "null"}]
                if len(options) == 1 and len(schema[key]) == 2:
                    return self._optional(self._map(options[0]))
                raise Unmappable(f"`{key}` of {len(schema[key])} types (an enum or union)")
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
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
            fmt = fmt if isinstance(fmt, str) else None
            if fmt in INTEGER_FORMATS:
                return INTEGER_FORMATS[fmt]
            if fmt in ("int128", "uint128"):
                raise Unmappable("a 128-bit JSON number, which JSON readers lose precision on")
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
            if "additionalProperties" in schema and "properties" not in schema:
                raise Unmappable(
                    "a map (an object with arbitrary keys): spec values have no map type; "
                    "a Map is state only"
                )
            raise Unmappable("an anonymous object (name it in the contract to import it)")
        raise Unmappable(f"the JSON Schema type {kind!r}")

    @staticmethod
    def _optional(inner: str) -> str:
        if inner.endswith("?"):
            raise Unmappable("an optional optional")
        return f"{inner}?"

    def _ref(self, ref: Any) -> str:
        if not isinstance(ref, str):
            raise Unmappable(f"`$ref` {json.dumps(ref)} is not a reference")
        name = ref.rsplit("/", 1)[-1]
        if name in NAMED_SCALARS:
            return NAMED_SCALARS[name]
        definition = self.definitions.get(name)
        if not isinstance(definition, dict):
            raise Unmappable(f"reference {ref!r} has no definition")
        properties = definition.get("properties")
        if definition.get("type") != "object" or not isinstance(properties, dict):
            if name in self._aliases:
                raise Unmappable(f"definition {name!r} refers to itself")
            self._aliases.add(name)
            try:
                return self._map(definition)
            finally:
                self._aliases.discard(name)
        if not PASCAL.fullmatch(name):
            raise Unmappable(f"type name {name!r} is not PascalCase")
        if name not in self.types:
            self.types[name] = {}  # declared first, so recursive references resolve
            required = definition.get("required")
            required = (
                {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()
            )
            fields = {}
            for field_name, field_schema in properties.items():
                problem = wire_name_problem(field_name, f"field of {name}")
                if problem:
                    raise Unmappable(problem)
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
