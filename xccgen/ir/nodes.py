"""The intermediate representation: a resolved, type-checked contract that templates render.

Everything here is already validated: references point at real externals, methods, types and
names; literals match their declared types; gas and deposits are integers. Templates never need
to check anything, only to render.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

# ---------------------------------------------------------------------------------------- types

INT_BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "u8": 8, "u16": 16, "u32": 32, "u64": 64}
SCALARS = ("string", "bool", "AccountId", "U64", "U128", *INT_BITS)
# State collections: (near-sdk `store::` type, near-sdk-js type) of each.
COLLECTIONS = {
    "Map": ("LookupMap", "LookupMap"),
    "IterableMap": ("IterableMap", "UnorderedMap"),
    "List": ("Vector", "Vector"),
}
LIST_LIMIT = 100  # what a `list_<field>` view returns at most when the caller gives no limit
OWNER_TRANSFER = "transfer_ownership"  # the owner-only method that hands the contract on


@dataclass(frozen=True)
class Type:
    """A spec type: a scalar, `Vec<T>`, `Option<T>` (written `T?`) or a declared struct."""

    name: str  # scalar name or struct name; "Vec" / "Option" / "Tuple" for containers
    item: Type | None = None
    items: tuple[Type, ...] = ()  # Tuple only: `return: [a, b]`

    @property
    def spec(self) -> str:
        if self.name in ("Map", "IterableMap"):
            return f"{self.name}<{self.items[0].spec}, {self.items[1].spec}>"
        if self.name == "List":
            return f"List<{self.item.spec}>"
        if self.name == "Tuple":
            return "[" + ", ".join(t.spec for t in self.items) + "]"
        if self.name == "Vec":
            return f"Vec<{self.item.spec}>"
        if self.name == "Option":
            return f"{self.item.spec}?"
        return self.name

    @property
    def is_struct(self) -> bool:
        return self.name not in SCALARS and self.name not in (
            "Vec",
            "Option",
            "Tuple",
            *COLLECTIONS,
        )

    @property
    def is_map(self) -> bool:
        """`Map<K, V>` or `IterableMap<K, V>`: state read and written by entry, never a value
        that travels."""
        return self.name in ("Map", "IterableMap")

    @property
    def is_list(self) -> bool:
        """`List<T>`: state kept as a vector, read by index or page."""
        return self.name == "List"

    @property
    def is_collection(self) -> bool:
        return self.name in COLLECTIONS

    @property
    def is_iterable(self) -> bool:
        """A collection with a paginated `list_<field>` view."""
        return self.name in ("IterableMap", "List")

    @property
    def key(self) -> Type:
        return self.items[0]

    @property
    def value(self) -> Type:
        return self.items[1]

    @property
    def is_int(self) -> bool:
        return self.name in INT_BITS

    @property
    def is_big(self) -> bool:
        """U64/U128: integers that travel as decimal strings in JSON."""
        return self.name in ("U64", "U128")

    @property
    def value_range(self) -> tuple[int, int]:
        """[lo, end) of the values of an integer or U64/U128 type."""
        if self.is_big:
            return 0, 2 ** (64 if self.name == "U64" else 128)
        bits = INT_BITS[self.name]
        return (-(2 ** (bits - 1)), 2 ** (bits - 1)) if self.name[0] == "i" else (0, 2**bits)

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
# "result" covers every value a callback computes: call results, `results`, reduced values.


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


@dataclass(frozen=True)
class FieldOf:
    """A field of a struct value in scope: `{pool.account}` (a call's target, a condition)."""

    kind: ClassVar[str] = "field_of"

    base: Ref | FieldOf
    field: str
    type: Type


@dataclass(frozen=True)
class Op:
    """An operator of a condition (`require:`): `+ - * / %` (checked), comparisons, `&& || !`,
    `len`. `text` is how the spec wrote it, for the message when the arithmetic overflows."""

    kind: ClassVar[str] = "op"

    op: str
    args: tuple[Expr, ...]
    type: Type
    text: str

    @property
    def overflow_message(self) -> str:
        """What this arithmetic aborts with when it overflows, the same on both targets."""
        return f"arithmetic overflow or division by zero in `{self.text}`"


@dataclass(frozen=True)
class Requirement:
    """One entry of a flow's `require:`: checked before anything else, `message` in the panic."""

    condition: Expr
    message: str
    path: tuple = ()


@dataclass(frozen=True)
class Hook:
    """A function the team writes (src/hooks.rs, src/hooks.ts), called with `args` and giving
    back `returns`: `before` a flow's checks (it may abort), or to `compute` values in a
    callback (it refuses with an error, which takes the failure path)."""

    name: str
    kind: Literal["before", "compute"]
    args: tuple[Ref, ...]
    returns: tuple[tuple[str, Type], ...]
    flow: str
    path: tuple = ()

    @property
    def passed_through(self) -> set[str]:
        """The values it gives back that an argument of the same name and type could give:
        what a generated stub returns as it is."""
        args = {ref.name: ref.type for ref in self.args}
        return {name for name, type_ in self.returns if args.get(name) == type_}

    @property
    def account_arg(self) -> Ref | None:
        """Its first AccountId argument: what a stub gives for an account it must return."""
        return next((ref for ref in self.args if ref.type == ACCOUNT_ID), None)

    @property
    def refs(self) -> tuple[Ref, ...]:
        """The values it gives back, as the rest of the flow names them."""
        source = "param" if self.kind == "before" else "result"
        return tuple(Ref(name, type_, source) for name, type_ in self.returns)


@dataclass(frozen=True)
class Access:
    """Who may call a flow (`access:`), checked before anything else: the owner (the state
    field `owner`), literal accounts, AccountId state fields, and the keys of Map fields."""

    owner: bool
    accounts: tuple[str, ...]
    fields: tuple[StateField, ...]
    flow: str
    path: tuple = ()

    @property
    def who(self) -> str:
        """Who may call, in words: `the owner, alice.near or an account in `admins``."""
        who = (["the owner"] if self.owner else []) + list(self.accounts)
        for field_ in self.fields:
            who.append(f"an account in `{field_.name}`" if field_.is_map else f"`{field_.name}`")
        return who[0] if len(who) == 1 else ", ".join(who[:-1]) + " or " + who[-1]

    @property
    def message(self) -> str:
        """The panic of a caller who is none of them, the same on both targets."""
        return f"{self.flow}: only {self.who} may call this"


@dataclass(frozen=True)
class MapEntry:
    """The entry of a key in a Map field: `{routes[token]}` (a call's target, read when the flow
    starts; a missing entry rejects the call)."""

    kind: ClassVar[str] = "map_entry"

    map: StateField
    key: Expr
    type: Type


Target = Ref | FieldOf | MapEntry  # what a call's `account:` may name


INVERSE = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
# Each comparison with its sides swapped: `1 < x` is `x > 1`.
MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}


def negated(expr: Expr) -> Expr:
    """`!expr` without a leading `!` where one can go: comparisons invert, `&&` and `||` swap
    (De Morgan, which keeps their evaluation order), `!!x` is `x`."""
    if isinstance(expr, Op) and expr.op in INVERSE:
        return Op(INVERSE[expr.op], expr.args, expr.type, expr.text)
    if isinstance(expr, Op) and expr.op in ("&&", "||"):
        swapped = "||" if expr.op == "&&" else "&&"
        return Op(swapped, tuple(negated(a) for a in expr.args), expr.type, expr.text)
    if isinstance(expr, Op) and expr.op == "!":
        return expr.args[0]
    return Op("!", (expr,), BOOL, getattr(expr, "text", ""))


def has_arithmetic(expr: Expr) -> bool:
    """Whether a condition computes (`+ - * / %`), and so can overflow or divide by zero."""
    if isinstance(expr, Op):
        return expr.op in ("+", "-", "*", "/", "%") or any(has_arithmetic(a) for a in expr.args)
    return False


def refs_in(expr: Expr | None) -> list[Ref]:
    if expr is None or isinstance(expr, Lit):
        return []
    if isinstance(expr, FieldOf):
        return refs_in(expr.base)
    if isinstance(expr, MapEntry):
        return refs_in(expr.key)
    if isinstance(expr, Op):
        return [r for arg in expr.args for r in refs_in(arg)]
    if isinstance(expr, Ref):
        return [expr]
    if isinstance(expr, Interp):
        return list(expr.refs)
    if isinstance(expr, Some):
        return refs_in(expr.value)
    return [r for item in expr.items for r in refs_in(item)]


def success_reads(callback: Callback, name: str) -> bool:
    """Whether the callback's success branch uses the value `name`: in its log, its value, or
    the condition, arguments and carried context of the step it schedules next."""
    branch = callback.success
    refs = refs_in(branch.log) + refs_in(branch.value)
    refs += [r for reduction in callback.reductions for r in reduction.sources]
    refs += list(callback.compute.args) if callback.compute else []
    if branch.next is not None:
        refs += step_refs(branch.next) + condition_refs(branch.next.when)
        refs += list(branch.next.callback.params)
    return any(r.name == name for r in refs)


def condition_refs(when: Condition | None) -> list[Ref]:
    """The values a step's `when:` reads, in its condition and its `otherwise` branch."""
    if when is None:
        return []
    return refs_in(when.expr) + refs_in(when.otherwise.log) + refs_in(when.otherwise.value)


def target_refs(call: Call) -> list[Ref]:
    """The values a call's own target is made of: the value itself, a struct's, a map key's."""
    target = call.account
    if isinstance(target, FieldOf):
        return [target.base]
    if isinstance(target, MapEntry):
        return refs_in(target.key)
    return [target] if target is not None else []


def step_refs(step: Step) -> list[Ref]:
    """The values a step's calls use: their arguments, their targets, the fan-out's list."""
    refs = [r for call in step.calls for _, e in call.args for r in refs_in(e)]
    refs += [r for call in step.calls if call.account is not None for r in target_refs(call)]
    if step.fan_out is not None and step.fan_out.runtime:
        refs.append(step.fan_out.over)
    return refs


def method_refs(flow: Flow) -> list[Ref]:
    """The values the flow's method reads before it schedules its calls: in its `require:`,
    its log and its updates (their values and map keys)."""
    refs = [r for req in flow.requires for r in refs_in(req.condition)] + refs_in(flow.log)
    refs += list(flow.before.args) if flow.before else []
    return refs + [r for u in flow.updates for r in refs_in(u.value) + refs_in(u.key)]


def can_fail(slots, collect: Type | None, item_failure: str, reductions, computes=False) -> bool:
    """Whether a callback can take its failure branch: a critical result missing, a fan-out
    item failing under `fail`, a reduction with no value, or a `compute` hook refusing."""
    return (
        any(s.critical for s in slots)
        or (collect is not None and item_failure == "fail")
        or any(r.can_fail for r in reductions)
        or computes
    )


def flow_uses_caller(flow: Flow) -> bool:
    """Whether the flow's method reads `{caller}`: in its log, updates, call args or callbacks."""
    refs = method_refs(flow)
    if flow.step is not None:
        refs += step_refs(flow.step) + list(flow.step.callback.params)
    checks_caller = flow.lock_per_caller or flow.storage_by_caller or flow.access is not None
    return checks_caller or any(r.source == "caller" for r in refs)


# -------------------------------------------------------------------------------- contract parts


@dataclass(frozen=True)
class StateField:
    name: str
    type: Type
    default: Lit | None  # for a Map: the value a missing entry reads as (None: it reads as null)
    description: str | None
    view: bool

    @property
    def is_map(self) -> bool:
        return self.type.is_map

    @property
    def is_collection(self) -> bool:
        return self.type.is_collection

    @property
    def set_by_init(self) -> bool:
        """Whether `init` must give it a value (a collection starts empty)."""
        return self.default is None and not self.is_collection

    @property
    def views(self) -> list[str]:
        """Its view methods (when `view`): `get_<field>`, and `list_<field>` for the iterable
        collections (a List has only the listing)."""
        if not self.view:
            return []
        if self.type.is_list:
            return [f"list_{self.name}"]
        if self.type.is_iterable:
            return [f"get_{self.name}", f"list_{self.name}"]
        return [f"get_{self.name}"]


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
    # A state field holding the account id, a literal account id, or None for an interface: each
    # call to it names its account (`Call.account`).
    account: StateField | str | None
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
    account: Target | None = None  # the call's own target (an AccountId); None: the external's

    @property
    def target_label(self) -> str:
        """Where the call goes, for diagrams and tables: `{pool}`, `{pool.account}`,
        `{routes[token]}`, or the external's account."""
        target = self.account
        if isinstance(target, FieldOf):
            return "{" + f"{target.base.name}.{target.field}" + "}"
        if isinstance(target, MapEntry):
            key = target.key
            written = key.name if isinstance(key, Ref) else json.dumps(key.value)
            return "{" + f"{target.map.name}[{written}]" + "}"
        if target is not None:
            return "{" + target.name + "}"
        account = self.external.account
        return account if isinstance(account, str) else f"state.{account.name}"


@dataclass(frozen=True)
class Slot:
    """One promise result as the callback sees it (index = position in the join)."""

    index: int
    bind: str
    type: Type | None  # None: the call returns nothing
    label: str  # `hello.get_greeting`, for log lines
    critical: bool
    fallback: Fallback | None


ReducerOp = Literal["sum", "count", "min", "max", "argmin", "argmax", "all", "any"]


@dataclass(frozen=True)
class Reduction:
    """A value a callback computes from its results: `best_pool: {argmax: results}`.

    `sources` are the values reduced (`results`, the fan-out's list, or a parallel step's result
    names), `field` a numeric field of each (`results.amount_out`). min, max, argmin and argmax of
    no results, and a sum that overflows its type, take the failure branch."""

    name: str
    op: ReducerOp
    sources: tuple[Ref, ...]
    field: str | None
    type: Type  # what the value is: the item type for argmin/argmax
    key_type: Type  # the type of what is compared or added (the field's, or the results')
    path: tuple = ()

    @property
    def can_fail(self) -> bool:
        return self.op in ("sum", "min", "max", "argmin", "argmax")

    @property
    def over_results(self) -> bool:
        """Whether it reduces a fan-out's `results` (a run-time list) rather than named values."""
        return len(self.sources) == 1 and self.sources[0].name == "results"

    @property
    def ref(self) -> Ref:
        return Ref(self.name, self.type, "result")


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
    # fan_out: what a failed item does: left out, fails the callback, or counts as `item_default`
    item_failure: Literal["skip", "fail", "default"] = "skip"
    item_default: Lit | None = None
    reductions: tuple[Reduction, ...] = ()
    path: tuple = ()  # the spec path of its `then:`
    compute: Hook | None = None  # your code, after the reductions

    @property
    def skip_failed_items(self) -> bool:
        return self.item_failure == "skip"

    @property
    def can_fail(self) -> bool:
        """Whether it can take the failure branch (see `can_fail`)."""
        computes = self.compute is not None
        return can_fail(self.slots, self.collect, self.item_failure, self.reductions, computes)

    @property
    def needs_items(self) -> bool:
        """Whether it keeps each collected result's fan-out item (argmin/argmax name one)."""
        return any(r.op in ("argmin", "argmax") for r in self.reductions)


@dataclass(frozen=True)
class FanOut:
    """One call (or batch) per item: of a literal list, or of a `Vec` parameter at run time
    (at most `max` items, checked before anything else happens)."""

    over: tuple[Lit, ...] | Ref
    var: str
    type: Type
    path: tuple = ()
    max: int | None = None  # run-time lists only
    # A List field the flow copies when it starts (into a local named `over`), or None: `over`
    # is a parameter.
    from_state: StateField | None = None

    @property
    def runtime(self) -> bool:
        return isinstance(self.over, Ref)

    @property
    def count(self) -> int:
        """How many calls it makes at most: what the static gas checks count."""
        return self.max if isinstance(self.over, Ref) else len(self.over)


@dataclass(frozen=True)
class Condition:
    """A later step's `when:`: checked by the callback before it schedules the step. When it
    does not hold, or its arithmetic overflows, the flow takes the failure path with
    `otherwise`'s log and value (rollback, refund)."""

    expr: Expr
    text: str
    otherwise: Branch
    path: tuple = ()

    @property
    def refused(self) -> Expr:
        """The condition negated, as a reader writes it: `a < b` for `!(a >= b)`."""
        return negated(self.expr)


@dataclass(frozen=True)
class Step:
    kind: Literal["call", "batch", "parallel", "fan_out"]
    calls: tuple[Call, ...]
    callback: Callback
    fan_out: FanOut | None = None
    when: Condition | None = None

    @property
    def target(self) -> External:
        return self.calls[0].external


@dataclass(frozen=True)
class Update:
    field: StateField
    op: Literal["set", "add", "sub"]
    value: Expr
    key: Expr | None = None  # the entry of a Map field: `balances[{caller}]`

    @property
    def type(self) -> Type:
        """The type of the value updated: the field's, or a Map's value type."""
        return self.field.type.value if self.key is not None else self.field.type


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
    step: Step | None  # None: a method without calls, which checks and updates state
    path: tuple = ()
    lock_per_caller: bool = False  # `lock: caller`: the lock is a set of pending callers
    requires: tuple[Requirement, ...] = ()  # guards checked before anything else
    # `storage: caller`: the attached deposit pays for the bytes the updates add; the flow keeps
    # that much (its `deposit` from then on) and refunds the rest at once.
    storage_by_caller: bool = False
    access: Access | None = None  # who may call it; None: anyone
    before: Hook | None = None  # your code, run before the guards

    @property
    def returns(self) -> Type | None:
        return self.step.callback.returns if self.step is not None else None

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
    def owner_only(self) -> bool:
        """Whether `access:` lets the owner call it (the contract then has an owner)."""
        return self.access is not None and self.access.owner

    @property
    def keeps_previous(self) -> bool:
        """Whether its `set` updates keep the value they replace, for the rollback."""
        return self.rollback and self.step is not None

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

    def conditions(self, kind: Literal["require", "when"] | None = None) -> list[Expr]:
        """The conditions the flow checks: its `require:`, then each later step's `when:`; or
        only those of one `kind`."""
        requires = [r.condition for r in self.requires] if kind != "when" else []
        whens = [s.when.expr for s in self.steps() if s.when] if kind != "require" else []
        return requires + whens

    def runtime_fan_outs(self) -> list[FanOut]:
        """The fan-outs over lists the caller passes, each checked when the flow starts."""
        return [s.fan_out for s in self.steps() if s.fan_out is not None and s.fan_out.runtime]


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
    # Where the spec's lines are, for errors found after resolution (a hook's signature).
    source: Any = field(default=None, compare=False, repr=False)

    @property
    def locks(self) -> list[Flow]:
        return [f for f in self.flows if f.lock]

    @property
    def requires_init(self) -> bool:
        return any(f.set_by_init for f in self.state)

    @property
    def owned(self) -> bool:
        """Whether a flow is owner-only: the contract then has `transfer_ownership`."""
        return any(f.owner_only for f in self.flows)

    @property
    def hooks(self) -> list[Hook]:
        """Every hook the spec names, in flow order: src/hooks.rs / .ts define them."""
        out = []
        for flow in self.flows:
            out += [flow.before] if flow.before else []
            out += [s.callback.compute for s in flow.steps() if s.callback.compute]
        return out

    @property
    def caller_locks(self) -> list[Flow]:
        """Flows with `lock: caller`: each keeps its pending callers in a set."""
        return [f for f in self.flows if f.lock_per_caller]

    @property
    def maps(self) -> list[StateField]:
        return [f for f in self.state if f.is_map]

    @property
    def collections(self) -> list[StateField]:
        return [f for f in self.state if f.is_collection]

    def exported_methods(self) -> list[str]:
        """Every method the deployed contract must export."""
        names = [self.init.name] if self.init else []
        names += [name for f in self.state for name in f.views]
        names += [f"is_{f.lock_field}" for f in self.locks]
        names += [OWNER_TRANSFER] if self.owned else []
        for flow in self.flows:
            names.append(flow.name)
            names += [step.callback.name for step in flow.steps()]
        return names
