"""The TypeScript (near-sdk-js 2.x) template API: how IR types, values and names are spelled.

Python computes spellings and facts; the templates under templates/ts/ write every statement, and
prettier lays them out. The TypeScript contract must behave exactly like the Rust one: the same
JSON in and out, the same log lines. So values keep Rust's JSON shape (U64/U128 as decimal
strings, structs with every field in declared order, None as null), i64/u64 are exact bigints
(read and written by the project's own JSON reader and writer, src/json.ts), and every spec string
becomes a JSON-escaped string literal.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from xccgen import ir
from xccgen.analysis import gas
from xccgen.render import samples
from xccgen.render.strings import quote

TS_SCALARS = {
    "string": "string",
    "bool": "boolean",
    "AccountId": "AccountId",
    "U64": "string",
    "U128": "string",
}
INT_DECODERS = {
    "i8": "decodeInt8",
    "i16": "decodeInt16",
    "i32": "decodeInt32",
    "i64": "decodeInt64",
    "u8": "decodeUint8",
    "u16": "decodeUint16",
    "u32": "decodeUint32",
    "u64": "decodeUint64",
}
SCALAR_DECODERS = {
    "string": "decodeString",
    "bool": "decodeBool",
    "AccountId": "decodeAccountId",
    "U64": "decodeU64",
    "U128": "decodeU128",
    **INT_DECODERS,
}
# i64/u64: bigint in TypeScript, as a `number` cannot hold every 64-bit integer.
BIGINT_TYPES = ("i64", "u64")
MAX_SAFE_INTEGER = 2**53 - 1
TGAS = 10**12
NEAR = 10**24
IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
# The near-sdk-js exports generated code may use.
SDK_NAMES = (
    "AccountId",
    "LookupMap",
    "LookupSet",
    "NearBindgen",
    "UnorderedMap",
    "Vector",
    "NearPromise",
    "ONE_NEAR",
    "ONE_TERA_GAS",
    "call",
    "decode",
    "encode",
    "initialize",
    "near",
    "str",
    "validateAccountId",
    "view",
)
# What the project's own modules export, by name (decoders and structs live in ./types too).
LOCAL_MODULES = {
    **{
        name: "./checked"
        for name in (
            "addBig",
            "addBigInt",
            "addInt",
            "subBig",
            "subBigInt",
            "subInt",
            "checkedBig",
            "quotient",
            "remainder",
            "required",
            "holds",
        )
    },
    **{
        name: "./json"
        for name in ("Decoder", "JsonReader", "NearBindgen", "parse", "readArgs", "toJson")
    },
    **{name: "./outcome" for name in ("FAILED", "INVALID", "Outcome", "isValue", "outcome")},
    **{name: "./reduce" for name in ("sum", "min", "max", "argmin", "argmax")},
}
# The numeric reductions, which src/reduce.ts implements.
NUMERIC_REDUCERS = ("sum", "min", "max", "argmin", "argmax")


def ts_type(t: ir.Type | None) -> str:
    if t is None:
        return "void"
    if t.name == "Vec":
        inner = ts_type(t.item)
        return f"({inner})[]" if " " in inner else f"{inner}[]"
    if t.name == "Option":
        return f"{ts_type(t.item)} | null"
    if t.name == "Tuple":
        return "[" + ", ".join(ts_type(i) for i in t.items) + "]"
    if t.is_collection:  # near-sdk-js's collections: string keys, values of the spec's type
        inner = ts_type(t.item if t.is_list else t.value)
        return f"{ir.COLLECTIONS[t.name][1]}<{inner}>"
    if t.name in BIGINT_TYPES:
        return "bigint"
    if t.is_int:
        return "number"
    return TS_SCALARS.get(t.name, t.name)


def ts_str(text: str) -> str:
    """A double-quoted TypeScript string literal that reads back as exactly `text`."""
    # Lone surrogates cannot be written as themselves in a UTF-8 source file.
    return quote(text, lambda code: f"\\u{code:04x}", lambda code: 0xD800 <= code <= 0xDFFF)


def ts_key(name: str) -> str:
    # `__proto__` as a literal key would set the prototype instead of making a field.
    if name == "__proto__":
        return '["__proto__"]'
    return name if IDENT.fullmatch(name) else ts_str(name)


def decoder(t: ir.Type) -> str:
    """The expression of the `types.ts` decoder that reads a parsed JSON value of type `t`."""
    if t.name == "Vec":
        return f"decodeVec({decoder(t.item)})"
    if t.name == "Option":
        return f"decodeOption({decoder(t.item)})"
    if t.name == "Tuple":
        raise ValueError("tuples are only returned, never decoded")
    return SCALAR_DECODERS.get(t.name, f"decode{t.name}")


def json_value(value, bigints: bool = False) -> str:
    """A JSON literal written as a TS expression, keys and order as given (like Rust's `json!`).

    `bigints`: integers a `number` cannot hold exactly are bigint literals (`toJson` writes them
    with every digit); without it the value is plain JSON for `JSON.stringify`."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{ts_key(k)}: {json_value(v, bigints)}" for k, v in value.items())
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(json_value(v, bigints) for v in value) + "]"
    if isinstance(value, str):
        return ts_str(value)
    if value is None:
        return "null"
    if bigints and isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_SAFE_INTEGER:
            return f"{value}n"
    return json.dumps(value)


class TsApi:
    """`ts` in the TypeScript templates: spellings of the IR for one file (docs/templates.md).

    Every method returns a TypeScript expression or a plain fact; statements are the templates'.
    Every name a spelling uses is recorded, and so is every export a template writes through
    `ts.sdk(...)` or `ts.local(...)`, so the file's imports list exactly what it uses.
    """

    def __init__(self, contract: ir.Contract, module: str):
        self.contract = contract
        self.module = module  # the file's import path, `./types`, so it never imports itself
        self.structs = {s.name: s for s in contract.structs}
        self._imports: dict[str, set[str]] = {}
        self._hooks = False  # whether the file calls a hook (see `uses_hooks`)
        self._widen: set[str] = set()  # texts a condition compares with two literals

    # -------------------------------------------------------------------------- spellings

    def type(self, t: ir.Type | None) -> str:
        """`Vec<u8?>` -> `(number | null)[]`; None (no value) -> `void`."""
        if t is not None and t.is_collection:
            kind = self.sdk(ir.COLLECTIONS[t.name][1])
            return f"{kind}<{self.type(t.item if t.is_list else t.value)}>"
        for name in _names_in(t):
            if name == "AccountId":
                self.sdk(name)
            elif name in self.structs:
                self.local(name)
        return ts_type(t)

    def list_type(self, t: ir.Type) -> str:
        """The type of an array of `t`: `string[]`, `(number | null)[]`."""
        return self.type(ir.Type("Vec", t))

    def str(self, text: str) -> str:
        """A string literal reading back as exactly `text`: `"say \\"hi\\""`."""
        return ts_str(text)

    def key(self, name: str) -> str:
        """An object key: `amount`, or `"token-id"` when it is not an identifier."""
        return ts_key(name)

    def comment(self, text: str | None) -> str:
        """Text that stays inside a `//` or `/** */` comment: one line, no `*/`."""
        return re.sub(r"\r\n|[\n\r\u2028\u2029]", " ", text or "").replace("*/", "*\\/")

    def camel(self, name: str) -> str:
        """`hello_account` -> `helloAccount`."""
        return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)

    def json_text(self, text: str) -> str:
        """A JSON string (for package.json)."""
        return json.dumps(text, ensure_ascii=False)

    def gas(self, gas: int) -> str:
        """`5n * ONE_TERA_GAS`, or `1234n` when not a whole number of Tgas."""
        return f"{gas // TGAS}n * {self.sdk('ONE_TERA_GAS')}" if gas % TGAS == 0 else f"{gas}n"

    def deposit(self, deposit: int | str) -> str:
        """A call's deposit in yoctoNEAR: `NO_DEPOSIT`, `2n * ONE_NEAR`, `BigInt(deposit)`."""
        if deposit == "attached":
            return "BigInt(deposit)"
        if deposit == 0:
            return "NO_DEPOSIT"
        if deposit % NEAR == 0:
            return f"{deposit // NEAR}n * {self.sdk('ONE_NEAR')}"
        return f"{deposit}n"

    def decoder(self, t: ir.Type) -> str:
        """The types.ts decoder of `t`: `decodeVec(decodeGreeting)`."""
        text = decoder(t)
        for name in re.findall(r"decode\w+", text):
            self.local(name)
        return text

    def int_range(self, t: ir.Type) -> tuple[str, str]:
        """(lowest value, first value past the highest) of an integer type: `0`, `2 ** 8`; as
        bigints for i64/u64: `-(2n ** 63n)`, `2n ** 63n`."""
        bits = ir.INT_BITS[t.name]
        n = "n" if self.is_bigint(t) else ""
        if t.name.startswith("i"):
            return f"-(2{n} ** {bits - 1}{n})", f"2{n} ** {bits - 1}{n}"
        return f"0{n}", f"2{n} ** {bits}{n}"

    def is_bigint(self, t: ir.Type) -> bool:
        """Whether values of `t` are bigints (i64, u64), whose arithmetic is `addBigInt`."""
        return t.name in BIGINT_TYPES

    def big_bits(self, t: ir.Type) -> str:
        """The bit width `addBig`/`subBig` check a U64/U128 against: `64n`, `128n`."""
        return "64n" if t.name == "U64" else "128n"

    def params(self, params) -> list[tuple[str, str]]:
        """(name, TS type) of (name, type) pairs, state fields or refs."""
        return [(name, self.type(t)) for name, t in _pairs(params)]

    def param_decoders(self, params) -> list[str]:
        """The decoder of each parameter, in order, for `readArgs`: `decodeUint64`."""
        return [self.decoder(t) for _, t in _pairs(params)]

    # ------------------------------------------------------------------------------ values

    def _ref(self, ref: ir.Ref) -> str:
        """A named value: `this.count` for state, the bare name otherwise."""
        return f"this.{ref.name}" if ref.source == "state" else ref.name

    def lit(self, lit: ir.Lit) -> str:
        """A typed literal in the shape Rust serializes it: every struct field, in order."""
        return self._value(lit.value, lit.type)

    def _value(self, value, t: ir.Type) -> str:
        if t.name == "Option":
            return "null" if value is None else self._value(value, t.item)
        if t.is_stringy:
            return ts_str(value)
        if t.name == "bool":
            return "true" if value else "false"
        if t.name in BIGINT_TYPES:
            return f"{value}n"
        if t.is_int:
            return str(value)
        if t.is_big:
            return ts_str(str(int(value)))
        if t.name == "Vec":
            return "[" + ", ".join(self._value(v, t.item) for v in value) + "]"
        if t.name == "Tuple":
            items = [self._value(v, i) for v, i in zip(value, t.items, strict=True)]
            return "[" + ", ".join(items) + "]"
        fields = self.structs[t.name].fields
        return self._object([(n, self._value(value.get(n), ft)) for n, ft in fields])

    def zero(self, t: ir.Type) -> str:
        """A placeholder of type `t` for state that `init` sets (near-sdk-js needs one)."""
        return self._zero(t, "0n")

    def _zero(self, t: ir.Type, bigint: str) -> str:
        if t.name == "Option":
            return "null"
        if t.is_stringy:
            return '""'
        if t.is_big:
            return '"0"'
        if t.name in BIGINT_TYPES:
            return bigint
        if t.is_int:
            return "0"
        if t.name == "bool":
            return "false"
        if t.name == "Vec":
            return "[]"
        fields = self.structs[t.name].fields
        return self._object([(n, self._zero(ft, bigint)) for n, ft in fields])

    def json(self, value) -> str:
        """A spec's JSON literal as it is written, keys and order as given: `{ a: [1, "x"] }`."""
        return json_value(value)

    def expr(self, expr: ir.Expr) -> str:
        """An expression's value."""
        if isinstance(expr, ir.Lit):
            return self.lit(expr)
        if isinstance(expr, ir.Ref):
            return self._ref(expr)
        if isinstance(expr, ir.Interp):
            return self.text(expr)
        if isinstance(expr, ir.Some):
            return self.expr(expr.value)  # `T | null` holds a `T` as it is
        return "[" + ", ".join(self.expr(i) for i in expr.items) + "]"

    def text(self, interp: ir.Interp) -> str:
        """A string with placeholders: literal pieces and displayed values joined with `+`."""
        if not interp.refs:
            return ts_str("".join(interp.parts))
        parts = [ts_str(p) if isinstance(p, str) else self._display(p) for p in interp.parts]
        return " + ".join(parts)

    def _display(self, ref: ir.Ref) -> str:
        """Text of a value in a log or string, as Rust's `{}`: strings raw, the rest as JSON."""
        text = self._ref(ref)
        if ref.type.is_stringy or ref.type.is_big:  # U64/U128 are decimal strings already
            return text
        if ref.type.is_int or ref.type.name == "bool":
            return f"String({text})"  # a bigint's digits, as Rust's `{}` of an i64/u64
        return f"{self.local('toJson')}({text})"

    def _arg(self, expr: ir.Expr) -> str:
        """A value inside a call's JSON arguments: literals exactly as the spec wrote them."""
        if isinstance(expr, ir.Lit):
            return json_value(expr.value, bigints=True)
        if isinstance(expr, ir.Some):
            return self._arg(expr.value)
        return self.expr(expr)

    def call_args(self, call: ir.Call) -> list[tuple[str, str]]:
        """(JSON key, value) of a call's arguments."""
        return [(name, self._arg(value)) for name, value in call.args]

    def account(self, external: ir.External) -> str:
        """The account an external lives at: a literal or `this.<state field>`."""
        if isinstance(external.account, str):
            return ts_str(external.account)
        return f"this.{external.account.name}"

    def condition(self, expr: ir.Expr, on_overflow: str | None = None) -> str:
        """A condition as a TypeScript `boolean`. Numbers are compared and computed as bigints,
        whatever their type; arithmetic is checked as in Rust (`checkedBig`). A condition that
        computes is wrapped by how an overflow ends: `abort` (`required`, a `require:`) or
        `log` (`holds`, a `when:`, which then does not hold)."""
        # A text compared with two literals is widened (`x as string`): after `x === "a"`,
        # TypeScript narrows `x` to "a" and rejects `x === "b"` (TS2367).
        seen = Counter(self._cond_value(e) for e in _literal_comparisons(expr))
        self._widen = {place for place, count in seen.items() if count > 1}
        text = self._condition(expr)
        self._widen = set()
        if on_overflow is not None and ir.has_arithmetic(expr):
            wrapper = self.local({"abort": "required", "log": "holds"}[on_overflow])
            return f"{wrapper}(() => {text})"
        return text

    def _condition(self, expr: ir.Expr) -> str:
        if isinstance(expr, ir.Op) and expr.op in ("&&", "||"):
            left, right = (self._condition(a) for a in expr.args)
            return f"({left} {expr.op} {right})"
        if isinstance(expr, ir.Op) and expr.op == "!":
            return f"!({self._condition(expr.args[0])})"
        if isinstance(expr, ir.Op) and expr.type == ir.BOOL:  # a comparison
            left, right = expr.args
            op = {"==": "===", "!=": "!=="}.get(expr.op, expr.op)
            if left.type == ir.BOOL:  # each side parenthesized: `===` does not chain
                sides = [
                    f"({self._condition(e)})" if isinstance(e, ir.Op) else self._condition(e)
                    for e in expr.args
                ]
                return f"{sides[0]} {op} {sides[1]}"
            if left.type.is_stringy:
                return f"{self._text(left)} {op} {self._text(right)}"
            return f"{self._big(left)} {op} {self._big(right)}"
        if isinstance(expr, ir.Lit):
            return "true" if expr.value else "false"
        return self._cond_value(expr)

    def _text(self, expr: ir.Expr) -> str:
        """A text of a comparison, widened to `string` where TypeScript would narrow it."""
        value = self._cond_value(expr)
        return f"({value} as string)" if value in self._widen else value

    def _cond_value(self, expr: ir.Expr) -> str:
        """A named value, a field of one, or a literal, as it is in TypeScript."""
        if isinstance(expr, ir.FieldOf):
            key = ts_key(expr.field)
            base = self._cond_value(expr.base)
            return base + (f".{key}" if IDENT.fullmatch(key) else f"[{key}]")
        if isinstance(expr, ir.Lit):
            return self.lit(expr)
        if isinstance(expr, ir.MapEntry):  # a key without an entry reads as the map's default
            key = self.map_key(self.expr(expr.key), expr.map.type.key)
            return f"(this.{expr.map.name}.get({key}) ?? {self.lit(expr.map.default)})"
        return self._ref(expr)

    def _big(self, expr: ir.Expr) -> str:
        """A number of a condition as a bigint."""
        if isinstance(expr, ir.Lit):
            value = int(expr.value)
            return f"{value}n" if value >= 0 else f"({value}n)"
        if isinstance(expr, ir.Op) and expr.op == "len":
            (value,) = expr.args
            if value.type.is_stringy:  # its UTF-8 bytes, as Rust's `len()`
                return f"BigInt({self.sdk('encode')}({self._cond_value(value)}).length)"
            return f"BigInt({self._cond_value(value)}.length)"
        if isinstance(expr, ir.Op):
            left, right = (self._big(a) for a in expr.args)
            lo, end = _bigint_range(expr.type)
            message = ts_str(expr.overflow_message)
            if expr.op in ("/", "%"):
                helper = self.local("quotient" if expr.op == "/" else "remainder")
                return f"{helper}({left}, {right}, {lo}, {end}, {message})"
            return f"{self.local('checkedBig')}({left} {expr.op} {right}, {lo}, {end}, {message})"
        return f"BigInt({self._cond_value(expr)})"

    def call_account(self, call: ir.Call) -> str:
        """Where a call goes: its own target (`pool`), or its external's account."""
        target = call.account
        if isinstance(target, ir.FieldOf):
            key = ts_key(target.field)
            return f"{self._ref(target.base)}" + (f".{key}" if IDENT.fullmatch(key) else f"[{key}]")
        if isinstance(target, ir.MapEntry):
            key = self.map_key(self.expr(target.key), target.map.type.key)
            missing = ts_str(f"`{target.map.name}` has no entry for this key")
            return f"(this.{target.map.name}.get({key}) ?? panicStr({missing}))"
        if target is not None:
            return self._ref(target)
        return self.account(call.external)

    def fan_out_items(self, fan_out: ir.FanOut) -> str:
        """The array a fan-out maps to promises: a literal one, or the list passed in."""
        if fan_out.runtime:
            return fan_out.over.name
        return "[" + ", ".join(self.lit(item) for item in fan_out.over) + "]"

    def fan_out_need(self, flow: ir.Flow) -> tuple[str, str] | None:
        """The gas a run-time fan-out needs (base, per item) when the flow's first step is one:
        its method checks the prepaid gas against base + per item × items."""
        if not (flow.step and flow.step.fan_out and flow.step.fan_out.runtime):
            return None
        base, per_item = gas.fan_out_need(flow)
        return self.gas(base), self.gas(per_item)

    def reduction(self, reduction: ir.Reduction) -> str:
        """The expression of a reduced value; for those that can fail (`reduction.can_fail`)
        it is `FAILED` when there is nothing to pick from or a sum does not fit its type."""
        op = reduction.op
        if reduction.over_results:
            values = "results"
            if reduction.field is not None:
                values = f"results.map((value) => value.{reduction.field})"
        else:
            values = "[" + ", ".join(self._ref(ref) for ref in reduction.sources) + "]"
        if op == "count":
            return "results.length" if reduction.over_results else str(len(reduction.sources))
        if op in ("all", "any"):
            if not reduction.over_results:
                joiner = " && " if op == "all" else " || "
                return joiner.join(self._ref(ref) for ref in reduction.sources)
            method = "every" if op == "all" else "some"
            key = f"value.{reduction.field}" if reduction.field else "value"
            return f"results.{method}((value) => {key})"
        numeric = self.numeric(reduction.key_type)
        if op in ("argmin", "argmax"):
            return f"{self.local(op)}(items, {values}, {numeric})"
        return f"{self.local(op)}({values}, {numeric})"

    def numeric(self, t: ir.Type) -> str:
        """The reduce.ts description of a numeric type: `NUMERIC_U128`."""
        name = f"NUMERIC_{t.name.upper()}"
        if self.module != "./reduce":
            self._imports.setdefault("./reduce", set()).add(name)
        return name

    def numeric_types(self) -> list[tuple[str, ir.Type, str, str]]:
        """(constant, type, lowest value, first value past the highest) of each numeric type
        a numeric reduction uses, for src/reduce.ts."""
        types = {
            r.key_type
            for flow in self.contract.flows
            for step in flow.steps()
            for r in step.callback.reductions
            if r.op in NUMERIC_REDUCERS
        }
        return [
            (f"NUMERIC_{t.name.upper()}", t, *_bigint_range(t))
            for t in sorted(types, key=lambda t: t.name)
        ]

    def from_bigint(self, t: ir.Type, value: str) -> str:
        """A bigint `value` as a value of numeric type `t`: `String(v)`, `Number(v)`, `v`."""
        if t.is_big:
            return f"String({value})"
        return value if self.is_bigint(t) else f"Number({value})"

    def _object(self, fields: list[tuple[str, str]]) -> str:
        if not fields:
            return "{}"
        return "{ " + ", ".join(f"{ts_key(n)}: {v}" for n, v in fields) + " }"

    # ------------------------------------------------------------------------------- facts

    def uses_caller(self, flow: ir.Flow) -> bool:
        """Whether the flow reads `{caller}` (its method then reads the predecessor)."""
        return ir.flow_uses_caller(flow)

    def sandbox_allowed(self, flow: ir.Flow) -> bool:
        """Whether the generated sandbox test's caller may call the flow (`access:`); it is
        given to `init` as every account that access checks."""
        return samples.sandbox_caller_may_call(self.contract, flow)

    def sandbox_init_caller(self, field: ir.StateField) -> bool:
        """Whether the generated sandbox test passes its caller to `init` for this field."""
        return field.name in samples.access_fields(self.contract)

    # --------------------------------------------------------------------------------- hooks

    def hook_signature(self, hook: ir.Hook, stub: bool = False) -> str:
        """`export function pick_route(results: string[], min_out: string): [string, string]`:
        what src/hooks.ts must define. `stub`: the stub's own, whose unused arguments start
        with `_`."""
        used = hook.passed_through if stub else {r.name for r in hook.args}
        params = ", ".join(
            f"{'' if r.name in used else '_'}{r.name}: {self.type(r.type)}" for r in hook.args
        )
        return f"export function {hook.name}({params}): {self._hook_returns(hook)}"

    def _hook_returns(self, hook: ir.Hook) -> str:
        types = [self.type(t) for _, t in hook.returns]
        return types[0] if len(types) == 1 else "[" + ", ".join(types) + "]"

    def hook_call(self, hook: ir.Hook, within: bool = False) -> str:
        """`hooks.pick_route(results, min_out)`; `within`: as src/hooks.ts's own file calls it,
        on locals of the arguments' names."""
        if within:
            return f"{hook.name}({', '.join(r.name for r in hook.args)})"
        self._hooks = True
        return f"hooks.{hook.name}({', '.join(self._ref(r) for r in hook.args)})"

    def hook_binding(self, hook: ir.Hook) -> str:
        """What the call's value is bound to: `min_out`, or `[route, expected]`."""
        names = [name for name, _ in hook.returns]
        return names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"

    def hook_values(self, hook: ir.Hook) -> list[tuple[str, str]]:
        """(name, type) of each value a hook gives back, for the locals a callback declares."""
        return [(name, self.type(t)) for name, t in hook.returns]

    def hook_stub(self, hook: ir.Hook) -> str:
        """A stub's value: each returned value passed through from the argument of its name
        and type, else a zero of its type (the team writes the real body)."""
        values = [
            name if name in hook.passed_through else self._zero(t, "0n") for name, t in hook.returns
        ]
        return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"

    def uses_hooks(self) -> bool:
        """Whether the file calls a hook (it then imports src/hooks.ts as `hooks`)."""
        return self._hooks

    def access_refused(self, access: ir.Access) -> str:
        """Whether `caller` may not call the flow: `caller !== this.owner && ...`."""
        checks = ["caller !== this.owner"] if access.owner else []
        checks += [f"caller !== {ts_str(account)}" for account in access.accounts]
        for field_ in access.fields:
            if field_.type.name == "Map":
                checks.append(f"!this.{field_.name}.containsKey(caller)")
            elif field_.is_map:  # an UnorderedMap has no containsKey; its values are not null
                checks.append(f"this.{field_.name}.get(caller) === null")
            else:
                checks.append(f"caller !== this.{field_.name}")
        return " && ".join(checks)

    def owner_transfer(self) -> str:
        """The name of the owner-only method that hands the contract on."""
        return ir.OWNER_TRANSFER

    def condition_arithmetic(self, kind: str | None = None) -> bool:
        """Whether a condition computes (checked.ts then has `checkedBig` & co): any, or only
        a `require:` (`kind="require"`, for `required`) or a `when:` (`"when"`, for `holds`)."""
        return any(
            ir.has_arithmetic(expr)
            for flow in self.contract.flows
            for expr in flow.conditions(kind)
        )

    def aborts(self) -> bool:
        """Whether a flow rejects a call itself (a held lock, a run-time list it cannot take):
        contract.ts then defines `panicStr`."""
        if self.contract.locks or any(f.requires or f.access for f in self.contract.flows):
            return True
        for flow in self.contract.flows:
            calls = [c for step in flow.steps() for c in step.calls]
            if flow.storage_by_caller or flow.runtime_fan_outs():
                return True
            if any(isinstance(c.account, ir.MapEntry) for c in calls):
                return True
        return False

    def schema_fields(self) -> list[ir.StateField]:
        """State fields near-sdk-js cannot restore by itself: it reads `.constructor` of each,
        and rebuilds a map only when told its class."""
        return [f for f in self.contract.state if f.type.name == "Option" or f.is_collection]

    def collection_class(self, field: ir.StateField) -> str:
        """The near-sdk-js class of a collection field: `LookupMap`, `UnorderedMap`, `Vector`."""
        return self.sdk(ir.COLLECTIONS[field.type.name][1])

    def param_type(self, field: ir.StateField) -> ir.Type:
        """The type an init parameter takes for a state field: its own, a `Vec` for a List."""
        return ir.Type("Vec", field.type.item) if field.type.is_list else field.type

    def init_params(self, init: ir.Init) -> list[tuple[str, ir.Type]]:
        """(name, type) of what `init` reads: each field's type, a `Vec` for a List."""
        return [(p.name, self.param_type(p)) for p in init.params]

    def account_id_type(self) -> ir.Type:
        """`AccountId`, for a parameter a template reads itself."""
        return ir.ACCOUNT_ID

    def page_params(self) -> list[tuple[str, ir.Type]]:
        """The parameters of a `list_<field>` view: `from_index` and `limit`, both `u32?`."""
        page = ir.Type("Option", ir.Type("u32"))
        return [("from_index", page), ("limit", page)]

    def list_limit(self) -> int:
        """What a `list_<field>` view returns at most when the caller gives no limit."""
        return ir.LIST_LIMIT

    def from_map_key(self, key: str, t: ir.Type) -> str:
        """A `LookupMap`/`UnorderedMap` key (a string) back as a value of key type `t`."""
        if t.is_stringy or t.is_big:
            return key
        return f"BigInt({key})" if self.is_bigint(t) else f"Number({key})"

    def map_key(self, key: str, t: ir.Type) -> str:
        """A map key as near-sdk-js's `LookupMap` takes it, a string: `caller`, `String(id)`."""
        return key if t.is_stringy or t.is_big else f"String({key})"

    def map_key_param(self, field: ir.StateField) -> str:
        """The name of a Map view's parameter: `account_id` for accounts, else `key`."""
        return "account_id" if field.type.key == ir.ACCOUNT_ID else "key"

    # ---------------------------------------------------------------------------- imports

    def sdk(self, name: str) -> str:
        """A near-sdk-js export as the code writes it (`NearPromise`, `near`), imported."""
        if name not in SDK_NAMES:
            raise ValueError(f"ts.sdk: unknown near-sdk-js export {name!r} (known: {SDK_NAMES})")
        self._imports.setdefault("near-sdk-js", set()).add(name)
        return name

    def local(self, name: str) -> str:
        """An export of the project's own modules (`outcome`, `addBig`, `decodeQuote`), imported."""
        module = LOCAL_MODULES.get(name) or (
            "./types" if name.startswith("decode") or name in self.structs else None
        )
        if module is None:
            raise ValueError(f"ts.local: {name!r} is exported by none of the project's modules")
        if module != self.module:
            self._imports.setdefault(module, set()).add(name)
        return name

    def imports(self) -> list[tuple[str, list[str]]]:
        """(module, names) of every import recorded so far; render it after the file's body."""
        order = ["near-sdk-js", "./checked", "./json", "./outcome", "./reduce", "./types"]
        return [(m, sorted(self._imports[m])) for m in order if m in self._imports]

    # ------------------------------------------------------------------- sandbox test data

    def sample(self, t: ir.Type) -> str:
        """An argument for the sandbox test: the test user for account ids, else a zero (a plain
        `0` for i64/u64: near-workspaces sends arguments with `JSON.stringify`)."""
        return "alice.accountId" if t.name == "AccountId" else self._zero(t, "0")

    def sandbox_externals(self) -> list[ir.External]:
        """Externals whose account `init` sets: the sandbox test gives each its own account."""
        params = self.contract.init.params if self.contract.init else ()
        return [e for e in self.contract.externals if e.account in params]


def _bigint_range(t: ir.Type) -> tuple[str, str]:
    """[lo, end) of a numeric type as bigint literals: `0n`, `2n ** 128n`."""
    if t.is_big:
        return "0n", f"2n ** {64 if t.name == 'U64' else 128}n"
    bits = ir.INT_BITS[t.name]
    if t.name.startswith("i"):
        return f"-(2n ** {bits - 1}n)", f"2n ** {bits - 1}n"
    return "0n", f"2n ** {bits}n"


def _pairs(params) -> list[tuple[str, ir.Type]]:
    """(name, type) of (name, type) pairs, state fields or refs."""
    return [p if isinstance(p, tuple) else (p.name, p.type) for p in params]


def _names_in(t: ir.Type | None) -> set[str]:
    if t is None:
        return set()
    if t.name in ("Vec", "Option"):
        return _names_in(t.item)
    if t.name == "Tuple":
        return {n for i in t.items for n in _names_in(i)}
    return {t.name}


def _literal_comparisons(expr: ir.Expr) -> list[ir.Expr]:
    """The texts a condition compares with a literal (`x` of `x == "a"`), once per comparison."""
    if not isinstance(expr, ir.Op):
        return []
    if expr.op in ("==", "!=") and expr.args[0].type.is_stringy:
        lits = [isinstance(a, ir.Lit) for a in expr.args]
        if lits.count(True) == 1:
            return [expr.args[lits.index(False)]]
    return [found for arg in expr.args for found in _literal_comparisons(arg)]


def plan(contract: ir.Contract) -> list[tuple[str, str, dict]]:
    """(output path, template, extra context) for every file of the TypeScript project."""
    needs_checked = any(u.op != "set" for f in contract.flows for u in f.updates) or any(
        ir.has_arithmetic(expr) for f in contract.flows for expr in f.conditions()
    )
    needs_reduce = any(
        r.op in NUMERIC_REDUCERS
        for f in contract.flows
        for step in f.steps()
        for r in step.callback.reductions
    )
    paths = [
        "package.json",
        "tsconfig.json",
        ".prettierrc.yaml",
        "README.md",
        "src/contract.ts",
        "src/json.ts",
        "src/types.ts",
        "src/outcome.ts",
        *(["src/checked.ts"] if needs_checked else []),
        *(["src/reduce.ts"] if needs_reduce else []),
        *(["src/hooks.ts"] if contract.hooks else []),
        "sandbox-test/tsconfig.json",
        "sandbox-test/main.ava.ts",
    ]
    # Each file gets its own `ts`, which records what that file imports.
    # src/hooks.ts is the team's: written once, never overwritten (`seed`).
    return [
        (
            path,
            f"{path}.jinja",
            {
                "ts": TsApi(contract, "./" + path.removeprefix("src/")[:-3]),
                "seed": path == "src/hooks.ts",
            },
        )
        for path in paths
    ]
