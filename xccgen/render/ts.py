"""TypeScript (near-sdk-js 2.x) spellings of IR types, literals and expressions, for templates.

The TypeScript contract must behave exactly like the Rust one: the same JSON in and out, the same
log lines. So values keep Rust's JSON shape (U64/U128 as decimal strings, structs with every field
in declared order, None as null) and every spec string becomes a JSON-escaped string literal.
"""

from __future__ import annotations

import json
import re

from xccgen import ir
from xccgen.render.strings import quote
from xccgen.spec.names import TS_RESERVED

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
TGAS = 10**12
NEAR = 10**24
IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


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
    if t.is_int:
        return "number"
    return TS_SCALARS.get(t.name, t.name)


def ts_str(text: str) -> str:
    """A double-quoted TypeScript string literal that reads back as exactly `text`."""
    # Lone surrogates cannot be written as themselves in a UTF-8 source file.
    return quote(text, lambda code: f"\\u{code:04x}", lambda code: 0xD800 <= code <= 0xDFFF)


def ts_comment(text: str) -> str:
    """Text that stays inside a `//` or `/** */` comment: one line, no `*/`."""
    return re.sub(r"\r\n|[\n\r\u2028\u2029]", " ", text).replace("*/", "*\\/")


def ts_key(name: str) -> str:
    # `__proto__` as a literal key would set the prototype instead of making a field.
    if name == "__proto__":
        return '["__proto__"]'
    return name if IDENT.match(name) else ts_str(name)


def decoder(t: ir.Type) -> str:
    """The expression of the `types.ts` decoder that reads a parsed JSON value of type `t`."""
    if t.name == "Vec":
        return f"decodeVec({decoder(t.item)})"
    if t.name == "Option":
        return f"decodeOption({decoder(t.item)})"
    if t.name == "Tuple":
        raise ValueError("tuples are only returned, never decoded")
    return SCALAR_DECODERS.get(t.name, f"decode{t.name}")


def ts_gas(gas: int) -> str:
    if gas % TGAS == 0:
        return f"{gas // TGAS}n * ONE_TERA_GAS"
    return f"{gas}n"


def ts_deposit(deposit: int | str) -> str:
    if deposit == "attached":
        return "BigInt(deposit)"
    if deposit == 0:
        return "NO_DEPOSIT"
    if deposit % NEAR == 0:
        return f"{deposit // NEAR}n * ONE_NEAR"
    return f"{deposit}n"


def int_range(t: ir.Type) -> tuple[str, str]:
    """(lowest value, first value past the highest) of an integer type, as TS expressions."""
    bits = ir.INT_BITS[t.name]
    if t.name.startswith("i"):
        return f"-(2 ** {bits - 1})", f"2 ** {bits - 1}"
    return "0", f"2 ** {bits}"


def json_value(value) -> str:
    """A JSON literal written as a TS expression, keys and order as given (like Rust's `json!`)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{ts_key(k)}: {json_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(json_value(v) for v in value) + "]"
    if isinstance(value, str):
        return ts_str(value)
    if value is None:
        return "null"
    return json.dumps(value)


# ------------------------------------------------------------------------------------- layout
# Promise chains are built as small trees and laid out the way prettier lays out such code: on
# one line when it fits in 80 columns, otherwise one chained call or one argument per line.

WIDTH = 80


class Call:
    """`callee(args...)`; each arg is a string or another node."""

    def __init__(self, callee: str, args: list):
        self.callee, self.args = callee, args

    def flat(self) -> str:
        return f"{self.callee}({', '.join(flat(a) for a in self.args)})"

    def layout(self, indent: int, col: int, tail: int) -> str:
        one = self.flat()
        if col + len(one) + tail <= WIDTH:
            return one
        pad = " " * (indent + 2)
        if len(self.args) == 1 and isinstance(self.args[0], Seq):
            # A lone object or array literal hugs the parentheses.
            return (
                f"{self.callee}("
                + self.args[0].layout(indent, col + len(self.callee) + 1, tail + 1)
                + ")"
            )
        if len(self.args) == 1 and isinstance(self.args[0], Arrow):
            # A lone arrow function hugs the parentheses; its body goes on the next line.
            arrow = self.args[0]
            body = layout(arrow.body, indent + 2, indent + 2, 1)
            return f"{self.callee}(({arrow.params}) =>\n{pad}{body},\n" + " " * indent + ")"
        lines = [f"{pad}{layout(a, indent + 2, indent + 2, 1)}," for a in self.args]
        return f"{self.callee}(\n" + "\n".join(lines) + "\n" + " " * indent + ")"


class Arrow:
    """`(params) => body`, the body on its own indented line when it does not fit."""

    def __init__(self, params: str, body):
        self.params, self.body = params, body

    def flat(self) -> str:
        return f"({self.params}) => {flat(self.body)}"

    def layout(self, indent: int, col: int, tail: int) -> str:
        one = self.flat()
        if col + len(one) + tail <= WIDTH:
            return one
        pad = indent + 2
        return f"({self.params}) =>\n" + " " * pad + layout(self.body, pad, pad, tail)


class Chain:
    """`head.link(args).link(args)...`, one link per line when it does not fit."""

    def __init__(self, head, links: list[tuple[str, list]]):
        self.head, self.links = head, links

    def then(self, name: str, args: list) -> Chain:
        return Chain(self.head, [*self.links, (name, args)])

    def flat(self) -> str:
        return flat(self.head) + "".join("." + Call(n, a).flat() for n, a in self.links)

    def layout(self, indent: int, col: int, tail: int) -> str:
        one = self.flat()
        if col + len(one) + tail <= WIDTH:
            return one
        head = layout(self.head, indent, col, 0)
        if len(self.links) == 1 and "\n" not in head:
            # A single call stays on the head's line and breaks its arguments instead.
            name, args = self.links[0]
            return head + "." + Call(name, args).layout(indent, col + len(head) + 1, tail)
        pad = indent + 2
        out = [head]
        for i, (name, args) in enumerate(self.links):
            last = i == len(self.links) - 1
            out.append(" " * pad + "." + Call(name, args).layout(pad, pad + 1, tail if last else 0))
        return "\n".join(out)


class Seq:
    """An array `[a, b]` or object `{ a: b }` literal, one item per line when it does not fit."""

    def __init__(self, open_: str, items: list, close: str):
        self.open, self.items, self.close = open_, items, close

    def flat(self) -> str:
        if not self.items:
            return self.open + self.close
        inner = ", ".join(flat(i) for i in self.items)
        return f"{self.open} {inner} {self.close}" if self.open == "{" else f"[{inner}]"

    def layout(self, indent: int, col: int, tail: int) -> str:
        one = self.flat()
        if col + len(one) + tail <= WIDTH or not self.items:
            return one
        pad = " " * (indent + 2)
        lines = [f"{pad}{layout(i, indent + 2, indent + 2, 1)}," for i in self.items]
        return self.open + "\n" + "\n".join(lines) + "\n" + " " * indent + self.close


class Field:
    """`key: value` inside an object literal."""

    def __init__(self, key: str, value):
        self.key, self.value = key, value

    def flat(self) -> str:
        return f"{self.key}: {flat(self.value)}"

    def layout(self, indent: int, col: int, tail: int) -> str:
        return f"{self.key}: " + layout(self.value, indent, col + len(self.key) + 2, tail)


class Concat:
    """`a + b + c`; when it does not fit, one operand per line, the rest indented."""

    def __init__(self, operands: list):
        self.operands = operands

    def flat(self) -> str:
        return " + ".join(flat(o) for o in self.operands)

    def layout(self, indent: int, col: int, tail: int) -> str:
        one = self.flat()
        if col + len(one) + tail <= WIDTH:
            return one
        pad = " " * (indent + 2)
        return " +\n".join((pad if i else "") + flat(o) for i, o in enumerate(self.operands))


def flat(node) -> str:
    return node if isinstance(node, str) else node.flat()


def layout(node, indent: int, col: int, tail: int) -> str:
    return node if isinstance(node, str) else node.layout(indent, col, tail)


def json_node(value):
    """`json_value` as a layout node, so long literals break like prettier breaks them."""
    if isinstance(value, dict):
        return Seq("{", [Field(ts_key(k), json_node(v)) for k, v in value.items()], "}")
    if isinstance(value, list):
        return Seq("[", [json_node(v) for v in value], "]")
    return json_value(value)


class TsScope:
    """How values read in the generated TypeScript: `this.` state fields, locals, literals."""

    def __init__(self, structs: dict[str, ir.Struct]):
        self.structs = structs

    def ref(self, ref: ir.Ref) -> str:
        return f"this.{ref.name}" if ref.source == "state" else ref.name

    def lit(self, lit: ir.Lit) -> str:
        return flat(self.lit_node(lit.value, lit.type))

    def lit_node(self, value, t: ir.Type):
        """A typed literal in the shape Rust serializes it: every struct field, in order."""
        if t.name == "Option":
            return "null" if value is None else self.lit_node(value, t.item)
        if t.is_stringy:
            return ts_str(value)
        if t.name == "bool":
            return "true" if value else "false"
        if t.is_int:
            return str(value)
        if t.is_big:
            return ts_str(str(int(value)))
        if t.name == "Vec":
            return Seq("[", [self.lit_node(v, t.item) for v in value], "]")
        if t.name == "Tuple":
            items = [self.lit_node(v, i) for v, i in zip(value, t.items, strict=True)]
            return Seq("[", items, "]")
        struct = self.structs[t.name]
        fields = [Field(ts_key(n), self.lit_node(value.get(n), ft)) for n, ft in struct.fields]
        return Seq("{", fields, "}")

    def expr(self, expr: ir.Expr) -> str:
        return flat(self.expr_node(expr))

    def expr_node(self, expr: ir.Expr):
        if isinstance(expr, ir.Lit):
            return self.lit_node(expr.value, expr.type)
        if isinstance(expr, ir.Ref):
            return self.ref(expr)
        if isinstance(expr, ir.Interp):
            return self.text_node(expr)
        if isinstance(expr, ir.Some):
            return self.expr_node(expr.value)  # `T | null` holds a `T` as it is
        return Seq("[", [self.expr_node(i) for i in expr.items], "]")

    def text(self, interp: ir.Interp) -> str:
        return flat(self.text_node(interp))

    def text_node(self, interp: ir.Interp):
        """A string expression: literal pieces and displayed values joined with `+`."""
        if not interp.refs:
            return ts_str("".join(interp.parts))
        pieces = [ts_str(p) if isinstance(p, str) else self.display(p) for p in interp.parts]
        return Concat(pieces) if len(pieces) > 1 else pieces[0]

    def log(self, interp: ir.Interp, indent: int = 4) -> str:
        return Call("near.log", [self.text_node(interp)]).layout(indent, indent, 1) + ";"

    def log_text(self, text: str, indent: int) -> str:
        """`near.log("<text>");` for a fixed line."""
        return Call("near.log", [ts_str(text)]).layout(indent, indent, 1) + ";"

    def log_parts(self, parts: list[str], indent: int) -> str:
        """`near.log(a + b + c);` of TS expressions."""
        return Call("near.log", [Concat(parts)]).layout(indent, indent, 1) + ";"

    def ret(self, expr: ir.Expr, indent: int = 4) -> str:
        """`return <expr>;`, the expression laid out to fit."""
        node = self.expr_node(expr)
        if isinstance(node, Concat) and indent + 8 + len(node.flat()) > WIDTH:
            pad = " " * (indent + 2)
            return (
                f"return (\n{pad}"
                + f" +\n{pad}".join(map(flat, node.operands))
                + "\n"
                + " " * indent
                + ");"
            )
        return "return " + layout(node, indent, indent + 7, 1) + ";"

    def display(self, ref: ir.Ref) -> str:
        """Text of a value in a log or string, as Rust's `{}`: strings raw, the rest as JSON."""
        text = self.ref(ref)
        if _is_string_text(ref):
            return text
        if ref.type.is_int or ref.type.name == "bool":
            return f"String({text})"
        return f"JSON.stringify({text})"

    def json(self, expr: ir.Expr):
        """A value inside the JSON arguments of a call: literals exactly as the spec wrote them."""
        if isinstance(expr, ir.Lit):
            return json_node(expr.value)
        if isinstance(expr, ir.Some):
            return self.json(expr.value)
        return self.expr_node(expr)

    def json_object(self, items) -> str:
        """`JSON.stringify({...})` of (name, TS expression) pairs, or `NO_ARGS` when empty."""
        if not items:
            return "NO_ARGS"
        fields = [name if flat(node) == name else Field(ts_key(name), node) for name, node in items]
        return Call("JSON.stringify", [Seq("{", fields, "}")])

    def call_args(self, call: ir.Call):
        return self.json_object([(name, self.json(value)) for name, value in call.args])

    def callback_args(self, callback: ir.Callback):
        return self.json_object([(p.name, self.expr_node(p)) for p in callback.params])

    def sandbox_call(self, flow: ir.Flow, sample) -> str:
        """The sandbox test's `callRaw` of a flow, with sample arguments."""
        args = Seq("{", [Field(ts_key(n), sample(t)) for n, t in flow.params], "}")
        options = [Field("gas", "MAX_GAS")]
        if flow.payable:
            options.append(Field("attachedDeposit", "ONE_NEAR"))
        call = Call("alice.callRaw", ["contract", ts_str(flow.name), args, Seq("{", options, "}")])
        return "const result = await " + call.layout(2, 23, 1) + ";"

    # ------------------------------------------------------------------------------ promises

    def account(self, external: ir.External) -> str:
        if isinstance(external.account, str):
            return ts_str(external.account)
        return f"this.{external.account.name}"

    def batch(self, calls: tuple[ir.Call, ...]) -> Chain:
        """One receipt to one account with each call as an action."""
        links = []
        for call in calls:
            args = [ts_str(call.method.name), self.call_args(call), ts_deposit(call.deposit)]
            args.append(ts_gas(call.gas))
            if call.gas_weight:
                args[1] = Call("weightedArgs", [args[1]])
                links.append(("functionCallWeightRaw", [*args, f"{call.gas_weight}n"]))
            else:
                links.append(("functionCall", args))
        return Chain(Call("NearPromise.new", [self.account(calls[0].external)]), links)

    def promise(self, step: ir.Step) -> Chain:
        """The step's calls, joined as the Rust contract joins them."""
        if step.kind == "parallel":
            chain = self.batch(step.calls[:1])
            for call in step.calls[1:]:
                chain = chain.then("and", [self.batch((call,))])
            return chain
        if step.kind == "fan_out":
            items = "[" + ", ".join(self.lit(item) for item in step.fan_out.over) + "]"
            each = Arrow(step.fan_out.var, self.batch(step.calls))
            return Chain(
                items, [("map", [each]), ("reduce", ["(all, promise) => all.and(promise)"])]
            )
        return self.batch(step.calls)

    def schedule(self, step: ir.Step, indent: int, prefix: str = "return ") -> str:
        """`return <calls>.then(<callback>);` laid out at `indent`."""
        callback = Call(
            "callSelf",
            [
                ts_str(step.callback.name),
                self.callback_args(step.callback),
                ts_gas(step.callback.gas),
            ],
        )
        chain = self.promise(step).then("then", [callback])
        return prefix + chain.layout(indent, indent + len(prefix), 1) + ";"

    def signature(self, name: str, params, returns: str, indent: int) -> str:
        """`name({ a, b }: { a: A; b: B }): R {`, broken over lines when it does not fit.

        `params` holds (name, type) pairs or objects with `.name` and `.type`.
        """
        params = [
            (p[0], ts_type(p[1])) if isinstance(p, tuple) else (p.name, ts_type(p.type))
            for p in params
        ]
        if not params:
            return f"{name}(): {returns} {{"
        names = ", ".join(n for n, _ in params)
        types = "; ".join(f"{n}: {t}" for n, t in params)
        one = f"{name}({{ {names} }}: {{ {types} }}): {returns} {{"
        if indent + len(one) <= WIDTH:
            return one
        pad = " " * (indent + 2)
        end = " " * indent
        return (
            f"{name}({{\n"
            + "".join(f"{pad}{n},\n" for n, _ in params)
            + f"{end}}}: {{\n"
            + "".join(f"{pad}{n}: {t};\n" for n, t in params)
            + f"{end}}}): {returns} {{"
        )

    def condition(self, tests: list[str], op: str, indent: int) -> str:
        """`if (a || b) {`, with one test per line when it does not fit."""
        one = f"if ({f' {op} '.join(tests)}) {{"
        if indent + len(one) <= WIDTH:
            return one
        pad = " " * (indent + 2)
        return "if (\n" + f" {op}\n".join(pad + t for t in tests) + "\n" + " " * indent + ") {"

    def field(self, field: ir.StateField, indent: int = 2) -> str:
        """A state field's declaration with its default (or a placeholder `init` replaces)."""
        head = f"{field.name}: {ts_type(field.type)} = "
        if field.default is None:
            value = zero(field.type, self.structs)
        else:
            value = layout(
                self.lit_node(field.default.value, field.type), indent, indent + len(head), 1
            )
        return head + value + ";"

    def wrap(self, head: str, args: list, indent: int, tail: str = ";") -> str:
        """`head(args)` + tail, with one argument per line when it does not fit."""
        return Call(head, args).layout(indent, indent, len(tail)) + tail


def _is_string_text(ref: ir.Ref) -> bool:
    # U64/U128 are decimal strings already: Rust displays their digits.
    return ref.type.is_stringy or ref.type.is_big


def zero(t: ir.Type, structs: dict[str, ir.Struct]) -> str:
    """A placeholder of type `t` for state fields that `init` sets (near-sdk-js needs one)."""
    if t.name == "Option":
        return "null"
    if t.is_stringy:
        return '""'
    if t.is_big:
        return '"0"'
    if t.is_int:
        return "0"
    if t.name == "bool":
        return "false"
    if t.name == "Vec":
        return "[]"
    struct = structs[t.name]
    return "{ " + ", ".join(f"{ts_key(n)}: {zero(ft, structs)}" for n, ft in struct.fields) + " }"


def sample(t: ir.Type, structs: dict[str, ir.Struct]) -> str:
    """An argument value for the sandbox test: the test user for account ids, else a zero."""
    return "alice.accountId" if t.name == "AccountId" else zero(t, structs)


def sandbox_externals(contract: ir.Contract) -> list[ir.External]:
    """Externals whose account `init` sets: the sandbox test gives each its own account."""
    params = contract.init.params if contract.init else ()
    return [e for e in contract.externals if e.account in params]


def flow_uses_caller(flow: ir.Flow) -> bool:
    refs = ir.refs_in(flow.log) + [r for u in flow.updates for r in ir.refs_in(u.value)]
    refs += [r for c in flow.step.calls for _, e in c.args for r in ir.refs_in(e)]
    refs += list(flow.step.callback.params)
    return any(r.source == "caller" for r in refs)


def used_decoders(contract: ir.Contract) -> list[str]:
    """The `types.ts` names contract.ts imports: decoders of slot and parameter types."""
    types: list[ir.Type] = []
    for flow in contract.flows:
        types += [t for _, t in flow.params]
        for step in flow.steps():
            if step.callback.collect is not None:
                types.append(step.callback.collect)
            else:
                types += [s.type for s in step.callback.slots if s.type is not None]
    if contract.init:
        types += [p.type for p in contract.init.params]
    names: set[str] = set()
    for t in types:
        names.update(re.findall(r"decode\w+", decoder(t)))
    return sorted(names, key=str.lower)


def needs_checked(contract: ir.Contract) -> bool:
    return any(u.op != "set" for f in contract.flows for u in f.updates)


def needs_schema(contract: ir.Contract) -> list[ir.StateField]:
    """State fields near-sdk-js cannot restore by itself: it reads `.constructor` of each."""
    return [f for f in contract.state if f.type.name == "Option"]


def imports(names, source: str, used_in: str) -> str:
    """An import line for the names that `used_in` mentions, in prettier's wrapping."""
    # Strings and comments in one left-to-right pass: a quote inside a comment starts no string.
    code = re.sub(r'"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/', " ", used_in, flags=re.S)
    found = [n for n in names if re.search(rf"(?<![\w.$]){re.escape(n)}(?![\w$])", code)]
    if not found:
        return ""
    line = f'import {{ {", ".join(found)} }} from "{source}";'
    if len(line) <= 80:
        return line
    return "import {\n" + "".join(f"  {n},\n" for n in found) + f'}} from "{source}";'


SDK_NAMES = [
    "AccountId",
    "NearBindgen",
    "NearPromise",
    "ONE_NEAR",
    "ONE_TERA_GAS",
    "call",
    "encode",
    "initialize",
    "near",
    "str",
    "view",
]


FILTERS = {
    "ts_type": ts_type,
    "ts_list_type": lambda t: ts_type(ir.Type("Vec", t)),
    "ts_str": ts_str,
    "ts_key": ts_key,
    "ts_comment": ts_comment,
    "camel": lambda name: re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name),
    "ts_gas": ts_gas,
    "ts_deposit": ts_deposit,
    "decoder": decoder,
    "json_str": lambda text: json.dumps(text, ensure_ascii=False),
    "format_is_value": lambda name: f"!isValue({name})",
    "format_undefined": lambda name: f"{name} === undefined",
}


# Names a struct decoder in types.ts uses besides the `decode...` functions: its parameter,
# its field list and the helper that reads it. A `const` of the same name anywhere in the
# decoder would shadow them for the whole block (even before its declaration).
DECODER_NAMES = {"value", "fieldValues", "structFields"}


def decoder_fields(struct: ir.Struct) -> list[tuple[str, ir.Type, str]]:
    """(JSON key, type, local variable) for each field a struct decoder reads: the local is the
    key itself unless that would shadow a name the decoder needs, or is a reserved word."""
    taken: set[str] = set()
    out = []
    for name, field_type in struct.fields:
        local = name
        if name in TS_RESERVED or name in DECODER_NAMES or name.startswith("decode"):
            local = f"{name}_"
        while local in taken:
            local += "_"
        taken.add(local)
        out.append((name, field_type, local))
    return out


def field_init(name: str, local: str) -> str:
    """One entry of an object literal: shorthand when the local has the key's name."""
    return name if name == local else f"{ts_key(name)}: {local}"


def plan(contract: ir.Contract) -> list[tuple[str, str, dict]]:
    """(output path, template, extra context) for every file of the TypeScript project."""
    structs = {s.name: s for s in contract.structs}
    scope = TsScope(structs)
    common = {
        "ts": scope,
        "zero": lambda t: zero(t, structs),
        "int_range": int_range,
        "flow_uses_caller": flow_uses_caller,
        "imports": imports,
        "sdk_names": SDK_NAMES,
        "decoders": used_decoders(contract),
        "needs_checked": needs_checked(contract),
        "schema_fields": needs_schema(contract),
        "sample": lambda t: sample(t, structs),
        "sandbox_externals": sandbox_externals(contract),
        "json_value": json_value,
        "decoder_fields": decoder_fields,
        "field_init": field_init,
    }
    files = [
        ("package.json", "package.json.jinja", {}),
        ("tsconfig.json", "tsconfig.json.jinja", {}),
        ("README.md", "README.md.jinja", {}),
        ("src/contract.ts", "src/contract.ts.jinja", common),
        ("src/types.ts", "src/types.ts.jinja", common),
        ("src/outcome.ts", "src/outcome.ts.jinja", {}),
    ]
    if common["needs_checked"]:
        files.append(("src/checked.ts", "src/checked.ts.jinja", {}))
    files.append(("sandbox-test/tsconfig.json", "sandbox-test/tsconfig.json.jinja", {}))
    files.append(("sandbox-test/main.ava.ts", "sandbox-test/main.ava.ts.jinja", common))
    return files
