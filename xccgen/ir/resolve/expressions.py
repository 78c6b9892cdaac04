"""Conditions: the small expression language of `require:` (docs/spec.md, "Conditions").

    "{amount} > 0 && {deposit} >= {amount} * 2"

Names are placeholders, as everywhere in a spec: `{amount}`, `{quote.amount_out}`. Operators
are comparisons, `&& || !`, and `+ - * / %` on integers and U64/U128 (checked: overflow and
division by zero abort the call), `len(...)` of a list or a string (its UTF-8 bytes). The text
is parsed with lark, then type-checked into `ir.Op` nodes that the targets render.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Lark, Token, Tree, UnexpectedInput

from xccgen import ir
from xccgen.ir.resolve.base import ResolverBase
from xccgen.ir.resolve.types import literal_problem
from xccgen.ir.resolve.values import Scope
from xccgen.spec.names import did_you_mean

MAX_LENGTH = 1000  # characters; a condition longer than this is not one a reader can check

GRAMMAR = r"""
?start: or_
?or_: and_ ("||" and_)*
?and_: not_ ("&&" not_)*
?not_: "!" not_ -> not_op
     | compare
?compare: sum (COMPARE sum)?
?sum: product ((PLUS | MINUS) product)*
?product: atom (PRODUCT_OP atom)*
?atom: INT -> int
     | MINUS INT -> negative
     | STRING -> string
     | "true" -> true
     | "false" -> false
     | "{" NAME ("." NAME)* "}" -> name
     | "{" NAME "[" (NAME | STRING | INT) "]" ("." NAME)* "}" -> entry
     | "len" "(" or_ ")" -> length
     | "(" or_ ")"
COMPARE: "==" | "!=" | "<=" | ">=" | "<" | ">"
PLUS: "+"
MINUS: "-"
PRODUCT_OP: "*" | "/" | "%"
INT: /[0-9]+/
STRING: /"([^"\\]|\\.)*"/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
%ignore /[ \t]+/
"""

PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True)

ARITHMETIC = ("+", "-", "*", "/", "%")
# An integer literal has no type of its own: it takes the type of the value it meets.
LITERAL = ir.Type("integer literal")


class ExpressionError(Exception):
    pass


@dataclass(frozen=True)
class _Literal:
    """An integer literal waiting for a type."""

    value: int


class ConditionResolver(ResolverBase):
    def condition(self, path, text: str, scope: Scope) -> ir.Expr:
        """A `bool` expression over the names in `scope`; problems are located at `path`."""
        try:
            expr = Typer(self, scope, text).bool_expr()
        except ExpressionError as exc:
            raise self.abort(path, str(exc)) from None
        return expr


class Typer:
    def __init__(self, resolver: ConditionResolver, scope: Scope, text: str):
        self.resolver = resolver
        self.scope = scope
        self.text = text

    def bool_expr(self) -> ir.Expr:
        if len(self.text) > MAX_LENGTH:
            raise ExpressionError(
                f"this condition is {len(self.text):,} characters long (at most {MAX_LENGTH:,});"
                " split it into several `require:` entries"
            )
        try:
            tree = PARSER.parse(self.text)
        except UnexpectedInput as exc:
            raise ExpressionError(self._syntax_problem(exc)) from None
        expr = self.fix(self.visit(tree))
        if expr.type != ir.BOOL:
            raise ExpressionError(
                f"a condition is true or false; `{self.text}` is {expr.type.spec}"
            )
        return expr

    def _syntax_problem(self, exc: UnexpectedInput) -> str:
        column = getattr(exc, "column", None)
        where = f" at column {column}" if isinstance(column, int) and column > 0 else ""
        got = getattr(exc, "token", None) or getattr(exc, "char", None)
        seen = f": unexpected {str(got)!r}" if got not in (None, "") else ""
        return (
            f"cannot read the condition `{self.text}`{where}{seen}; write names as {{name}}, "
            "text in double quotes, and use == != < <= > >= && || ! + - * / % len(...)"
        )

    # ------------------------------------------------------------------------- the tree

    def visit(self, node) -> ir.Expr | _Literal:
        if isinstance(node, Token):  # a lone token cannot be a value
            raise ExpressionError(f"cannot read {str(node)!r} in `{self.text}`")
        rule = node.data
        if rule == "int":
            return _Literal(int(node.children[0]))
        if rule == "negative":
            return _Literal(-int(node.children[1]))
        if rule == "string":
            return ir.Lit(_unquote(str(node.children[0])), ir.STRING)
        if rule in ("true", "false"):
            return ir.Lit(rule == "true", ir.BOOL)
        if rule == "name":
            return self.name([str(c) for c in node.children])
        if rule == "entry":
            return self.entry(
                node.children[0], node.children[1], [str(c) for c in node.children[2:]]
            )
        if rule == "length":
            return self.length(self.fix(self.visit(node.children[0])))
        if rule == "not_op":
            inner = self.fix(self.visit(node.children[0]))
            self.expect(inner, ir.BOOL, "!")
            if isinstance(inner, ir.Op) and inner.op in ir.INVERSE:
                # `!(a < b)` is `a >= b`: the form clippy and a reader want.
                return ir.Op(ir.INVERSE[inner.op], inner.args, ir.BOOL, self.source(node))
            return ir.Op("!", (inner,), ir.BOOL, self.source(node))
        if rule in ("or_", "and_"):
            op = "||" if rule == "or_" else "&&"
            args = [self.fix(self.visit(c)) for c in node.children]
            for arg in args:
                self.expect(arg, ir.BOOL, op)
            out = args[0]
            for arg in args[1:]:
                out = ir.Op(op, (out, arg), ir.BOOL, self.source(node))
            return out
        if rule == "compare":
            left, op, right = node.children
            return self.compare(self.visit(left), str(op), self.visit(right), node)
        if rule in ("sum", "product"):
            out = self.visit(node.children[0])
            for op, operand in zip(node.children[1::2], node.children[2::2], strict=True):
                out = self.arithmetic(out, str(op), self.visit(operand), node)
            return out
        raise ExpressionError(f"cannot read `{self.text}`")  # pragma: no cover - grammar rules

    def source(self, node: Tree) -> str:
        meta = node.meta
        if getattr(meta, "empty", True):
            return self.text
        return self.text[meta.start_pos : meta.end_pos]

    def name(self, parts: list[str]) -> ir.Expr:
        ref = self.scope.get(parts[0])
        if ref is None:
            raise ExpressionError(
                f"no value named {parts[0]!r} here{did_you_mean(parts[0], self.scope.names())}"
            )
        return self.fields(ref, parts)

    def entry(self, map_name: Token, key: Token, fields: list[str]) -> ir.Expr:
        """`{balances[caller]}`: the entry of a key (a value in scope, or a literal) in a Map
        field, or the map's default when it has none."""
        field_ = self.resolver.state.get(str(map_name))
        if field_ is None or not field_.is_map:
            raise ExpressionError(f"{str(map_name)!r} is not a Map field, so it has no entries")
        if field_.default is None:
            raise ExpressionError(
                f"`{map_name}` has no `default:`, so a key without an entry has no value to "
                f'compare; give the map one (e.g. default: "0")'
            )
        key_type = field_.type.key
        if key.type == "NAME":
            value = self.name([str(key)])
            if value.type != key_type:
                raise ExpressionError(
                    f"`{map_name}` is keyed by {key_type.spec}; {{{key}}} is {value.type.spec}"
                )
        elif key.type == "STRING":
            if not key_type.is_stringy:
                raise ExpressionError(f"`{map_name}` is keyed by {key_type.spec}, not text")
            text = _unquote(str(key))
            problem = literal_problem(text, key_type, self.resolver.structs)
            if problem:
                raise ExpressionError(problem)
            value = ir.Lit(text, key_type)
        else:
            if not (key_type.is_int or key_type.is_big):
                raise ExpressionError(f"`{map_name}` is keyed by {key_type.spec}, not a number")
            value = self.fix(_Literal(int(str(key))), key_type)
        entry = ir.MapEntry(field_, value, field_.type.value)
        return self.fields(entry, [str(map_name), *fields])

    def fields(self, expr: ir.Expr, parts: list[str]) -> ir.Expr:
        """`expr` and then each field of `parts[1:]` in turn: `{quote.amount_out}`."""
        for field in parts[1:]:
            struct = self.resolver.structs.get(expr.type.name)
            fields = dict(struct.fields) if struct else {}
            if field not in fields:
                raise ExpressionError(
                    f"{{{'.'.join(parts)}}}: {expr.type.spec} has no field {field!r}"
                    + did_you_mean(field, fields)
                )
            expr = ir.FieldOf(expr, field, fields[field])
        return expr

    def length(self, value: ir.Expr) -> ir.Expr:
        if value.type.name != "Vec" and not value.type.is_stringy:
            raise ExpressionError(f"len(...) is of a list or text, not {value.type.spec}")
        return ir.Op("len", (value,), ir.Type("u32"), self.text)

    # ------------------------------------------------------------------------- the types

    def fix(self, value, type_: ir.Type | None = None) -> ir.Expr:
        """A literal integer as a value of `type_` (default i64), range-checked."""
        if not isinstance(value, _Literal):
            return value
        type_ = type_ or ir.Type("i64")
        lo, end = type_.value_range
        if not lo <= value.value < end:
            raise ExpressionError(f"{value.value} does not fit in {type_.spec}")
        return ir.Lit(str(value.value) if type_.is_big else value.value, type_)

    def pair(self, left, right, op: str) -> tuple[ir.Expr, ir.Expr]:
        """Both operands of a binary operator, a literal taking the other side's type."""
        if isinstance(left, _Literal) and not isinstance(right, _Literal):
            left = self.fix(left, right.type if _numeric(right.type) else None)
        left = self.fix(left)  # two literals: both i64
        if isinstance(right, _Literal):
            right = self.fix(right, left.type if _numeric(left.type) else None)
        return left, right

    def arithmetic(self, left, op: str, right, node: Tree) -> ir.Expr:
        left, right = self.pair(left, right, op)
        for side in (left, right):
            if not _numeric(side.type):
                raise ExpressionError(f"`{op}` is arithmetic on numbers, not {side.type.spec}")
        if left.type != right.type:
            raise ExpressionError(
                f"cannot {_VERB[op]} {left.type.spec} and {right.type.spec} in "
                f"`{self.source(node)}`; both sides must have one type"
            )
        return ir.Op(op, (left, right), left.type, self.source(node))

    def compare(self, left, op: str, right, node: Tree) -> ir.Expr:
        left, right = self.pair(left, right, op)
        same = left.type == right.type or (left.type.is_stringy and right.type.is_stringy)
        if not same:
            raise ExpressionError(f"cannot compare {left.type.spec} with {right.type.spec}")
        if op not in ("==", "!=") and not _numeric(left.type):
            raise ExpressionError(f"`{op}` compares numbers; {left.type.spec} has only == and !=")
        if left.type.is_struct or left.type.name in ("Vec", "Option", "Tuple"):
            raise ExpressionError(f"cannot compare {left.type.spec} values; compare their fields")
        constant = _constant_comparison(left, op, right)
        if constant is not None:
            raise ExpressionError(
                f"`{self.source(node)}` is always {constant}: no {left.type.spec} is outside "
                f"{left.type.value_range[0]}..{left.type.value_range[1] - 1}; leave it out"
            )
        if left.type == ir.BOOL and isinstance(left, ir.Lit) != isinstance(right, ir.Lit):
            # `{flag} == true` is `{flag}` and `{flag} != true` is `!{flag}`, as a reader (and
            # clippy's bool_comparison) writes them.
            value, literal = (right, left) if isinstance(left, ir.Lit) else (left, right)
            return value if (op == "==") == literal.value else ir.negated(value)
        return ir.Op(op, (left, right), ir.BOOL, self.source(node))

    def expect(self, value: ir.Expr, type_: ir.Type, op: str) -> None:
        if value.type != type_:
            raise ExpressionError(f"`{op}` takes true or false, not {value.type.spec}")


def _constant_comparison(left: ir.Expr, op: str, right: ir.Expr) -> str | None:
    """ "true"/"false" when a comparison with a literal at its type's bound cannot vary
    (`{n} >= 0` of an unsigned type), else None."""
    if isinstance(left, ir.Lit) and not isinstance(right, ir.Lit):
        left, op, right = right, ir.MIRROR[op], left
    if not isinstance(right, ir.Lit) or isinstance(left, ir.Lit) or not _numeric(left.type):
        return None
    lo, end = left.type.value_range
    value = int(right.value)
    always = {
        (">=", lo): "true",
        ("<", lo): "false",
        ("<=", end - 1): "true",
        (">", end - 1): "false",
    }
    return always.get((op, value))


_VERB = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "divide"}


def _numeric(t: ir.Type) -> bool:
    return t.is_int or t.is_big


def _unquote(text: str) -> str:
    body = text[1:-1]
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)
