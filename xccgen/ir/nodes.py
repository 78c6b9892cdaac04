"""The intermediate representation: a resolved, type-checked contract that templates render.

Everything here is already validated: references point at real externals, methods, types and
names; literals match their declared types; gas and deposits are integers. Templates never need
to check anything, only to render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

# ---------------------------------------------------------------------------------------- types

INT_BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "u8": 8, "u16": 16, "u32": 32, "u64": 64}
SCALARS = ("string", "bool", "AccountId", "U64", "U128", *INT_BITS)


@dataclass(frozen=True)
class Type:
    """A spec type: a scalar, `Vec<T>`, `Option<T>` (written `T?`) or a declared struct."""

    name: str  # scalar name or struct name; "Vec" / "Option" / "Tuple" for containers
    item: Type | None = None
    items: tuple[Type, ...] = ()  # Tuple only: `return: [a, b]`

    @property
    def spec(self) -> str:
        if self.name == "Tuple":
            return "[" + ", ".join(t.spec for t in self.items) + "]"
        if self.name == "Vec":
            return f"Vec<{self.item.spec}>"
        if self.name == "Option":
            return f"{self.item.spec}?"
        return self.name

    @property
    def is_struct(self) -> bool:
        return self.name not in SCALARS and self.name not in ("Vec", "Option", "Tuple")

    @property
    def is_int(self) -> bool:
        return self.name in INT_BITS

    @property
    def is_big(self) -> bool:
        """U64/U128: integers that travel as decimal strings in JSON."""
        return self.name in ("U64", "U128")

    @property
    def is_stringy(self) -> bool:
        return self.name in ("string", "AccountId")


STRING = Type("string")
BOOL = Type("bool")
ACCOUNT_ID = Type("AccountId")
U128 = Type("U128")


@dataclass(frozen=True)
class Struct:
    name: str
    fields: tuple[tuple[str, Type], ...]
    # Optional fields whose type contains this struct again: Rust keeps them behind a Box.
    boxed: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Lit:
    """A JSON literal checked against its type."""

    kind: ClassVar[str] = "lit"  # what templates test: `expr.kind == "lit"`

    value: Any
    type: Type


RefSource = Literal["param", "item", "result", "state", "caller", "deposit", "previous"]


@dataclass(frozen=True)
class Ref:
    """A named value: a flow parameter, the fan-out item, a call result, a state field, ..."""

    kind: ClassVar[str] = "ref"  # what templates test: `expr.kind == "ref"`

    name: str
    type: Type
    source: RefSource


@dataclass(frozen=True)
class Interp:
    """A string with `{name}` placeholders; non-string values are inserted as JSON text."""

    kind: ClassVar[str] = "interp"  # what templates test: `expr.kind == "interp"`

    parts: tuple[str | Ref, ...]
    type: Type = STRING

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(p for p in self.parts if isinstance(p, Ref))


@dataclass(frozen=True)
class Tuple:
    """`return: [a, b, c]`: a JSON array of values of different types."""

    kind: ClassVar[str] = "tuple"  # what templates test: `expr.kind == "tuple"`

    items: tuple[Expr, ...]
    type: Type


@dataclass(frozen=True)
class Some:
    """A value of `T` where `T?` is expected."""

    kind: ClassVar[str] = "some"  # what templates test: `expr.kind == "some"`

    value: Expr
    type: Type


Expr = Lit | Ref | Interp | Tuple | Some


def refs_in(expr: Expr | None) -> list[Ref]:
    if expr is None or isinstance(expr, Lit):
        return []
    if isinstance(expr, Ref):
        return [expr]
    if isinstance(expr, Interp):
        return list(expr.refs)
    if isinstance(expr, Some):
        return refs_in(expr.value)
    return [r for item in expr.items for r in refs_in(item)]


def success_reads(callback: Callback, name: str) -> bool:
    """Whether the callback's success branch uses the value `name`: in its log, its value, or
    the arguments and carried context of the step it schedules next."""
    branch = callback.success
    refs = refs_in(branch.log) + refs_in(branch.value)
    if branch.next is not None:
        refs += [r for call in branch.next.calls for _, e in call.args for r in refs_in(e)]
        refs += list(branch.next.callback.params)
    return any(r.name == name for r in refs)


def flow_uses_caller(flow: Flow) -> bool:
    """Whether the flow's method reads `{caller}`: in its log, updates, call args or callbacks."""
    refs = refs_in(flow.log) + [r for u in flow.updates for r in refs_in(u.value)]
    refs += [r for c in flow.step.calls for _, e in c.args for r in refs_in(e)]
    refs += list(flow.step.callback.params)
    return any(r.source == "caller" for r in refs)


# -------------------------------------------------------------------------------- contract parts


@dataclass(frozen=True)
class StateField:
    name: str
    type: Type
    default: Lit | None
    description: str | None
    view: bool


@dataclass(frozen=True)
class Init:
    name: str
    private: bool
    params: tuple[StateField, ...]


@dataclass(frozen=True)
class Method:
    name: str
    args: tuple[tuple[str, Type], ...]
    returns: Type | None
    view: bool
    payable: bool


@dataclass(frozen=True)
class External:
    name: str
    account: StateField | str  # a state field holding the account id, or a literal account id
    methods: dict[str, Method]
    description: str | None = None


@dataclass(frozen=True)
class Fallback:
    log: Interp | None
    default: Lit


@dataclass(frozen=True)
class Call:
    external: External
    method: Method
    args: tuple[tuple[str, Expr], ...]
    gas: int
    gas_weight: int | None
    deposit: int | Literal["attached"]
    bind: str | None  # the `as` name its result gets in the callback
    critical: bool
    fallback: Fallback | None
    path: tuple = ()  # where the call is written in the spec, for findings


@dataclass(frozen=True)
class Slot:
    """One promise result as the callback sees it (index = position in the join)."""

    index: int
    bind: str
    type: Type | None  # None: the call returns nothing
    label: str  # `hello.get_greeting`, for log lines
    critical: bool
    fallback: Fallback | None


@dataclass(frozen=True)
class Branch:
    log: Interp | None
    value: Expr | None
    next: Step | None = None


@dataclass(frozen=True)
class Callback:
    name: str
    gas: int
    log: Interp | None
    params: tuple[Ref, ...]  # context carried from the flow into the callback's arguments
    slots: tuple[Slot, ...]
    success: Branch
    failure: Branch
    returns: Type | None  # the value type the whole chain resolves to
    collect: Type | None = None  # fan_out: every slot has this type
    skip_failed_items: bool = True
    path: tuple = ()  # the spec path of its `then:`


@dataclass(frozen=True)
class FanOut:
    over: tuple[Lit, ...]
    var: str
    type: Type
    path: tuple = ()


@dataclass(frozen=True)
class Step:
    kind: Literal["call", "batch", "parallel", "fan_out"]
    calls: tuple[Call, ...]
    callback: Callback
    fan_out: FanOut | None = None

    @property
    def target(self) -> External:
        return self.calls[0].external


@dataclass(frozen=True)
class Update:
    field: StateField
    op: Literal["set", "add", "sub"]
    value: Expr


@dataclass(frozen=True)
class Flow:
    name: str
    description: str | None
    params: tuple[tuple[str, Type], ...]
    payable: bool
    log: Interp | None
    updates: tuple[Update, ...]
    rollback: bool
    lock: bool
    step: Step
    path: tuple = ()

    @property
    def returns(self) -> Type | None:
        return self.step.callback.returns

    @property
    def mutates(self) -> bool:
        """Whether the flow and its callbacks write state (and so take `&mut self`)."""
        return bool(self.updates) or self.lock

    @property
    def method_mutates(self) -> bool:
        """Whether the flow's own method takes `&mut self`: it writes state, or it is payable
        (near-sdk rejects a payable method on `&self`, which it takes for a view)."""
        return self.mutates or self.payable

    @property
    def lock_field(self) -> str:
        """The state flag that `lock: true` sets while the flow's calls are pending."""
        return f"{self.name}_pending"

    def steps(self) -> list[Step]:
        out, step = [], self.step
        while step is not None:
            out.append(step)
            step = step.callback.success.next
        return out


@dataclass(frozen=True)
class Contract:
    name: str
    spec_name: str  # the spec file's stem, for the generated-file marker
    description: str | None
    state: tuple[StateField, ...]
    init: Init | None
    structs: tuple[Struct, ...]
    externals: tuple[External, ...]
    flows: tuple[Flow, ...]
    scenarios: tuple[dict, ...] = field(default=())

    @property
    def locks(self) -> list[Flow]:
        return [f for f in self.flows if f.lock]

    @property
    def requires_init(self) -> bool:
        return any(f.default is None for f in self.state)

    def exported_methods(self) -> list[str]:
        """Every method the deployed contract must export."""
        names = [self.init.name] if self.init else []
        names += [f"get_{f.name}" for f in self.state if f.view]
        names += [f"is_{f.lock_field}" for f in self.locks]
        for flow in self.flows:
            names.append(flow.name)
            names += [step.callback.name for step in flow.steps()]
        return names
