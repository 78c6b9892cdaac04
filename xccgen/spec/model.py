"""The spec as users write it (YAML or the Python DSL): strict pydantic models, no semantics yet.

Field names here are the YAML keys. Cross references (externals, methods, types, names used in
templates) are checked later by `xccgen.ir.resolve`, which turns this model into the IR.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

Amount = StrictStr | StrictInt  # "10 Tgas", "0.5 NEAR", or an integer in the smallest unit
Literal_ = Any  # a JSON literal; checked against the declared type during resolution


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, frozen=True)


class StateField(Model):
    type: StrictStr
    default: Literal_ = None
    description: StrictStr | None = None
    view: StrictBool = True  # generate a `get_<field>` view method


class Init(Model):
    name: StrictStr = "init"
    private: StrictBool = True
    params: list[StrictStr] = []


class ContractSection(Model):
    name: StrictStr
    description: StrictStr | None = None
    state: dict[StrictStr, StateField] = {}
    init: Init | None = None


class Method(Model):
    args: dict[StrictStr, StrictStr] = {}
    returns: StrictStr | None = None
    kind: Literal["call", "view"] | None = (
        None  # default: view when it returns and takes no deposit
    )
    payable: StrictBool = False
    description: StrictStr | None = None


class External(Model):
    # `state.<field>` or a literal account id; none for an interface whose calls name their own
    # `account:` (a parameter, a fan-out item, a reduced result)
    account: StrictStr | None = None
    description: StrictStr | None = None
    methods: dict[StrictStr, Method | None] = {}


class Defaults(Model):
    gas: Amount = "10 Tgas"
    deposit: Amount = 0
    callback_gas: Amount = "10 Tgas"


class Fallback(Model):
    """What a callback does with one optional call's failure: log it, use a default value."""

    log: StrictStr | None = None
    default: Literal_ = None


class Call(Model):
    """One function call: `call: hello.get_greeting` (parallel) or `{method: args}` (batch)."""

    call: StrictStr
    account: StrictStr | None = None  # the target: `{name}` of an AccountId; default the external's
    args: dict[StrictStr, Literal_] = {}
    as_: StrictStr | None = Field(default=None, alias="as")
    gas: Amount | None = None
    gas_weight: StrictInt | None = None
    deposit: Amount | None = None  # an amount, or "attached" for the flow's attached deposit
    critical: StrictBool = False
    on_failure: Fallback | None = None


BatchCall = StrictStr | dict[StrictStr, dict[StrictStr, Literal_] | None]


class Batch(Model):
    target: StrictStr
    account: StrictStr | None = None  # as `Call.account`
    calls: list[BatchCall]
    gas: Amount | None = None  # per call
    deposit: Amount | None = None  # on the first call (e.g. "attached")


class FanOut(Model):
    over: list[Literal_] | StrictStr  # a literal list, or `{name}` of a Vec parameter
    max: StrictInt | None = None  # the most items a run-time list may have (required for one)
    as_: StrictStr = Field(alias="as")
    batch: Batch | None = None
    call: Call | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> FanOut:
        if (self.batch is None) == (self.call is None):
            raise ValueError("a fan_out needs exactly one of `batch` or `call`")
        return self


class Branch(Model):
    log: StrictStr | None = None
    return_: Literal_ = Field(default=None, alias="return")


class Reducer(Model):
    """One value computed from a step's results: `{argmax: results}`, `{sum: [a, b]}`, or of a
    numeric field of each result: `{max: results.amount_out}`."""

    sum: StrictStr | list[StrictStr] | None = None
    count: StrictStr | list[StrictStr] | None = None
    min: StrictStr | list[StrictStr] | None = None
    max: StrictStr | list[StrictStr] | None = None
    argmin: StrictStr | None = None
    argmax: StrictStr | None = None
    all: StrictStr | list[StrictStr] | None = None
    any: StrictStr | list[StrictStr] | None = None

    @model_validator(mode="after")
    def _one_op(self) -> Reducer:
        ops = [k for k in REDUCERS if getattr(self, k) is not None]
        if len(ops) != 1:
            raise ValueError(f"a reducer needs exactly one of {', '.join(REDUCERS)}")
        return self

    @property
    def op(self) -> str:
        return next(k for k in REDUCERS if getattr(self, k) is not None)

    @property
    def source(self) -> str | list[str]:
        return getattr(self, self.op)


REDUCERS = ("sum", "count", "min", "max", "argmin", "argmax", "all", "any")


class Hook(Model):
    """A function the team writes in src/hooks.rs and src/hooks.ts: it takes the named values
    `args` and gives back the named values `returns`."""

    hook: StrictStr
    args: list[StrictStr] = []
    returns: dict[StrictStr, StrictStr]


class ItemDefault(Model):
    """`on_item_failure: {default: ...}`: a failed fan-out item counts as this value."""

    default: Literal_


class Then(Model):
    """The callback that runs after the step's calls, whether they succeeded or failed."""

    gas: Amount | None = None
    log: StrictStr | None = None  # logged whenever the callback runs
    on_success: Branch | None = None
    on_failure: Branch | None = None
    return_: Literal_ = Field(default=None, alias="return")  # shorthand for on_success.return
    collect: StrictStr | None = None  # fan_out: the type every result has
    on_item_failure: Literal["skip", "fail"] | ItemDefault = "skip"
    reduce: dict[StrictStr, Reducer] = {}  # values computed from the results, by name
    compute: Hook | None = None  # your code: values derived from the results (and reductions)
    next: Step | None = None  # a further step scheduled when every critical result succeeded


class Step(Model):
    # A later step only: a condition over the previous callback's values, and what the flow does
    # when it does not hold (the failure path with this log and value).
    when: StrictStr | None = None
    otherwise: Branch | None = None
    call: Call | None = None
    batch: Batch | None = None
    parallel: list[Call] | None = None
    fan_out: FanOut | None = None
    then: Then | None = None

    # A flow may have no step: a plain method that checks and updates state (a setter).
    calls_optional: ClassVar[bool] = False

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [
            k for k in ("call", "batch", "parallel", "fan_out") if getattr(self, k) is not None
        ]
        if not kinds and self.calls_optional and self.then is None:
            return self
        if len(kinds) != 1:
            raise ValueError(
                "a flow step needs exactly one of `call`, `batch`, `parallel` or `fan_out`"
                + (f" (found {', '.join(kinds)})" if kinds else "")
            )
        return self


class Update(Model):
    """An optimistic state change made before the calls and rolled back if they fail."""

    set: Literal_ = None
    add: Literal_ = None
    sub: Literal_ = None

    @model_validator(mode="after")
    def _one_op(self) -> Update:
        ops = [k for k in ("set", "add", "sub") if getattr(self, k) is not None]
        if len(ops) != 1:
            raise ValueError("a state update needs exactly one of `set`, `add` or `sub`")
        return self


class Requirement(Model):
    """`{if: "{amount} > 0", else: "amount must be positive"}`; a bare string is the `if`."""

    if_: StrictStr = Field(alias="if")
    else_: StrictStr | None = Field(default=None, alias="else")


class Flow(Step):
    calls_optional: ClassVar[bool] = True
    description: StrictStr | None = None
    # Who may call it, checked first: `owner` (the state field `owner`), or a list of `owner`,
    # account ids and `{field}`s (an AccountId field, or a Map keyed by account: its keys).
    access: Literal["owner"] | list[StrictStr] | None = None
    # Conditions over params, state, caller and deposit, checked before anything else.
    require: list[StrictStr | Requirement] = []
    params: dict[StrictStr, StrictStr] = {}
    before: Hook | None = None  # your code: values computed from params and state, first
    payable: StrictBool = False
    log: StrictStr | None = None  # logged when the flow starts
    update: dict[StrictStr, Update] = {}
    rollback: Literal["auto", "none"] = "auto"
    lock: StrictBool | Literal["caller"] = False  # `caller`: one pending run per caller
    # Who pays for the storage the updates add: the contract's balance, or the attached deposit.
    storage: Literal["contract", "caller"] = "contract"


class Spec(Model):
    contract: ContractSection
    types: dict[StrictStr, dict[StrictStr, StrictStr]] = {}
    externals: dict[StrictStr, External] = {}
    defaults: Defaults = Defaults()
    flows: dict[StrictStr, Flow] = {}
    scenarios: list[dict[StrictStr, Any]] = []  # run by `xccgen test`; validated there


Then.model_rebuild()
Step.model_rebuild()
Flow.model_rebuild()
