"""Rust (near-sdk 5.x) spellings of IR types, literals and expressions, used by the templates."""

from __future__ import annotations

import json
import re

from xccgen import ir
from xccgen.render import samples
from xccgen.render.strings import quote
from xccgen.spec.names import rust_field_name

RUST_SCALARS = {
    "string": "String",
    "bool": "bool",
    "AccountId": "AccountId",
    "U64": "U64",
    "U128": "U128",
}


def rust_type(t: ir.Type | None, boxed: bool = False) -> str:
    """`boxed`: an optional struct field that contains its own struct (see `ir.Struct.boxed`)."""
    if t is None:
        return "()"
    if boxed:
        return f"Option<Box<{rust_type(t.item)}>>"
    if t.name == "Vec":
        return f"Vec<{rust_type(t.item)}>"
    if t.name == "Option":
        return f"Option<{rust_type(t.item)}>"
    if t.name == "Tuple":
        return "(" + ", ".join(rust_type(i) for i in t.items) + ")"
    return RUST_SCALARS.get(t.name, t.name)


def rust_str(text: str) -> str:
    """A Rust string literal that reads back as exactly `text`."""
    return quote(text, lambda code: f"\\u{{{code:x}}}")


def scalar_lit(value, t: ir.Type) -> str:
    """A typed Rust expression for a scalar literal already checked against `t`."""
    if t.name == "string":
        return "String::new()" if value == "" else f"{rust_str(value)}.to_string()"
    if t.name == "AccountId":
        return f"{rust_str(value)}.parse().unwrap()"
    if t.name == "bool":
        return "true" if value else "false"
    if t.is_int:
        return str(value)
    if t.is_big:
        return f"{t.name}({value})"
    raise ValueError(f"not a scalar type: {t.spec} (containers go through RustScope.lit)")


class RustScope:
    """How names read in one piece of generated Rust: locals, `self.` fields, loop items."""

    def __init__(self, structs: dict[str, ir.Struct]):
        self.structs = structs

    def ref(self, ref: ir.Ref) -> str:
        return f"self.{ref.name}" if ref.source == "state" else ref.name

    def lit(self, lit: ir.Lit) -> str:
        return self._lit(lit.value, lit.type)

    def _lit(self, value, t: ir.Type) -> str:
        """Containers and structs recursively; scalars through `scalar_lit`."""
        if t.name == "Option":
            return "None" if value is None else f"Some({self._lit(value, t.item)})"
        if t.name == "Vec":
            return (
                "Vec::new()"
                if not value
                else "vec![" + ", ".join(self._lit(v, t.item) for v in value) + "]"
            )
        if t.name == "Tuple":
            return (
                "(" + ", ".join(self._lit(v, i) for v, i in zip(value, t.items, strict=True)) + ")"
            )
        if t.is_struct:
            struct = self.structs[t.name]
            fields = []
            for name, field_type in struct.fields:
                text = self._lit(value.get(name), field_type)
                if name in struct.boxed and text != "None":
                    text = f"Some(Box::new({text.removeprefix('Some(')})"
                fields.append(f"{rust_field_name(name)}: {text}")
            return f"{t.name} {{ {', '.join(fields)} }}"
        return scalar_lit(value, t)

    def expr(self, expr: ir.Expr) -> str:
        """An owned value of the expression's type."""
        if isinstance(expr, ir.Lit):
            return self.lit(expr)
        if isinstance(expr, ir.Ref):
            return self.owned(expr)
        if isinstance(expr, ir.Interp):
            return self.format(expr)
        if isinstance(expr, ir.Some):
            return f"Some({self.expr(expr.value)})"
        return "(" + ", ".join(self.expr(i) for i in expr.items) + ")"

    def owned(self, ref: ir.Ref) -> str:
        """A copy of a named value, leaving the name usable afterwards."""
        text = self.ref(ref)
        copy = ref.type.is_int or ref.type.is_big or ref.type.name == "bool"
        return text if copy else f"{text}.clone()"

    def field_value(self, field: ir.StateField) -> str:
        return self.owned(ir.Ref(field.name, field.type, "state"))

    def moved(self, expr: ir.Expr) -> str:
        """The value itself, for its last use (a return value or a callback argument)."""
        if isinstance(expr, ir.Ref) and expr.source != "state":
            return self.ref(expr)
        if isinstance(expr, ir.Tuple):
            return "(" + ", ".join(self.moved(i) for i in expr.items) + ")"
        return self.expr(expr)

    def format(self, interp: ir.Interp) -> str:
        if not interp.refs:
            text = "".join(interp.parts)
            return "String::new()" if text == "" else f"{rust_str(text)}.to_string()"
        template, args = self._format_args(interp)
        return f"format!({template}, {', '.join(args)})"

    def log(self, interp: ir.Interp) -> str:
        if not interp.refs:
            return f"log!({rust_str(''.join(interp.parts)).replace('{', '{{').replace('}', '}}')});"
        template, args = self._format_args(interp)
        return f"log!({template}, {', '.join(args)});"

    def _format_args(self, interp: ir.Interp) -> tuple[str, list[str]]:
        pieces, args = [], []
        for part in interp.parts:
            if isinstance(part, str):
                pieces.append(rust_str(part)[1:-1].replace("{", "{{").replace("}", "}}"))
            else:
                pieces.append("{}")
                args.append(self.display(part))
        return '"' + "".join(pieces) + '"', args

    def display(self, ref: ir.Ref) -> str:
        """Text of a value in a log or string: strings raw, everything else as JSON."""
        text = self.ref(ref)
        if ref.type.is_stringy or ref.type.is_int or ref.type.name == "bool":
            return text
        if ref.type.is_big:
            return f"{text}.0"
        return f"serde_json::to_string(&{text}).unwrap_or_default()"

    def json(self, expr: ir.Expr) -> str:
        """A value inside `json!({...})`."""
        if isinstance(expr, ir.Lit):
            return json_lit(expr.value)
        if isinstance(expr, ir.Ref):
            return self.ref(expr)
        if isinstance(expr, ir.Interp) and not expr.refs:
            return rust_str("".join(expr.parts))
        if isinstance(expr, ir.Some):
            return self.json(expr.value)
        return self.expr(expr)


def json_lit(value) -> str:
    """A JSON literal in `json!` syntax, with strings as Rust string literals."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{rust_str(k)}: {json_lit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(json_lit(v) for v in value) + "]"
    if isinstance(value, str):
        return rust_str(value)
    return json.dumps(value)


def rust_gas(gas: int) -> str:
    if gas % 10**12 == 0:
        return f"Gas::from_tgas({gas // 10**12})"
    return f"Gas::from_gas({gas})"


def rust_deposit(deposit: int | str) -> str:
    if deposit == "attached":
        return "NearToken::from_yoctonear(deposit.0)"
    if deposit and deposit % 10**24 == 0:
        return f"NearToken::from_near({deposit // 10**24})"
    if deposit and deposit % 10**21 == 0:
        return f"NearToken::from_millinear({deposit // 10**21})"
    return f"NearToken::from_yoctonear({deposit})"


def one_line(text: str | None) -> str:
    """Text for a `//` comment: newlines and runs of spaces become single spaces."""
    return " ".join((text or "").split())


def toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# Names the generated Rust may use, and where each comes from. `rust_uses` imports exactly the
# ones a file mentions, so the output has no unused imports whatever the spec contains.
NEAR_SDK_NAMES = {
    "env": "env",
    "near": "near",
    "log!": "log",
    "json!": "serde_json::json",
    "serde_json::": "serde_json",
    "AccountId": "AccountId",
    "Gas": "Gas",
    "GasWeight": "GasWeight",
    "NearToken": "NearToken",
    "PanicOnDefault": "PanicOnDefault",
    "Promise": "Promise",
    "PromiseOrValue": "PromiseOrValue",
    "U64": "json_types::U64",
    "U128": "json_types::U128",
    "testing_env!": "testing_env",
    "PromiseResult": "PromiseResult",
    "require!": "require",
    "RuntimeFeesConfig": "RuntimeFeesConfig",
    "test_vm_config": "test_vm_config",
}


# An identifier not reached through a path or a field, with what follows it: `log!`, `serde_json::`.
_TOKEN = re.compile(r"(?<![\w:.])([A-Za-z_]\w*)(!|::)?")


def _mentions(tokens: set[tuple[str, str]], name: str) -> bool:
    if name.endswith("!"):
        return (name[:-1], "!") in tokens
    if name.endswith("::"):
        return (name[:-2], "::") in tokens
    return (name, "") in tokens or (name, "::") in tokens


def rust_uses(body: str, crate: bool, structs: tuple[ir.Struct, ...] = ()) -> str:
    """The `use` lines for the names that `body` mentions."""
    code = _code_only(body)
    tokens = {(m.group(1), m.group(2) or "") for m in _TOKEN.finditer(code)}
    sdk = [path for name, path in NEAR_SDK_NAMES.items() if _mentions(tokens, name)]
    lines = []
    if sdk:
        lines.append(f"use near_sdk::{{{', '.join(sorted(set(sdk), key=_use_order))}}};")
    if crate:
        local = [n for n in ("outcome", "Outcome", "succeeded") if re.search(rf"\b{n}\b", code)]
        if local:
            lines.append(f"use crate::outcome::{{{', '.join(sorted(local, key=_use_order))}}};")
        lines.append(_crate_use(["Contract", "ContractExt", *_structs_in(code, structs)]))
    return "\n".join(lines)


def test_crate_uses(body: str, structs: tuple[ir.Struct, ...]) -> str:
    return _crate_use(["Contract", *_structs_in(_code_only(body), structs)])


def _structs_in(code: str, structs: tuple[ir.Struct, ...]) -> list[str]:
    return [s.name for s in structs if re.search(rf"\b{s.name}\b", code)]


def _crate_use(items: list[str]) -> str:
    return f"use crate::{{{', '.join(sorted(items, key=_use_order))}}};"


def _code_only(body: str) -> str:
    """Rust source without comments and string literals, for deciding what it uses."""
    body = re.sub(r'"(?:\\.|[^"\\])*"', '""', body)
    return re.sub(r"//[^\n]*", "", body)


def _use_order(name: str) -> tuple:
    # rustfmt's order inside braces: `self`, then lowercase paths, then CamelCase items.
    return (0 if name == "self" else 1 if name[:1].islower() else 2, name)


FILTERS = {
    "rust_type": rust_type,
    "rust_str": rust_str,
    "rust_gas": rust_gas,
    "rust_deposit": rust_deposit,
    "toml_str": toml_str,
    "json_lit": json_lit,
    "one_line": one_line,
    "rust_field": rust_field_name,
}


def plan(contract: ir.Contract) -> list[tuple[str, str, dict]]:
    """(output path, template, extra context) for every file of the Rust project."""
    structs = {s.name: s for s in contract.structs}
    # Names read the same in a flow and in its callbacks, so one scope serves every template.
    scope = RustScope(structs)
    uses = lambda body, crate: rust_uses(str(body), crate, contract.structs)  # noqa: E731
    common = {"rust": scope, "rust_uses_for": uses}
    files = [
        ("Cargo.toml", "Cargo.toml.jinja", {}),
        ("README.md", "README.md.jinja", {}),
        ("src/lib.rs", "src/lib.rs.jinja", common),
        ("src/outcome.rs", "src/outcome.rs.jinja", {"uses_unit": _uses_unit_results(contract)}),
    ]
    if contract.structs:
        files.append(("src/types.rs", "src/types.rs.jinja", common))
    for flow in contract.flows:
        context = {
            **common,
            "flow": flow,
            "flow_scope": scope,
            "callback_scope": scope,
            "flow_uses_caller": _flow_uses_caller(flow),
        }
        files.append((f"src/{flow.name}.rs", "src/flow.rs.jinja", context))
    files.append(("src/tests.rs", "src/tests.rs.jinja", {**common, **_test_helpers(contract)}))
    files.append(("sandbox-tests/Cargo.toml", "sandbox-tests/Cargo.toml.jinja", {}))
    files.append(
        (
            "sandbox-tests/tests/workspaces.rs",
            "sandbox-tests/tests/workspaces.rs.jinja",
            {**common, **_test_helpers(contract)},
        )
    )
    return files


def _uses_unit_results(contract: ir.Contract) -> bool:
    return any(
        slot.type is None for f in contract.flows for s in f.steps() for slot in s.callback.slots
    )


def _flow_uses_caller(flow: ir.Flow) -> bool:
    refs = ir.refs_in(flow.log) + [r for u in flow.updates for r in ir.refs_in(u.value)]
    refs += [r for c in flow.step.calls for _, e in c.args for r in ir.refs_in(e)]
    refs += list(flow.step.callback.params)
    return any(r.source == "caller" for r in refs)


def _test_helpers(contract: ir.Contract) -> dict:
    """Functions the unit-test template calls to place sample values and expectations."""
    structs = {s.name: s for s in contract.structs}
    scope = RustScope(structs)
    init_params = [p.name for p in contract.init.params] if contract.init else []

    def sample_lit(t: ir.Type, index: int) -> ir.Lit:
        if t == ir.ACCOUNT_ID and index > 0:
            return ir.Lit(f"account{index}.near", t)
        return ir.Lit(samples.sample(t, structs), t)

    def account_of(external: ir.External) -> str:
        if isinstance(external.account, str):
            return rust_str(external.account)
        field_ = external.account
        if field_.name in init_params:
            return rust_str(f"account{init_params.index(field_.name) + 1}.near")
        return rust_str(field_.default.value)

    def expected_receipts(flow: ir.Flow) -> list[tuple[str, list[str]]]:
        step = flow.step
        copies = len(step.fan_out.over) if step.fan_out else 1
        if step.kind == "parallel":
            rows = [(account_of(c.external), [c.method.name]) for c in step.calls]
        else:
            rows = [(account_of(step.target), [c.method.name for c in step.calls])] * copies
        return rows + [("contract_account().as_str()", [step.callback.name])]

    def arg_lit(ref: ir.Ref, value, case: dict) -> str:
        if ref.source == "previous" and case["rolls_back"]:
            return ref.name
        if ref.source == "caller":
            return "CALLER.parse().unwrap()"
        return scope.lit(ir.Lit(value, ref.type))

    def callback_arg(case: dict, name: str, t: ir.Type) -> str:
        return scope.lit(sample_lit(t, 0))

    return {
        "sample_json": lambda t: json_lit(samples.sample(t, structs)),
        "sample_lit": sample_lit,
        "expected_receipts": expected_receipts,
        "callback_cases": lambda flow: samples.callback_cases(flow, structs),
        "arg_lit": arg_lit,
        "callback_arg": callback_arg,
        "test_crate_uses": lambda body: test_crate_uses(str(body), contract.structs),
    }
