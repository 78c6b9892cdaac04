"""The Rust (near-sdk 5.x) template API: how IR types, values and names are spelled.

Python computes spellings and facts; the templates under templates/rust/ write every statement,
and rustfmt lays them out. Every name a spelling uses is recorded, and so is every near-sdk item a
template writes through `rs.sdk(...)` (as JavaPoet's `$T` does), so each file's `use` lines list
exactly what the file uses: no scanning of rendered text, no unused imports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from xccgen import ir
from xccgen.analysis import gas
from xccgen.render import samples
from xccgen.render.strings import needs_unicode_escape, quote
from xccgen.spec.names import rust_field_name, snake_case

RUST_SCALARS = {
    "string": "String",
    "bool": "bool",
    "AccountId": "AccountId",
    "U64": "U64",
    "U128": "U128",
}
# The near-sdk items generated code may use, by the name it writes, with their paths in the crate.
SDK_PATHS = {
    "env": "env",
    "near": "near",
    "log!": "log",
    "json!": "serde_json::json",
    "serde_json": "serde_json",
    "DeserializeOwned": "serde::de::DeserializeOwned",
    "Serialize": "serde::Serialize",
    "require!": "require",
    "AccountId": "AccountId",
    "Gas": "Gas",
    "GasWeight": "GasWeight",
    "NearToken": "NearToken",
    "PanicOnDefault": "PanicOnDefault",
    "BorshStorageKey": "BorshStorageKey",
    "LookupMap": "store::LookupMap",
    "LookupSet": "store::LookupSet",
    "IterableMap": "store::IterableMap",
    "Vector": "store::Vector",
    "Promise": "Promise",
    "PromiseOrValue": "PromiseOrValue",
    "PromiseResult": "PromiseResult",
    "U64": "json_types::U64",
    "U128": "json_types::U128",
    "RuntimeFeesConfig": "RuntimeFeesConfig",
    "test_vm_config": "test_vm_config",
    "testing_env!": "testing_env",
    "assert_one_yocto": "assert_one_yocto",
}
# What `src/outcome.rs` exports to the flow files.
OUTCOME_ITEMS = ("outcome", "Outcome", "succeeded")
TGAS = 10**12


# The checked arithmetic of conditions: what overflows (or divides by zero) aborts the call.
CHECKED = {"+": "checked_add", "-": "checked_sub", "*": "checked_mul", "/": "checked_div"}
CHECKED["%"] = "checked_rem"


def _range_check(expr: ir.Expr):
    """(value, lo, hi, inclusive, negated) when a condition is a range check of a local integer
    against two literals, which clippy (manual_range_contains) wants as `(lo..hi).contains(&x)`:
    `x >= lo && x < hi` (or `<= hi`), or its negation `x < lo || x >= hi` (or `> hi`)."""
    if not (isinstance(expr, ir.Op) and expr.op in ("&&", "||") and len(expr.args) == 2):
        return None
    sides = []
    for arg in expr.args:
        if not (isinstance(arg, ir.Op) and arg.op in ("<", ">", "<=", ">=")):
            return None
        left, right = arg.args
        op = arg.op
        if isinstance(left, ir.Lit):
            left, right, op = right, left, ir.MIRROR[op]
        local = isinstance(left, ir.Ref) and left.source in ("param", "item", "result")
        if not (local and left.type.is_int and isinstance(right, ir.Lit)):
            return None
        sides.append((left, op, right))
    (value, op1, b1), (other, op2, b2) = sides
    if value != other:
        return None
    if expr.op == "&&":
        if op2 == ">=":  # the lower bound first
            (op1, b1), (op2, b2) = (op2, b2), (op1, b1)
        if op1 != ">=" or op2 not in ("<", "<="):
            return None
        return value, b1, b2, op2 == "<=", False
    if op1 == "<" and op2 in (">", ">="):
        return value, b1, b2, op2 == ">", True
    if op2 == "<" and op1 in (">", ">="):
        return value, b2, b1, op1 == ">", True
    return None


def rust_str(text: str) -> str:
    """A Rust string literal that reads back as exactly `text`."""
    return quote(text, lambda code: f"\\u{{{code:x}}}")


def json_lit(value) -> str:
    """A JSON literal in `json!` syntax, with strings as Rust string literals."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{rust_str(k)}: {json_lit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(json_lit(v) for v in value) + "]"
    if isinstance(value, str):
        return rust_str(value)
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31:
        # `json!` types a bare integer literal as i32, which rejects these.
        return f"{value}_i64" if value < 0 else f"{value}_u64"
    return json.dumps(value)


def _use_order(name: str) -> tuple:
    # rustfmt's order inside braces: `self`, then lowercase paths, then CamelCase items.
    return (0 if name == "self" else 1 if name[:1].islower() else 2, name)


@dataclass(frozen=True)
class ArgsStruct:
    """The typed arguments of one external method the flows call: a struct that borrows each
    value and serializes with the method's own JSON keys (declared order; an absent optional
    argument is left out, as when the spec does not write it)."""

    name: str  # `DepositForArgs`, or `VaultDepositForArgs` where two externals share a method
    external: ir.External
    method: ir.Method


def args_structs(contract: ir.Contract) -> dict[tuple[str, str], ArgsStruct]:
    """One struct per (external, method) that some call passes arguments to, in call order."""
    called: dict[tuple[str, str], tuple[ir.External, ir.Method]] = {}
    for flow in contract.flows:
        for step in flow.steps():
            for call in step.calls:
                if call.args:
                    key = (call.external.name, call.method.name)
                    called.setdefault(key, (call.external, call.method))
    taken = {s.name for s in contract.structs}
    short = [_pascal(method) for _, method in called]
    out = {}
    for (external, method), (ext, meth) in called.items():
        name = f"{_pascal(method)}Args"
        if short.count(_pascal(method)) > 1 or name in taken:
            name = f"{_pascal(external)}{name}"
        taken.add(name)
        out[(external, method)] = ArgsStruct(name, ext, meth)
    return out


def _is_zero(lit: ir.Lit) -> bool:
    """Whether a literal is what Rust's `Default` gives its type (clippy's derivable_impls)."""
    t, value = lit.type, lit.value
    if t.name == "Option":
        return value is None
    if t.is_int:
        return value == 0
    if t.name == "bool":
        return value is False
    return t.name in ("string", "Vec") and not value


def _is_copy(t: ir.Type) -> bool:
    """Rust `Copy` types: numbers, bools, and optionals of them (clippy rejects their clone)."""
    return _copied(t) or (t.name == "Option" and _is_copy(t.item))


def _copied(t: ir.Type) -> bool:
    """Numbers and bools: argument structs hold them by value."""
    return t.is_int or t.is_big or t.name == "bool"


def _types_in(t: ir.Type, structs: dict[str, ir.Struct], seen=frozenset()) -> set[ir.Type]:
    """`t` and every type inside it (items, struct fields), once per struct."""
    out = {t}
    for inner in ([t.item] if t.item else []) + list(t.items):
        out |= _types_in(inner, structs, seen)
    if t.is_struct and t.name not in seen:
        for _, field_type in structs[t.name].fields:
            out |= _types_in(field_type, structs, seen | {t.name})
    return out


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake_case(name).split("_"))


class RustApi:
    """`rs` in the Rust templates: spellings of the IR for one file (docs/templates.md).

    `module` is the file's place in the crate: `lib` (the root, which re-exports the types),
    `types` (where the structs live), or any other module (which imports them from the crate).
    """

    def __init__(self, contract: ir.Contract, module: str):
        self.contract = contract
        self.module = module
        self.structs = {s.name: s for s in contract.structs}
        self._sdk: set[str] = set()
        self._crate: set[str] = set()
        self._outcome: set[str] = set()
        self._constants_of: dict[str, dict[tuple[str, str, str], str]] = {}  # by flow name
        self._args_structs = args_structs(contract)

    # ---------------------------------------------------------------------------- imports

    def sdk(self, name: str) -> str:
        """A near-sdk item as the code writes it (`Promise`, `log!`, `env`), imported."""
        if name not in SDK_PATHS:
            raise ValueError(f"rs.sdk: unknown near-sdk item {name!r} (known: {sorted(SDK_PATHS)})")
        self._sdk.add(name)
        return name

    def crate(self, name: str) -> str:
        """An item of this crate (`Contract`, `ContractExt`, a struct), imported."""
        if name in OUTCOME_ITEMS:
            self._outcome.add(name)
        elif self.module not in ("lib", "types"):
            self._crate.add(name)
        return name

    def in_scope(self, name: str) -> str:
        """Import a crate item the code needs without writing its name; renders as nothing."""
        self.crate(name)
        return ""

    def uses(self) -> str:
        """The `use` lines for every item recorded so far; render it after the file's body."""
        lines = []
        if self._sdk:
            paths = sorted({SDK_PATHS[n] for n in self._sdk}, key=_use_order)
            lines.append(f"use near_sdk::{{{', '.join(paths)}}};")
        if self._outcome:
            items = sorted(self._outcome, key=_use_order)
            lines.append(f"use crate::outcome::{{{', '.join(items)}}};")
        if self._crate:
            lines.append(f"use crate::{{{', '.join(sorted(self._crate, key=_use_order))}}};")
        return "\n".join(lines)

    # -------------------------------------------------------------------------- spellings

    def type(self, t: ir.Type | None, boxed: bool = False) -> str:
        """`Vec<Option<U128>>`; None (no value) -> `()`. `boxed`: an optional struct field that
        contains its own struct (see `ir.Struct.boxed`)."""
        if t is None:
            return "()"
        if boxed:
            return f"Option<Box<{self.type(t.item)}>>"
        if t.name in ("Vec", "Option"):
            return f"{t.name}<{self.type(t.item)}>"
        if t.is_collection:
            kind = self.sdk(ir.COLLECTIONS[t.name][0])
            inner = self.type(t.item) if t.is_list else f"{self.type(t.key)}, {self.type(t.value)}"
            return f"{kind}<{inner}>"
        if t.name == "Tuple":
            return "(" + ", ".join(self.type(i) for i in t.items) + ")"
        if t.is_struct:
            return self.crate(t.name)
        if t.name in ("AccountId", "U64", "U128"):
            return self.sdk(t.name)
        return RUST_SCALARS.get(t.name, t.name)

    def str(self, text: str) -> str:
        """A string literal reading back as exactly `text`: `"say \\"hi\\""`."""
        return rust_str(text)

    def fmt_str(self, text: str) -> str:
        """A `format!`/`log!` template of fixed text: `{` and `}` doubled (before escaping, so an
        escape such as `\\u{7f}` keeps its own braces)."""
        return rust_str(text.replace("{", "{{").replace("}", "}}"))

    def field(self, name: str) -> str:
        """The Rust field of JSON key `name`: `some_field`, `r#type`."""
        return rust_field_name(name)

    def toml(self, text: str) -> str:
        """A TOML basic string (control characters and DEL as `\\uXXXX`, which TOML requires)."""
        return quote(text, lambda code: f"\\u{code:04X}")

    def json(self, value) -> str:
        """A spec's JSON literal in `json!` syntax, keys and order as given."""
        return json_lit(value)

    def comment(self, text: str | None) -> str:
        """Text for a `//` comment: newlines and runs of spaces become single spaces, and the
        characters a literal would escape are named (`U+202E`): rustc denies bidi controls."""
        line = " ".join((text or "").split())
        return "".join(f"U+{ord(c):04X}" if needs_unicode_escape(ord(c)) else c for c in line)

    def _gas(self, gas: int) -> str:
        """`Gas::from_tgas(5)`, or `Gas::from_gas(1234)` when not a whole number of Tgas."""
        gas_type = self.sdk("Gas")
        if gas % TGAS == 0:
            return f"{gas_type}::from_tgas({gas // TGAS})"
        return f"{gas_type}::from_gas({gas})"

    def _deposit(self, deposit: int | str) -> str:
        """`NearToken::from_near(2)`, `..from_millinear(5)`, `..from_yoctonear(deposit.0)`."""
        token = self.sdk("NearToken")
        if deposit == "attached":
            return f"{token}::from_yoctonear(deposit.0)"
        if deposit and deposit % 10**24 == 0:
            return f"{token}::from_near({deposit // 10**24})"
        if deposit and deposit % 10**21 == 0:
            return f"{token}::from_millinear({deposit // 10**21})"
        return f"{token}::from_yoctonear({deposit})"

    # ------------------------------------------------------------------------------ values

    def _ref(self, ref: ir.Ref) -> str:
        """A named value: `self.count` for state, the bare name otherwise."""
        return f"self.{ref.name}" if ref.source == "state" else ref.name

    def lit(self, lit: ir.Lit) -> str:
        """A typed literal: `vec![U128(5)]`, `Some("a".to_string())`, `Quote { .. }`."""
        return self._value(lit.value, lit.type)

    def _value(self, value, t: ir.Type) -> str:
        """A typed Rust expression for a JSON value already checked against `t`."""
        if t.name == "Option":
            return "None" if value is None else f"Some({self._value(value, t.item)})"
        if t.name == "Vec":
            if not value:
                return "Vec::new()"
            return "vec![" + ", ".join(self._value(v, t.item) for v in value) + "]"
        if t.name == "Tuple":
            items = [self._value(v, i) for v, i in zip(value, t.items, strict=True)]
            return "(" + ", ".join(items) + ")"
        if t.is_struct:
            struct = self.structs[t.name]
            fields = []
            for name, field_type in struct.fields:
                text = self._value(value.get(name), field_type)
                if name in struct.boxed and text != "None":
                    text = f"Some(Box::new({text.removeprefix('Some(')})"
                fields.append(f"{rust_field_name(name)}: {text}")
            return f"{self.crate(t.name)} {{ {', '.join(fields)} }}"
        if t.name == "string":
            return "String::new()" if value == "" else f"{rust_str(value)}.to_string()"
        if t.name == "AccountId":
            return f"{rust_str(value)}.parse().unwrap()"
        if t.name == "bool":
            return "true" if value else "false"
        if t.is_big:
            return f"{self.sdk(t.name)}({value})"
        return str(value)

    def expr(self, expr: ir.Expr) -> str:
        """An owned value of the expression's type."""
        if isinstance(expr, ir.Lit):
            return self.lit(expr)
        if isinstance(expr, ir.Ref):
            return self._owned(expr)
        if isinstance(expr, ir.Interp):
            return self._format(expr)
        if isinstance(expr, ir.Some):
            return f"Some({self.expr(expr.value)})"
        return "(" + ", ".join(self.expr(i) for i in expr.items) + ")"

    def _owned(self, ref: ir.Ref) -> str:
        """A copy of a named value, leaving the name usable afterwards."""
        text = self._ref(ref)
        return text if _is_copy(ref.type) else f"{text}.clone()"

    def condition(self, expr: ir.Expr, fallible: str | None = None) -> str:
        """A condition as a Rust `bool` expression. Numbers are compared and computed as their
        plain integers (`amount.0` for U128); arithmetic is checked and aborts with the same
        message as the TypeScript build, or, with `fallible` (a block label), breaks out of
        that block with `Err(message)` (a callback's `when:`, which must not abort)."""
        if _range_check(expr) is None and isinstance(expr, ir.Op) and expr.op in ("&&", "||"):
            # No parentheses around the whole condition.
            left, right = (self._condition(a, fallible) for a in expr.args)
            return f"{left} {expr.op} {right}"
        return self._condition(expr, fallible)

    def _condition(self, expr: ir.Expr, fallible: str | None) -> str:
        within = _range_check(expr)
        if within is not None:  # `x >= 1 && x <= 9` as clippy wants it: `(1..=9).contains(&x)`
            value, lo, hi, inclusive, negate = within
            bounds = f"{self._number(lo)}..{'=' if inclusive else ''}{self._number(hi)}"
            return f"{'!' if negate else ''}({bounds}).contains(&{self._ref(value)})"
        if isinstance(expr, ir.Op) and expr.op in ("&&", "||"):
            left, right = (self._condition(a, fallible) for a in expr.args)
            return f"({left} {expr.op} {right})"
        if isinstance(expr, ir.Op) and expr.op == "!":
            return f"!({self._condition(expr.args[0], fallible)})"
        if isinstance(expr, ir.Op) and expr.type == ir.BOOL:  # a comparison
            left, right = expr.args
            if left.type.is_stringy:
                return f"{self._text(left)} {expr.op} {self._text(right)}"
            if left.type == ir.BOOL:  # each side parenthesized: comparisons do not chain
                sides = [
                    (
                        f"({self._condition(e, fallible)})"
                        if isinstance(e, ir.Op)
                        else self._condition(e, fallible)
                    )
                    for e in expr.args
                ]
                return f"{sides[0]} {expr.op} {sides[1]}"
            return f"{self._number(left, fallible)} {expr.op} {self._number(right, fallible)}"
        if isinstance(expr, ir.Lit):
            return "true" if expr.value else "false"
        return self._place(expr)

    def condition_computes(self, expr: ir.Expr) -> bool:
        """Whether a condition has arithmetic, which can overflow."""
        return ir.has_arithmetic(expr)

    def _place(self, expr: ir.Expr) -> str:
        """A named value or a field of one: `amount`, `self.count`, `quote.amount_out`, or a
        map's entry (its default when it has none)."""
        if isinstance(expr, ir.FieldOf):
            return f"{self._place(expr.base)}.{rust_field_name(expr.field)}"
        if isinstance(expr, ir.MapEntry):
            key = expr.key
            text_key = isinstance(key, ir.Lit) and key.type == ir.STRING  # String: Borrow<str>
            borrowed = rust_str(key.value) if text_key else self.borrowed(key)
            read = f"self.{expr.map.name}.get({borrowed})"
            default = self.lit(expr.map.default)
            if _is_copy(expr.type):
                return f"{read}.copied().unwrap_or({default})"
            return f"{read}.cloned().unwrap_or_else(|| {default})"
        return self._ref(expr)

    def _text(self, expr: ir.Expr) -> str:
        """A text value of a condition as `&str`."""
        if isinstance(expr, ir.Lit):
            return rust_str(expr.value)
        return f"{self._place(expr)}.as_str()"

    def _number(self, expr: ir.Expr, fallible: str | None = None) -> str:
        """A number of a condition as its plain integer type (u128 for U128)."""
        if isinstance(expr, ir.Lit):
            raw = {"U128": "u128", "U64": "u64"}.get(expr.type.name, expr.type.name)
            value = int(expr.value)
            return f"{value}_{raw}" if value >= 0 else f"({value}_{raw})"  # `-1_i32.abs()` is -1
        if isinstance(expr, ir.Op) and expr.op == "len":
            (value,) = expr.args
            return f"({self._place(value)}.len() as u32)"
        if isinstance(expr, ir.Op):
            left, right = (self._number(a, fallible) for a in expr.args)
            checked = f"{left}.{CHECKED[expr.op]}({right})"
            message = rust_str(expr.overflow_message)
            if fallible:
                escape = f"break '{fallible} Err({message})"
                return f"match {checked} {{ Some(value) => value, None => {escape} }}"
            return f"{checked}.unwrap_or_else(|| {self.sdk('env')}::panic_str({message}))"
        return self._place(expr) + (".0" if expr.type.is_big else "")

    def borrowed(self, expr: ir.Expr) -> str:
        """A reference to the expression's value: `&caller`, `&self.owner`, `&"a".to_string()`."""
        if isinstance(expr, ir.Ref):
            return f"&{self._ref(expr)}"
        return f"&{self.expr(expr)}"

    def state_init(self, field: ir.StateField) -> str:
        """A state field's value in a fresh contract: its default, or an empty map under the
        field's storage key."""
        if field.is_collection:
            kind = self.sdk(ir.COLLECTIONS[field.type.name][0])
            return f"{kind}::new(StorageKey::{_pascal(field.name)})"
        return self.lit(field.default)

    def storage_keys(self) -> list[str]:
        """The `StorageKey` variants, one per collection field and per `lock: caller` set:
        its entries live under it."""
        fields = [f.name for f in self.contract.collections]
        return [_pascal(n) for n in fields + [f.lock_field for f in self.contract.caller_locks]]

    def derives_default(self) -> bool:
        """Whether a fresh contract is all zero values (`0`, `false`, empty text and lists,
        `None`): it then derives `Default`, as clippy asks of such an impl."""
        if self.contract.requires_init or self.contract.caller_locks:
            return False
        return all(f.default is not None and _is_zero(f.default) for f in self.contract.state)

    def updated_collections(self, flow: ir.Flow) -> list[str]:
        """The collection fields the flow's updates write (flushed before storage is measured)."""
        return list(dict.fromkeys(u.field.name for u in flow.updates if u.key is not None))

    def lock_init(self, flow: ir.Flow) -> str:
        """A lock in a fresh contract: `false`, or an empty set of pending callers."""
        if flow.lock_per_caller:
            return f"{self.sdk('LookupSet')}::new(StorageKey::{_pascal(flow.lock_field)})"
        return "false"

    def param_type(self, field: ir.StateField) -> ir.Type:
        """The type an init parameter takes for a state field: its own, a `Vec` for a List."""
        return ir.Type("Vec", field.type.item) if field.type.is_list else field.type

    def list_limit(self) -> int:
        """What a `list_<field>` view returns at most when the caller gives no limit."""
        return ir.LIST_LIMIT

    def owned_item(self, t: ir.Type) -> str:
        """The iterator adapter that turns `&T` items into owned ones: `.copied()`, `.cloned()`."""
        return ".copied()" if _is_copy(t) else ".cloned()"

    def map_key_param(self, field: ir.StateField) -> str:
        """The name of a Map view's parameter: `account_id` for accounts, else `key`."""
        return "account_id" if field.type.key == ir.ACCOUNT_ID else "key"

    def state_value(self, field: ir.StateField) -> str:
        """A copy of a state field's value: `self.count`, `self.owner.clone()`."""
        return self._owned(ir.Ref(field.name, field.type, "state"))

    def moved(self, expr: ir.Expr) -> str:
        """The value itself, for its last use (a return value or a callback argument)."""
        if isinstance(expr, ir.Ref) and expr.source != "state":
            return self._ref(expr)
        if isinstance(expr, ir.Tuple):
            return "(" + ", ".join(self.moved(i) for i in expr.items) + ")"
        return self.expr(expr)

    def _format(self, interp: ir.Interp) -> str:
        """A `String` of a spec string with placeholders: `format!("Hi {}", name)`."""
        if not interp.refs:
            text = "".join(interp.parts)
            return "String::new()" if text == "" else f"{rust_str(text)}.to_string()"
        template, args = self.format_args(interp)
        return f"format!({template}, {', '.join(args)})"

    def format_args(self, interp: ir.Interp) -> tuple[str, list[str]]:
        """(template, arguments) for `format!`/`log!`: `"Hi {}"`, `["name"]`."""
        pieces, args = [], []
        for part in interp.parts:
            if isinstance(part, str):
                pieces.append(self.fmt_str(part)[1:-1])
            else:
                pieces.append("{}")
                args.append(self._display(part))
        return '"' + "".join(pieces) + '"', args

    def _display(self, ref: ir.Ref) -> str:
        """Text of a value in a log or string: strings raw, everything else as JSON."""
        text = self._ref(ref)
        if ref.type.is_stringy or ref.type.is_int or ref.type.name == "bool":
            return text
        if ref.type.is_big:
            return f"{text}.0"
        return f"{self.sdk('serde_json')}::to_string(&{text}).unwrap_or_default()"

    def types_module_items(self) -> list[str]:
        """What `src/types.rs` declares (and lib.rs re-exports): the structs, then the calls'
        argument structs."""
        return [s.name for s in self.contract.structs] + [s.name for s in self.args_structs()]

    def args_structs(self) -> list[ArgsStruct]:
        """Every typed-arguments struct the calls use (`src/types.rs` declares them)."""
        return list(self._args_structs.values())

    def args_fields(self, struct: ArgsStruct) -> list[tuple[str, str, str, bool]]:
        """(JSON key, Rust field, field type, optional) of each argument: numbers and bools by
        value, strings and account ids as `&'a str` (either may be passed as the other), the
        rest borrowed; optionals as `Option<..>` of that."""
        fields = []
        for name, t in struct.method.args:
            optional = t.name == "Option"
            inner = self._arg_type(t.item if optional else t)
            fields.append(
                (name, rust_field_name(name), f"Option<{inner}>" if optional else inner, optional)
            )
        return fields

    def args_lifetime(self, struct: ArgsStruct) -> str:
        """`<'a>` when a field borrows, else nothing."""
        return "<'a>" if any("'a" in f[2] for f in self.args_fields(struct)) else ""

    def _arg_type(self, t: ir.Type) -> str:
        if _copied(t):
            return self.type(t)
        return "&'a str" if t.is_stringy else f"&'a {self.type(t)}"

    def args_value(self, call: ir.Call) -> str:
        """The call's arguments as its struct: `DepositForArgs { account_id: caller.as_str(),
        memo: &memo, limit: None }` (an optional the spec leaves out is None)."""
        struct = self._args_structs[(call.external.name, call.method.name)]
        given = dict(call.args)
        fields = []
        for name, t in struct.method.args:
            field = rust_field_name(name)
            if name not in given:
                value = "None"
            elif t.name == "Option":
                value = self._optional_arg(given[name], t.item)
            else:
                value = self._arg(given[name], t)
            fields.append(field if value == field else f"{field}: {value}")
        return f"{self.crate(struct.name)} {{ {', '.join(fields)} }}"

    def _optional_arg(self, expr: ir.Expr, item: ir.Type) -> str:
        if isinstance(expr, ir.Lit):
            return (
                "None"
                if expr.value is None
                else f"Some({self._arg(ir.Lit(expr.value, item), item)})"
            )
        if isinstance(expr, ir.Some):
            return f"Some({self._arg(expr.value, item)})"
        text = self._ref(expr)  # a named optional value
        return text if _copied(item) else f"{text}.as_ref()"

    def _arg(self, expr: ir.Expr, t: ir.Type) -> str:
        """`expr` as the field type `_arg_type(t)`."""
        if _copied(t):
            return self._ref(expr) if isinstance(expr, ir.Ref) else self.expr(expr)
        if t.is_stringy:
            if isinstance(expr, ir.Lit):
                return rust_str(expr.value)
            if isinstance(expr, ir.Interp):
                return rust_str("".join(expr.parts)) if not expr.refs else f"&{self._format(expr)}"
            text = self._ref(expr)
            if expr.type.name == "AccountId":
                return f"{text}.as_str()"
            # A fan-out item that is a string is already a `&str` (the items are literals).
            return text if expr.source == "item" else f"&{text}"
        if isinstance(expr, ir.Ref):
            return f"&{self._ref(expr)}"
        return f"&{self.expr(expr)}"

    def account(self, external: ir.External) -> str:
        """The account an external lives at: a parsed literal or a clone of a state field."""
        if isinstance(external.account, str):
            return f"{rust_str(external.account)}.parse::<{self.sdk('AccountId')}>().unwrap()"
        return f"self.{external.account.name}.clone()"

    def call_account(self, call: ir.Call) -> str:
        """Where a call goes: its own target (`pool.clone()`), or its external's account."""
        target = call.account
        if isinstance(target, ir.FieldOf):
            return f"{self._ref(target.base)}.{rust_field_name(target.field)}.clone()"
        if isinstance(target, ir.MapEntry):
            missing = rust_str(f"`{target.map.name}` has no entry for this key")
            return (
                f"self.{target.map.name}.get({self.borrowed(target.key)}).cloned()"
                f".unwrap_or_else(|| {self.sdk('env')}::panic_str({missing}))"
            )
        if target is not None:
            return f"{self._ref(target)}.clone()"
        return self.account(call.external)

    def fan_out_items(self, fan_out: ir.FanOut) -> str:
        """The iterator a fan-out maps to promises: a literal array, or the list passed in."""
        if fan_out.runtime:
            copied = ".copied()" if _is_copy(fan_out.type) else ""
            return f"{fan_out.over.name}.iter(){copied}"  # the parameter, or the List's copy
        items = []
        for item in fan_out.over:
            text = self.lit(item) if item.type.name != "string" else rust_str(item.value)
            items.append(text + (f"_{item.type.name}" if item.type.is_int else ""))
        return "[" + ", ".join(items) + "]"

    def fan_out_need(self, flow: ir.Flow) -> tuple[str, str] | None:
        """The constants of the gas a run-time fan-out needs (base, per item), when the flow's
        first step is one: its method checks the prepaid gas against them."""
        if not (flow.step and flow.step.fan_out and flow.step.fan_out.runtime):
            return None
        base, per_item = gas.fan_out_need(flow)
        constants = self._constants(flow)
        return (
            constants[("fan-out base", "Gas", self._gas(base))],
            constants[("fan-out item", "Gas", self._gas(per_item))],
        )

    def reduction(self, reduction: ir.Reduction) -> str:
        """The expression of a reduced value; an `Option` when the reduction can fail (no
        results to pick from, or a sum that overflows)."""
        op, key_type = reduction.op, reduction.key_type
        raw = {"U128": "u128", "U64": "u64"}.get(key_type.name, key_type.name)
        wrap = f".map({self.sdk(key_type.name)})" if key_type.is_big else ""
        field = f".{rust_field_name(reduction.field)}" if reduction.field else ""
        unwrap = ".0" if key_type.is_big else ""
        if reduction.over_results:
            if op == "count":
                return "results.len() as u32"
            if op in ("all", "any"):
                return f"results.iter().{op}(|value| {'value' + field if field else '*value'})"
            if op in ("argmin", "argmax"):
                key = f"value{field}{unwrap}" if field or unwrap else "**value"
                key = f"std::cmp::Reverse({key})" if op == "argmax" else key
                item = "*item" if _is_copy(reduction.type) else "item.clone()"
                return (
                    f"items.iter().zip(&results).min_by_key(|(_, value)| {key})"
                    f".map(|(item, _)| {item})"
                )
            if field or unwrap:
                numbers = f"results.iter().map(|value| value{field}{unwrap})"
            else:
                numbers = "results.iter().copied()"
        else:
            names = [self._ref(ref) for ref in reduction.sources]
            if op == "count":
                return f"{len(names)}"
            if op in ("all", "any"):
                return (" && " if op == "all" else " || ").join(names)
            numbers = "[" + ", ".join(f"{n}{unwrap}" for n in names) + "].into_iter()"
        if op == "sum":
            return f"{numbers}.try_fold(0{raw}, {raw}::checked_add){wrap}"
        return f"{numbers}.{op}(){wrap}"

    # ------------------------------------------------------------------------------- facts

    def is_copy(self, t: ir.Type) -> bool:
        """Whether values of `t` are Rust `Copy` (numbers, bools, optionals of them): no clone."""
        return _is_copy(t)

    def reads_result(self, callback: ir.Callback, slot: ir.Slot) -> bool:
        """Whether the success branch uses the slot's value (else it is matched as `_`)."""
        return ir.success_reads(callback, slot.bind)

    def uses_caller(self, flow: ir.Flow) -> bool:
        """Whether the flow reads `{caller}` (its method then reads the predecessor)."""
        return ir.flow_uses_caller(flow)

    # --------------------------------------------------------------------------------- hooks

    def hook_signature(self, hook: ir.Hook, stub: bool = False) -> str:
        """`pub fn pick_route(results: &[U128], min_out: U128) -> Result<AccountId, String>`:
        what src/hooks.rs must define (values by reference unless they are numbers or bools).
        `stub`: the stub's own, whose unused arguments start with `_`."""
        used = self._stub_reads(hook) if stub else {r.name for r in hook.args}
        params = ", ".join(
            f"{'' if ref.name in used else '_'}{ref.name}: {self._hook_param(ref.type)}"
            for ref in hook.args
        )
        returns = self._hook_returns(hook)
        if hook.kind == "compute":
            returns = f"Result<{returns}, String>"
        return f"pub fn {hook.name}({params}) -> {returns}"

    def _stub_reads(self, hook: ir.Hook) -> set[str]:
        """The arguments a stub's body reads: those passed through, and an account it copies."""
        used = set(hook.passed_through)
        account = hook.account_arg
        if account and any(ir.ACCOUNT_ID in _types_in(t, self.structs) for _, t in hook.returns):
            used.add(account.name)
        return used

    def _hook_param(self, t: ir.Type) -> str:
        if _is_copy(t):
            return self.type(t)
        if t == ir.STRING:
            return "&str"
        if t.name == "Vec":
            return f"&[{self.type(t.item)}]"
        return f"&{self.type(t)}"

    def _hook_returns(self, hook: ir.Hook) -> str:
        types = [self.type(t) for _, t in hook.returns]
        return types[0] if len(types) == 1 else "(" + ", ".join(types) + ")"

    def hook_call(self, hook: ir.Hook, within: bool = False) -> str:
        """`hooks::pick_route(&results, min_out)`; `within`: as src/hooks.rs's own test calls
        it, on locals of the arguments' names."""
        args = [r.name if within else self._ref(r) for r in hook.args]
        args = [a if _is_copy(r.type) else f"&{a}" for a, r in zip(args, hook.args, strict=True)]
        if within:
            return f"{hook.name}({', '.join(args)})"
        return f"{self.crate('hooks')}::{hook.name}({', '.join(args)})"

    def hook_binding(self, hook: ir.Hook) -> str:
        """What the call's value is bound to: `min_out`, or `(route, expected)`."""
        names = [name for name, _ in hook.returns]
        return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"

    def hook_stub(self, hook: ir.Hook) -> str:
        """A stub's value: each returned value passed through from the argument of its name
        and type, else a plain value of its type (the team writes the real body)."""
        values = []
        for name, t in hook.returns:
            if name in hook.passed_through:
                values.append(name if _is_copy(t) else f"{name}.to_owned()")
            else:
                values.append(self._plain(t, hook))
        value = values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"
        return f"Ok({value})" if hook.kind == "compute" else value

    def _plain(self, t: ir.Type, hook: ir.Hook) -> str:
        """A plain value of `t` for a stub: zero, false, empty, or an account argument."""
        if t.is_int or t.is_big:
            return f"{self.type(t)}(0)" if t.is_big else "0"
        if t == ir.BOOL:
            return "false"
        if t == ir.STRING:
            return "String::new()"
        if t.name == "Vec":
            return "Vec::new()"
        if t.name == "Option":
            return "None"
        if t == ir.ACCOUNT_ID:
            if hook.account_arg is not None:
                return f"{hook.account_arg.name}.clone()"
            return f"{self.sdk('env')}::current_account_id()"
        if t.name == "Tuple":
            return "(" + ", ".join(self._plain(i, hook) for i in t.items) + ")"
        fields = ", ".join(
            f"{rust_field_name(f)}: {self._plain(ft, hook)}"
            for f, ft in self.structs[t.name].fields
        )
        return f"{self.crate(t.name)} {{ {fields} }}"

    def access(self, access: ir.Access) -> str:
        """Whether `caller` may call the flow: `caller == self.owner || ...`."""
        checks = ["caller == self.owner"] if access.owner else []
        checks += [f"caller.as_str() == {rust_str(account)}" for account in access.accounts]
        for field_ in access.fields:
            if field_.is_map:
                checks.append(f"self.{field_.name}.contains_key(&caller)")
            else:
                checks.append(f"caller == self.{field_.name}")
        return " || ".join(checks)

    def owner_transfer(self) -> str:
        """The name of the owner-only method that hands the contract on."""
        return ir.OWNER_TRANSFER

    def call_args(self, flow: ir.Flow, step: ir.Step) -> list[tuple[ir.Call, str | None]]:
        """Each call of `step` with the local that holds its JSON argument bytes (None: it takes
        no arguments): `args`, or `<method>_args` when several calls have arguments, never a
        name the flow already uses."""
        taken = {name for name, _ in flow.params} | {"caller", "deposit", "results", "value"}
        for each in flow.steps():
            taken |= {p.name for p in each.callback.params} | {s.bind for s in each.callback.slots}
            taken |= {each.fan_out.var} if each.fan_out else set()
        with_args = [call for call in step.calls if call.args]
        out = []
        for call in step.calls:
            name = None
            if call.args:
                base = "args" if len(with_args) == 1 else f"{call.method.name}_args"
                name, number = base, 1
                while name in taken:
                    number += 1
                    name = f"{base}_{number}"
                taken.add(name)
            out.append((call, name))
        return out

    def has_call_without_args(self, flow: ir.Flow) -> bool:
        """Whether any call of the flow takes no arguments (the file then defines `NO_ARGS`)."""
        return any(not call.args for step in flow.steps() for call in step.calls)

    def constants(self, flow: ir.Flow) -> list[tuple[str, str, str]]:
        """(name, type, value) of the named gas and deposit constants a flow's file declares:
        one per distinct call gas (`GET_GREETING_GAS`), callback gas (`..._CALLBACK_GAS`) and
        literal deposit (`ADD_MESSAGE_DEPOSIT`, `NO_DEPOSIT`)."""
        found = [(name, kind, value) for (_, kind, value), name in self._constants(flow).items()]
        return sorted(found, key=lambda constant: constant[1] != "Gas")  # gas first, then deposits

    def call_gas(self, flow: ir.Flow, call: ir.Call) -> str:
        """The constant holding a call's static gas."""
        return self._constants(flow)[(call.method.name, "Gas", self._gas(call.gas))]

    def callback_gas(self, flow: ir.Flow, callback: ir.Callback) -> str:
        """The constant holding a callback's static gas."""
        return self._constants(flow)[(callback.name, "Gas", self._gas(callback.gas))]

    def call_deposit(self, flow: ir.Flow, call: ir.Call) -> str:
        """A call's deposit: its constant, or the attached deposit it forwards."""
        if call.deposit == "attached":
            return self._deposit(call.deposit)
        owner = call.method.name if call.deposit else ""
        return self._constants(flow)[(owner, "NearToken", self._deposit(call.deposit))]

    def _constants(self, flow: ir.Flow) -> dict[tuple[str, str, str], str]:
        """(owner, type, value) -> constant name, in the order a reader meets them: calls of one
        method with the same gas share a constant; another gas for it gets `_2`. Worked out once
        per flow: every gas and deposit the file writes looks its constant up here."""
        if flow.name not in self._constants_of:
            self._constants_of[flow.name] = self._name_constants(flow)
        return self._constants_of[flow.name]

    def _name_constants(self, flow: ir.Flow) -> dict[tuple[str, str, str], str]:
        names: dict[tuple[str, str, str], str] = {}

        def add(owner: str, kind: str, value: str, base: str) -> None:
            if (owner, kind, value) not in names:
                taken, name, number = set(names.values()), base, 1
                while name in taken:
                    number += 1
                    name = f"{base}_{number}"
                names[(owner, kind, value)] = name

        for step in flow.steps():
            for call in step.calls:
                method = call.method.name
                upper = snake_case(method).upper()
                add(method, "Gas", self._gas(call.gas), f"{upper}_GAS")
                if call.deposit == 0:
                    add("", "NearToken", self._deposit(0), "NO_DEPOSIT")
                elif call.deposit != "attached":
                    value = self._deposit(call.deposit)
                    add(method, "NearToken", value, f"{upper}_DEPOSIT")
            callback = step.callback.name
            add(callback, "Gas", self._gas(step.callback.gas), f"{callback.upper()}_GAS")
        if flow.step and flow.step.fan_out and flow.step.fan_out.runtime:
            base, per_item = gas.fan_out_need(flow)
            add("fan-out base", "Gas", self._gas(base), f"{flow.name.upper()}_BASE_GAS")
            item = snake_case(flow.step.fan_out.var).upper()
            add("fan-out item", "Gas", self._gas(per_item), f"GAS_PER_{item}")
        return names

    def has_critical_results(self) -> bool:
        """Whether any callback reads a critical value (outcome.rs then defines `or_log`)."""
        return any(
            slot.critical and slot.type is not None
            for flow in self.contract.flows
            for step in flow.steps()
            if step.kind != "fan_out"
            for slot in step.callback.slots
        )

    def has_unit_results(self) -> bool:
        """Whether any call returns nothing (outcome.rs then defines `succeeded`)."""
        return any(
            slot.type is None
            for flow in self.contract.flows
            for step in flow.steps()
            for slot in step.callback.slots
        )

    # ---------------------------------------------------------------- unit-test sample data

    def sandbox_allowed(self, flow: ir.Flow) -> bool:
        """Whether the generated sandbox test's caller may call the flow (`access:`); it is
        given to `init` as every account that access checks."""
        return samples.sandbox_caller_may_call(self.contract, flow)

    def sandbox_init_caller(self, field: ir.StateField) -> bool:
        """Whether the generated sandbox test passes its caller to `init` for this field."""
        return field.name in samples.access_fields(self.contract)

    def outsider(self) -> str:
        """An account no flow's `access:` lets call it, for the unit tests that expect refusal."""
        listed = {a for f in self.contract.flows if f.access for a in f.access.accounts}
        return next(
            f"outsider{n or ''}.near"
            for n in range(len(listed) + 1)
            if f"outsider{n or ''}.near" not in listed
        )

    def init_sample(self, field: ir.StateField) -> str:
        """What a unit test's `init` passes for a field (samples.init_sample): the test's caller
        for an account that `access:` checks."""
        value = samples.init_sample(self.contract, field, self.structs)
        return self._value(value, self.param_type(field))

    def sample_lit(self, t: ir.Type, index: int = 0) -> str:
        """A sample value of `t`; account ids numbered by `index` (`account2.near`) when > 0."""
        if t == ir.ACCOUNT_ID and index > 0:
            return self.lit(ir.Lit(f"account{index}.near", t))
        return self._value(samples.sample(t, self.structs), t)

    def sample_json(self, t: ir.Type) -> str:
        """The same sample as a `json!` value."""
        return json_lit(samples.sample(t, self.structs))

    def callback_cases(self, flow: ir.Flow) -> list[dict]:
        """Every callback branch a unit test drives, with its expectations (samples.py)."""
        state = samples.initial_state(self.contract, self.structs)
        return samples.callback_cases(flow, self.structs, state)

    def case_arg(self, ref: ir.Ref, value, case: dict) -> str:
        """A callback argument in a test case: the flow's own value when it ran first."""
        if ref.source == "previous" and case["rolls_back"]:
            return ref.name
        if ref.source == "caller":
            return "CALLER.parse().unwrap()"
        return self._value(value, ref.type)

    def test_state(self, update: ir.Update) -> str:
        """What a unit test compares before and after a rollback for one update: the field, or
        the map entry the flow updated (`contract.balances.get(&key).copied()`)."""
        if update.key is None:
            return f"&contract.{update.field.name}"
        key = self._test_key(update.key, update.field.type.key)
        copied = "copied" if _is_copy(update.type) else "cloned"
        return f"contract.{update.field.name}.get(&{key}).{copied}()"

    def _test_key(self, expr: ir.Expr, key_type: ir.Type) -> str:
        """A map key as a unit test's flow computes it, from the sample caller and values."""
        env = {"caller": samples.CALLER, "deposit": samples.DEPOSIT}
        env |= {r.name: samples.sample(r.type, self.structs) for r in ir.refs_in(expr)}
        value = samples.evaluate(expr, env, self.structs)
        if key_type == ir.ACCOUNT_ID:
            return f"{rust_str(value)}.parse::<{self.sdk('AccountId')}>().unwrap()"
        return self._value(value, key_type) + (f"_{key_type.name}" if key_type.is_int else "")

    def updated_values(self, flow: ir.Flow) -> list[tuple[str, str]]:
        """(state read, expected Rust value) of each update a unit test of a flow without
        calls checks (samples.updated_values): `contract.count`, `Some(...)` for a map entry."""
        state = samples.initial_state(self.contract, self.structs)
        args, _ = samples.flow_args(flow, self.structs, state)
        out = []
        for update, value in samples.updated_values(flow, args, state, self.structs):
            expected = self._value(value, update.type)
            if update.key is not None:
                out.append((self.test_state(update), f"Some({expected})"))
            else:
                out.append((f"contract.{update.field.name}", expected))
        return out

    def flow_call(self, flow: ir.Flow) -> dict:
        """A unit test's call of the flow: `args`, the Rust values of its parameters (ones that
        pass its `require:`, found by samples.flow_args), `refused`, the panic message when
        no values tried pass (the test then expects it), and `runs`: whether a test may run the
        flow and know what it does (not when it calls a `before` hook)."""
        state = samples.initial_state(self.contract, self.structs)
        args, refused = samples.flow_args(flow, self.structs, state)
        values = {name: self._value(args[name], t) for name, t in flow.params}
        # A flow that calls the team's `before` hook does what that code decides.
        return {"args": values, "refused": refused, "runs": flow.before is None}

    def test_seeds(self) -> list[str]:
        """Statements that give a unit test's fresh contract what its flows read from state: an
        item in each List a flow fans out over (unless init fills it), an entry for each map
        entry a call targets."""
        seeds: list[str] = []
        init = {p.name for p in self.contract.init.params} if self.contract.init else set()
        for flow in self.contract.flows:
            for fan_out in flow.runtime_fan_outs():
                field = fan_out.from_state
                if field is not None and field.name not in init:
                    sample = self.sample_lit(field.type.item)
                    seeds.append(f"contract.{field.name}.push({sample});")
            for field in flow.access.fields if flow.access else ():
                if field.is_map:  # the test's caller is one of the accounts that may call
                    sample = self.sample_lit(field.type.value)
                    seeds.append(
                        f"contract.{field.name}.insert(CALLER.parse().unwrap(), {sample});"
                    )
            for call in flow.step.calls if flow.step else ():
                if isinstance(call.account, ir.MapEntry):
                    entry = call.account
                    key = self._test_key(entry.key, entry.map.type.key)
                    sample = self.sample_lit(ir.ACCOUNT_ID)
                    seeds.append(f"contract.{entry.map.name}.insert({key}, {sample});")
        return list(dict.fromkeys(seeds))

    def expected_receipts(self, flow: ir.Flow) -> list[tuple[str, list[str]]]:
        """(receiver expression, method names) of every receipt the flow's method creates."""
        step = flow.step
        if step.kind == "parallel":
            rows = [(self._test_account(c), [c.method.name]) for c in step.calls]
        elif step.fan_out is not None:
            # One receipt per item of the sample list (`sample_lit`) or of the literal list.
            fan_out = step.fan_out
            if fan_out.from_state is not None:
                state = samples.initial_state(self.contract, self.structs)
                items = state.get(fan_out.from_state.name) or []
            elif fan_out.runtime:
                items = [samples.sample(fan_out.type, self.structs)]
            else:
                items = fan_out.over
            methods = [c.method.name for c in step.calls]
            rows = [(self._test_account(step.calls[0]), methods) for _ in items]
        else:
            rows = [(self._test_account(step.calls[0]), [c.method.name for c in step.calls])]
        if flow.storage_by_caller:  # what the storage did not cost goes back first
            rows = [("CALLER", ["<transfer>"]), *rows]
        return rows + [("contract_account().as_str()", [step.callback.name])]

    def _test_account(self, call: ir.Call) -> str:
        if call.account is not None:  # a parameter or the fan-out item: the sample account id
            return rust_str(samples.sample(ir.ACCOUNT_ID, self.structs))
        external = call.external
        if isinstance(external.account, str):
            return rust_str(external.account)
        field_ = external.account
        init_params = [p.name for p in self.contract.init.params] if self.contract.init else []
        if field_.name in init_params:
            return rust_str(f"account{init_params.index(field_.name) + 1}.near")
        return rust_str(field_.default.value)


def plan(contract: ir.Contract) -> list[tuple[str, str, dict]]:
    """(output path, template, extra context) for every file of the Rust project; each file gets
    its own `rs`, which records what that file uses."""
    files = [
        ("Cargo.toml", "Cargo.toml.jinja", "manifest"),
        ("rustfmt.toml", "rustfmt.toml.jinja", "manifest"),
        ("README.md", "README.md.jinja", "doc"),
        ("src/lib.rs", "src/lib.rs.jinja", "lib"),
        ("src/outcome.rs", "src/outcome.rs.jinja", "outcome"),
    ]
    if contract.structs or args_structs(contract):
        files.append(("src/types.rs", "src/types.rs.jinja", "types"))
    out = [(path, template, {"rs": RustApi(contract, module)}) for path, template, module in files]
    for flow in contract.flows:
        context = {"rs": RustApi(contract, "flow"), "flow": flow}
        out.append((f"src/{flow.name}.rs", "src/flow.rs.jinja", context))
    if contract.hooks:  # the team's file: written once, never overwritten (`seed`)
        context = {"rs": RustApi(contract, "hooks"), "seed": True}
        out.append(("src/hooks.rs", "src/hooks.rs.jinja", context))
    for path, template, module in (
        ("src/tests.rs", "src/tests.rs.jinja", "tests"),
        ("sandbox-tests/Cargo.toml", "sandbox-tests/Cargo.toml.jinja", "manifest"),
        ("sandbox-tests/tests/workspaces.rs", "sandbox-tests/tests/workspaces.rs.jinja", "tests"),
    ):
        out.append((path, template, {"rs": RustApi(contract, module)}))
    return out
