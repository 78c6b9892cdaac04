"""Values: names in scope, `{placeholder}` strings, and the values a flow returns or passes on."""

from __future__ import annotations

import re

from xccgen import ir
from xccgen.ir.resolve.base import ResolverBase
from xccgen.protocol_limits import limits, max_log_bytes
from xccgen.spec.names import (
    did_you_mean,
)

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ValueResolver(ResolverBase):
    def return_value(self, path, raw, scope: Scope) -> ir.Expr:
        """`return:` a name in scope, a list of them, or `{value: literal}`."""
        if isinstance(raw, list):
            items = tuple(self.return_value(path + (i,), v, scope) for i, v in enumerate(raw))
            return ir.Tuple(items, ir.Type("Tuple", items=tuple(expr_type(i) for i in items)))
        if isinstance(raw, str) and re.fullmatch(r"[a-z_][a-z0-9_]*", raw):
            ref = scope.get(raw)
            if ref is None:
                raise self.abort(
                    path,
                    f"no value named {raw!r} here{did_you_mean(raw, scope.names())}; "
                    "to return a literal, write `{value: ...}`",
                )
            return ref
        if isinstance(raw, dict) and set(raw) == {"value"} and isinstance(raw["value"], str):
            return self.template(path + ("value",), raw["value"], scope)
        if isinstance(raw, str):
            if PLACEHOLDER.search(raw):
                return self.template(path, raw, scope)
            raise self.abort(
                path, f"to return the literal string {raw!r}, write `{{value: {raw!r}}}`"
            )
        raise self.abort(path, "return a name, a list of names, or `{value: ...}`")

    def value(self, path, raw, type_: ir.Type, scope: Scope) -> ir.Expr:
        """A literal of `type_`, or a string that references names: `{name}` or `a {name} b`."""
        if isinstance(raw, dict) and set(raw) == {"value"}:
            raw = raw["value"]
        if isinstance(raw, str) and PLACEHOLDER.search(raw):
            whole = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", raw)
            if whole:
                ref = self.lookup(path, whole.group(1), scope)
                if type_.name == "Option" and ref.type == type_.item:
                    return ir.Some(ref, type_)
                if ref.type != type_ and not (type_.is_stringy and ref.type.is_stringy):
                    raise self.abort(
                        path, f"{{{ref.name}}} is {ref.type.spec}, expected {type_.spec}"
                    )
                if type_ == ir.STRING and ref.type == ir.ACCOUNT_ID:
                    return ir.Interp((ref,))  # the account id as text
                return ref
            if not type_.is_stringy:
                raise self.abort(path, f"text with placeholders is a string, expected {type_.spec}")
            return self.template(path, raw, scope)
        if isinstance(raw, str) and type_.name == "AccountId" and "{" not in raw:
            return self.check_literal(path, raw, type_)  # a checked account id, typed as one
        if isinstance(raw, str) and type_.is_stringy:
            return self.template(path, raw, scope)  # unescapes `{{`/`}}`
        return self.check_literal(path, raw, type_)

    def lookup(self, path, name: str, scope: Scope) -> ir.Ref:
        ref = scope.get(name)
        if ref is None:
            raise self.abort(
                path, f"no value named {name!r} here{did_you_mean(name, scope.names())}"
            )
        return ref

    def template(self, path, text: str, scope: Scope, log: bool = False) -> ir.Interp:
        """Text with `{name}` placeholders; `log` for a log line."""
        parts: list[str | ir.Ref] = []
        pos = 0
        for match in PLACEHOLDER.finditer(text):
            parts.append(text[pos : match.start()])
            token = match.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
            else:
                parts.append(self.lookup(path, match.group(1), scope))
            pos = match.end()
        parts.append(text[pos:])
        merged: list[str | ir.Ref] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            elif part != "":
                merged.append(part)
        if log:
            static = sum(len(part.encode("utf-8")) for part in merged if isinstance(part, str))
            if static > max_log_bytes():
                self.fail(
                    path,
                    f"this log line is {static:,} bytes before its placeholders are filled in,"
                    f" over NEAR's {max_log_bytes():,}-byte limit for all logs of one call"
                    f" (protocol {limits()['protocol_version']}); shorten it",
                )
        return ir.Interp(tuple(merged))


class Scope:
    """Names visible at one point of a flow; weak names (state fields) yield to strong ones."""

    def __init__(self, parent: Scope | None = None):
        self.parent = parent
        self.refs: dict[str, ir.Ref] = {}
        self.weak: set[str] = set()

    def child(self) -> Scope:
        return Scope(self)

    def add(self, ref: ir.Ref, weak: bool = False) -> None:
        if ref.name in self.refs and ref.name not in self.weak:
            return
        self.refs[ref.name] = ref
        if weak:
            self.weak.add(ref.name)

    def get(self, name: str) -> ir.Ref | None:
        if name in self.refs:
            return self.refs[name]
        return self.parent.get(name) if self.parent else None

    def names(self) -> list[str]:
        return list(self.refs) + (self.parent.names() if self.parent else [])


def expr_type(expr: ir.Expr | None) -> ir.Type | None:
    return None if expr is None else expr.type
