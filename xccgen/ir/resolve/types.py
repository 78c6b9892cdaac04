"""Types: the spec's `types:` as structs (recursion through Vec or `T?` only), type names
parsed, and literals checked against their types."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from xccgen import ir
from xccgen.ir.resolve.base import Problems, ResolverBase
from xccgen.ir.resolve.values import PLACEHOLDER
from xccgen.spec.names import (
    account_id_problem,
    did_you_mean,
    rust_field_name,
    type_name_problem,
)
from xccgen.spec.source import PathKey

MAX_TYPE_DEPTH = 16  # Vec<Vec<...>> levels; a real interface uses two or three
TYPE_TOKEN = re.compile(r"^(Vec<(?P<vec>.+)>|Option<(?P<opt>.+)>|(?P<opt2>.+)\?|(?P<name>\w+))$")


class TypeResolver(ResolverBase):
    def declare_struct(self, name: str, fields: dict[str, str]) -> None:
        problem = type_name_problem(name)
        if problem:
            self.fail(("types", name), problem)
        self.structs[name] = ir.Struct(name, ())

    def resolve_struct(self, name: str, fields: dict[str, str]) -> None:
        resolved = []
        if not fields:
            self.fail(("types", name), "a type needs at least one field")
        rust_fields: dict[str, str] = {}
        for field_name, type_text in fields.items():
            path = ("types", name, field_name)
            self.check_wire_name(path, field_name, "field")
            rust_field = rust_field_name(field_name)
            if rust_field in rust_fields:
                self.fail(
                    path,
                    f"fields {rust_fields[rust_field]!r} and {field_name!r} would both be the "
                    f"Rust field `{rust_field}`; xccgen cannot generate both, so leave one out",
                )
            rust_fields.setdefault(rust_field, field_name)
            try:
                resolved.append((field_name, self.parse_type(path, type_text)))
            except Problems:
                pass
        self.structs[name] = ir.Struct(name, tuple(resolved))

    def resolve_recursion(self) -> None:
        """A type may contain itself through a `Vec` (any length, even 0) or an optional field
        (null ends it; Rust boxes it), never directly: such a value would never end."""

        def inline(t: ir.Type) -> tuple[str | None, bool]:
            """(struct the field holds in place, whether through `?`)"""
            if t.name == "Option" and t.item.is_struct:
                return t.item.name, True
            return (t.name, False) if t.is_struct else (None, False)

        def reaches(start: str, goal: str, optional_ok: bool) -> bool:
            seen, todo = set(), [start]
            while todo:
                name = todo.pop()
                if name == goal:
                    return True
                if name in seen or name not in self.structs:
                    continue
                seen.add(name)
                for _, field_type in self.structs[name].fields:
                    child, optional = inline(field_type)
                    if child and (optional_ok or not optional):
                        todo.append(child)
            return False

        for name, struct in list(self.structs.items()):
            boxed = set()
            for field_name, field_type in struct.fields:
                child, optional = inline(field_type)
                if child and not optional and reaches(child, name, optional_ok=False):
                    self.fail(
                        ("types", name, field_name),
                        f"type {name!r} contains itself through {field_name!r} with nothing "
                        "to end it; make the field optional (`?`) or a `Vec`",
                    )
                elif child and optional and reaches(child, name, optional_ok=True):
                    boxed.add(field_name)
            self.structs[name] = replace(struct, boxed=frozenset(boxed))

    def parse_type(
        self, path: PathKey, text: str, depth: int = 1, collections: bool = False
    ) -> ir.Type:
        """A type name; `collections`: where a state collection (`Map<K, V>`) may stand."""
        text = text.strip()
        if depth > MAX_TYPE_DEPTH:
            raise self.abort(
                path, f"type nests Vec/optional more than {MAX_TYPE_DEPTH} levels deep"
            )
        collection = re.fullmatch(r"(Map|IterableMap|List)<(.+)>", text)
        if collection:
            if not collections:
                raise self.abort(
                    path,
                    f"{text} is a kind of state field, not a value; a value of many entries is "
                    "a Vec",
                )
            if collection.group(1) == "List":
                item = self.parse_type(path, collection.group(2), depth + 1)
                return ir.Type("List", item)
            return self.parse_map(path, collection.group(1), collection.group(2), depth)
        match = TYPE_TOKEN.fullmatch(text)
        if not match:
            raise self.abort(path, f"cannot read type {text!r}")
        if match.group("vec"):
            return ir.Type("Vec", self.parse_type(path, match.group("vec"), depth + 1))
        inner = match.group("opt") or match.group("opt2")
        if inner:
            item = self.parse_type(path, inner, depth + 1)
            if item.name == "Option":
                raise self.abort(path, f"type {text!r} nests optionals; use one `?`")
            return ir.Type("Option", item)
        name = match.group("name")
        if name in ir.SCALARS or name in self.structs:
            return ir.Type(name)
        aliases = {"String": "string", "str": "string", "boolean": "bool", "u128": "U128"}
        hint = f" (did you mean {aliases[name]!r}?)" if name in aliases else ""
        hint = hint or did_you_mean(name, [*ir.SCALARS, *self.structs])
        raise self.abort(
            path,
            f"unknown type {name!r}{hint}; use one of {', '.join(ir.SCALARS)}, Vec<T>, T? "
            "or a name declared under `types:`",
        )

    def parse_map(self, path: PathKey, kind: str, inside: str, depth: int) -> ir.Type:
        """`K, V` of `Map<K, V>` (or IterableMap): a key that is text or a number, any value but
        an optional."""
        level, split = 0, None
        for index, char in enumerate(inside):
            level += {"<": 1, ">": -1}.get(char, 0)
            if char == "," and level == 0:
                split = index
                break
        if split is None:
            raise self.abort(path, f"write a map as {kind}<K, V>, got {kind}<{inside}>")
        key = self.parse_type(path, inside[:split], depth + 1)
        value = self.parse_type(path, inside[split + 1 :], depth + 1)
        if not (key.is_stringy or key.is_int or key.is_big):
            raise self.abort(
                path, f"a Map's key is text, an account id or a number; got {key.spec}"
            )
        if value.name == "Option":
            raise self.abort(
                path,
                f"a Map's value cannot be optional ({value.spec}): a missing entry already "
                "reads as null",
            )
        return ir.Type(kind, items=(key, value))

    def check_literal(self, path: PathKey, value: Any, type_: ir.Type) -> ir.Lit:
        problem = literal_problem(value, type_, self.structs)
        if problem:
            raise self.abort(path, problem)
        return ir.Lit(value, type_)


def literal_problem(value: Any, type_: ir.Type, structs: dict[str, ir.Struct]) -> str | None:
    """Why `value` is not a JSON literal of `type_`, or None."""
    name = type_.name
    if name == "Option":
        return None if value is None else literal_problem(value, type_.item, structs)
    if value is None:
        return f"expected {type_.spec}, got null (make the type optional with `?`)"
    if name in ("string",):
        return None if isinstance(value, str) else f"expected a string, got {value!r}"
    if name == "AccountId":
        if not isinstance(value, str):
            return f"expected an account id, got {value!r}"
        return account_id_problem(value)
    if name == "bool":
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if type_.is_int:
        bits = ir.INT_BITS[name]
        lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if name[0] == "i" else (0, 2**bits - 1)
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected an integer ({name}), got {value!r}"
        return None if lo <= value <= hi else f"{value} does not fit in {name} ({lo}..{hi})"
    if type_.is_big:
        bits = 64 if name == "U64" else 128
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]+", value):
            return f'{name} travels as a decimal string in JSON: write "{value}" (quoted)'
        return None if int(value) < 2**bits else f"{value} does not fit in {name}"
    if name == "Vec":
        if not isinstance(value, list):
            return f"expected a list ({type_.spec}), got {value!r}"
        nested = [v for v in value if isinstance(v, str) and PLACEHOLDER.search(v)]
        if nested:
            return (
                f"placeholders like {nested[0]!r} work in whole values and strings, not inside "
                "lists; pass the list as a flow parameter instead"
            )
        for item in value:
            problem = literal_problem(item, type_.item, structs)
            if problem:
                return problem
        return None
    if name == "Tuple":
        if not isinstance(value, list) or len(value) != len(type_.items):
            return f"expected a list of {len(type_.items)} values ({type_.spec}), got {value!r}"
        for item, item_type in zip(value, type_.items, strict=True):
            problem = literal_problem(item, item_type, structs)
            if problem:
                return problem
        return None
    struct = structs[name]
    if not isinstance(value, dict):
        return f"expected a {name} object, got {value!r}"
    fields = dict(struct.fields)
    for key in value:
        if key not in fields:
            return f"{name} has no field {key!r}{did_you_mean(key, fields)}"
    for key, field_type in struct.fields:
        if key not in value and field_type.name != "Option":
            return f"{name} needs field {key!r}"
        if key in value:
            problem = literal_problem(value[key], field_type, structs)
            if problem:
                return problem
    return None
