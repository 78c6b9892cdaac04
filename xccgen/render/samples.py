"""Sample values for generated unit tests, and what each callback should return for them.

The expected values are computed from the IR independently of any template, so a template bug
shows up as a failing generated test rather than being copied into its expectation.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from xccgen import ir

CALLER = "alice.near"
DEPOSIT = str(10**24)


def sample(
    t: ir.Type | None, structs: dict[str, ir.Struct], within: frozenset = frozenset()
) -> Any:
    """A value of `t`; inside a struct's own sample (`within`), its recursive `Vec` and optional
    fields are empty, so a type that contains itself gets a finite sample."""
    if t is None:
        return None
    name = t.name
    if name == "string":
        return "sample text"
    if name == "AccountId":
        return "sample.near"
    if name == "bool":
        return True
    if t.is_int:
        return 7
    if t.is_big:
        return "7"
    if name in ("Vec", "Option") and t.item.is_struct and t.item.name in within:
        return [] if name == "Vec" else None
    if name == "Vec":
        return [sample(t.item, structs, within)]
    if name == "Option":
        return sample(t.item, structs, within)
    if name == "Tuple":
        return [sample(i, structs, within) for i in t.items]
    inside = within | {name}
    return {field: sample(ft, structs, inside) for field, ft in structs[name].fields}


def param_value(ref: ir.Ref, structs: dict[str, ir.Struct]) -> Any:
    if ref.source == "caller":
        return CALLER
    if ref.source == "deposit":
        return DEPOSIT
    return sample(ref.type, structs)


def text_of(value: Any, t: ir.Type) -> str:
    """How a value reads inside a log line or a string: strings raw, the rest as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def normalize(value: Any, t: ir.Type, structs: dict[str, ir.Struct]) -> Any:
    """A literal as it reads back from JSON: optional struct fields left out become null."""
    if value is None or t is None:
        return value
    if t.name == "Option":
        return normalize(value, t.item, structs)
    if t.name == "Vec":
        return [normalize(v, t.item, structs) for v in value]
    if t.name == "Tuple":
        return [normalize(v, i, structs) for v, i in zip(value, t.items, strict=True)]
    if t.is_struct:
        return {f: normalize(value.get(f), ft, structs) for f, ft in structs[t.name].fields}
    return value


def evaluate(expr: ir.Expr | None, env: dict[str, Any], structs=None) -> Any:
    if expr is None:
        return None
    if isinstance(expr, ir.Lit):
        return normalize(expr.value, expr.type, structs or {})
    if isinstance(expr, ir.Ref):
        return env[expr.name]
    if isinstance(expr, ir.Some):
        return evaluate(expr.value, env, structs)
    if isinstance(expr, ir.Interp):
        return "".join(
            p if isinstance(p, str) else text_of(env[p.name], p.type) for p in expr.parts
        )
    return [evaluate(item, env, structs) for item in expr.items]


def initial_state(contract: ir.Contract, structs: dict[str, ir.Struct]) -> dict[str, Any]:
    """Each state field's value in a unit test's fresh contract: its default, or for an init
    parameter the sample the test passes (`account<i>.near` for account ids, as `sample_lit`)."""
    params = [p.name for p in contract.init.params] if contract.init else []
    state = {}
    for field in contract.state:
        if field.name in params:
            state[field.name] = init_sample(contract, field, structs)
        elif field.default is not None and not field.is_collection:
            state[field.name] = normalize(field.default.value, field.type, structs)
    # A List a flow fans out over gets one sample item in the unit tests (RustApi.test_seeds).
    for flow in contract.flows:
        for fan_out in flow.runtime_fan_outs():
            if fan_out.from_state is not None and fan_out.from_state.name not in params:
                state[fan_out.from_state.name] = [sample(fan_out.type, structs)]
    return state


def init_sample(contract: ir.Contract, field: ir.StateField, structs) -> Any:
    """What a unit test's `init` gives a field: the test's caller for an account that `access:`
    checks (so the tests may call the flows), `account<i>.near` for other account ids."""
    if field.type.is_list:
        return [sample(field.type.item, structs)]  # `Vec<T>`, as init takes it
    if field.type == ir.ACCOUNT_ID:
        if field.name in access_fields(contract):
            return CALLER
        return f"account{[p.name for p in contract.init.params].index(field.name) + 1}.near"
    return sample(field.type, structs)


def access_fields(contract: ir.Contract) -> set[str]:
    """The AccountId state fields some flow's `access:` checks the caller against."""
    names = {"owner"} if contract.owned else set()
    for flow in contract.flows:
        if flow.access is not None:
            names |= {f.name for f in flow.access.fields if not f.is_map}
    return names


def updated_values(
    flow: ir.Flow, args: dict[str, Any], state: dict[str, Any], structs
) -> list[tuple[ir.Update, Any]]:
    """What each update of a flow without calls leaves, from a unit test's fresh state and
    sample arguments: the value set, or the field (a map entry from its default) plus or minus
    the value. An update that would overflow is left out (the flow then aborts)."""
    env = {**state, **args, "caller": CALLER}
    out = []
    for update in flow.updates:
        value = evaluate(update.value, env, structs)
        if update.op == "set":
            out.append((update, value))
            continue
        if update.key is not None:
            start = update.field.default.value
        else:
            start = state[update.field.name]
        result = int(start) + int(value) * (1 if update.op == "add" else -1)
        lo, end = update.type.value_range
        if lo <= result < end:
            out.append((update, str(result) if update.type.is_big else result))
    return out


def sandbox_caller_may_call(contract: ir.Contract, flow: ir.Flow) -> bool:
    """Whether the generated sandbox tests' caller may call the flow: they pass it to `init`
    for every account `access:` checks; a literal account or a map's entries it cannot be."""
    access = flow.access
    if access is None:
        return True
    params = {p.name for p in contract.init.params} if contract.init else set()
    fields = (["owner"] if access.owner else []) + [f.name for f in access.fields if not f.is_map]
    return any(name in params for name in fields)


def access_refusal(flow: ir.Flow, state: dict[str, Any]) -> str | None:
    """The panic of a unit test's call of the flow when its caller may not make it (the test
    then expects it); None when it may. Map fields are seeded with the caller's entry."""
    access = flow.access
    if access is None:
        return None
    if access.owner and state.get("owner") == CALLER or CALLER in access.accounts:
        return None
    if any(f.is_map or state.get(f.name) == CALLER for f in access.fields):
        return None
    return access.message


def callback_cases(
    flow: ir.Flow, structs: dict[str, ir.Struct], state: dict[str, Any] | None = None
) -> list[dict]:
    """For every callback: its arguments and, per branch, promise results and the expected value.

    Branches: `success` (every call answered with a sample value), `failure` (every call failed)
    and `invalid` (every call answered bytes that are not JSON); those that reach a `compute`
    hook (the team's code) are left to the tests of src/hooks.rs and the scenarios. Before a
    step with `when:`, `success` answers values that pass it and `refused` ones that do not
    (when samples of both are found). A branch that schedules the next step expects a promise
    (`expect_promise`).
    """
    cases = []
    # A test that rolls back runs the flow first; it cannot when its `require:` refuses, nor
    # when the flow calls the team's `before` hook (whose values the test cannot know).
    runs_flow = flow_args(flow, structs, state or {})[1] is None and flow.before is None
    for step in flow.steps():
        callback = step.callback
        args = {p.name: param_value(p, structs) for p in callback.params}
        slots = callback.slots
        items = None
        if step.fan_out is not None:
            # A run-time list has as many results as the sample list passed in has items.
            fan_out = step.fan_out
            items = args[fan_out.over.name] if fan_out.runtime else [i.value for i in fan_out.over]
            slots = slots[: len(items)]
        base = {**(state or {}), **args}  # state fields a branch returns or logs, then names
        plain = {s.bind: sample(s.type, structs) for s in slots}
        branches = [("success", plain), ("failure", plain), ("invalid", plain)]
        when = callback.success.next.when if callback.success.next is not None else None
        if when is not None and step.fan_out is None and callback.compute is None:
            passing = _answers(callback, slots, base, structs, want=True)
            refusing = _answers(callback, slots, base, structs, want=False)
            branches[0] = ("success", passing or plain)
            if refusing is not None:
                branches.append(("refused", refusing))
        for branch, answers in branches:
            env = dict(base)

            # Bytes that are not JSON are still a success for a call that returns nothing.
            def failed(slot: ir.Slot, branch=branch) -> bool:
                return branch == "failure" or (branch == "invalid" and slot.type is not None)

            for slot in slots:
                fallback = slot.fallback.default if failed(slot) and slot.fallback else None
                env[slot.bind] = (
                    normalize(fallback.value, fallback.type, structs)
                    if fallback
                    else answers[slot.bind]
                )
            any_failed = any(failed(s) for s in slots)
            any_critical_failed = any(s.critical and failed(s) for s in slots)
            if callback.collect is not None:
                kept = [] if any_failed else list(items)
                if any_failed and callback.item_failure == "default":
                    default = callback.item_default
                    env["results"] = [normalize(default.value, default.type, structs)] * len(items)
                    kept = list(items)
                else:
                    env["results"] = [] if any_failed else [answers[s.bind] for s in slots]
                env["items"] = kept
                any_critical_failed = any_failed and callback.item_failure == "fail"
            any_critical_failed = not _reduce_into(callback, env) or any_critical_failed
            if callback.compute is not None and not any_critical_failed:
                continue  # past here the callback runs the team's code, which the test cannot know
            refused = not any_critical_failed and when is not None and not holds(when, env)
            if any_critical_failed:
                expected, promise = evaluate(callback.failure.value, env, structs), False
            elif refused:
                expected, promise = evaluate(when.otherwise.value, env, structs), False
            elif callback.success.next is not None:
                expected, promise = None, True
            else:
                expected, promise = evaluate(callback.success.value, env, structs), False
            results = [
                json.dumps(answers[s.bind], separators=(",", ":")) if s.type is not None else ""
                for s in slots
            ]
            cases.append(
                {
                    "callback": callback,
                    "branch": branch,
                    "args": [(p, args[p.name]) for p in callback.params],
                    "results": results,
                    "expected": expected,
                    "expect_promise": promise,
                    "logs_failure": any_failed or refused,
                    "refund": (any_critical_failed or refused) and flow.payable,
                    "rolls_back": (any_critical_failed or refused)
                    and flow.rollback
                    and bool(flow.updates)
                    and runs_flow,
                }
            )
    return cases


def _reduce_into(callback: ir.Callback, env: dict[str, Any]) -> bool:
    """Adds the callback's reduced values to `env`; False when one has no value."""
    for reduction in callback.reductions:
        value = reduce_value(reduction, env)
        if value is NOTHING:
            return False
        env[reduction.name] = value
    return True


def _answers(callback, slots, base, structs, want: bool) -> dict[str, Any] | None:
    """Results of every call (the first tried) for which the next step's `when:` holds
    (`want`) or does not; None when no values tried do."""
    binds = [s.bind for s in slots]
    for values in _tries([_candidates(s.type, structs) if s.type else [None] for s in slots]):
        env = {**base, **dict(zip(binds, values, strict=True))}
        if _reduce_into(callback, env) and holds(callback.success.next.when, env) == want:
            return dict(zip(binds, values, strict=True))
    return None


NOTHING = object()  # a reduction with nothing to pick from, or a sum that overflows


def reduce_value(reduction: ir.Reduction, env: dict[str, Any]) -> Any:
    """What a reduction computes from the values in `env`, by its definition in docs/spec.md:
    the first item wins a tie; NOTHING takes the failure branch."""
    if reduction.over_results:
        values = env["results"]
    else:
        values = [env[ref.name] for ref in reduction.sources]
    if reduction.field is not None:
        values = [value[reduction.field] for value in values]
    op = reduction.op
    if op == "count":
        return len(values)
    if op == "all":
        return all(values)
    if op == "any":
        return any(values)
    numbers = [int(v) for v in values]
    as_type = str if reduction.key_type.is_big else int
    if op == "sum":
        total = sum(numbers)
        lo, end = reduction.key_type.value_range
        return as_type(total) if lo <= total < end else NOTHING
    if not numbers:
        return NOTHING
    if op in ("min", "max"):
        return as_type((min if op == "min" else max)(numbers))
    best = (min if op == "argmin" else max)(numbers)
    return env["items"][numbers.index(best)]


# ---------------------------------------------------------------------------- conditions

# Values tried for a parameter when the flow's `require:` refuses the plain sample.
INT_CANDIDATES = [7, 0, 1, 2, 10, 100, 1000, 10**6]
TEXT_CANDIDATES = ["sample text", "a", "NEAR", ""]
MAX_TRIES = 4000


class ConditionAbort(Exception):
    """A condition's arithmetic overflowed or divided by zero: the call aborts."""


def evaluate_condition(expr: ir.Expr, env: dict[str, Any]) -> Any:
    """A `require:` condition's value over sample values, by docs/spec.md's rules (checked
    integer arithmetic, truncating division, `len` of text in UTF-8 bytes)."""
    if isinstance(expr, ir.Lit):
        return int(expr.value) if expr.type.is_big else expr.value
    if isinstance(expr, ir.Ref):
        value = env[expr.name]
        return int(value) if expr.type.is_big else value
    if isinstance(expr, ir.FieldOf):
        value = evaluate_condition(expr.base, env)[expr.field]
        return int(value) if expr.type.is_big else value
    if isinstance(expr, ir.MapEntry):  # a unit test's maps start empty: the default
        value = expr.map.default.value
        return int(value) if expr.type.is_big else value
    op, args = expr.op, expr.args
    if op == "&&":
        return evaluate_condition(args[0], env) and evaluate_condition(args[1], env)
    if op == "||":
        return evaluate_condition(args[0], env) or evaluate_condition(args[1], env)
    if op == "!":
        return not evaluate_condition(args[0], env)
    if op == "len":
        value = evaluate_condition(args[0], env)
        return len(value.encode("utf-8")) if isinstance(value, str) else len(value)
    left, right = (evaluate_condition(a, env) for a in args)
    if op in ("==", "!=", "<", "<=", ">", ">="):
        return {
            "==": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[op]
    if op in ("/", "%") and right == 0:
        raise ConditionAbort(expr.overflow_message)
    if op == "/":
        value = abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1)
    elif op == "%":
        value = left - right * (abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1))
    else:
        value = {"+": left + right, "-": left - right, "*": left * right}[op]
    lo, end = expr.type.value_range
    if not lo <= value < end or (op == "%" and right == -1 and left == lo and lo < 0):
        raise ConditionAbort(expr.overflow_message)
    return value


def holds(when: ir.Condition, env: dict[str, Any]) -> bool:
    """Whether a later step's `when:` holds over sample values; an overflow refuses, as in the
    contract."""
    try:
        return bool(evaluate_condition(when.expr, env))
    except ConditionAbort:
        return False


def failed_requirement(flow: ir.Flow, env: dict[str, Any]) -> str | None:
    """The message of the first `require:` entry these values fail, or None."""
    for requirement in flow.requires:
        try:
            if not evaluate_condition(requirement.condition, env):
                return requirement.message
        except ConditionAbort as abort:
            return str(abort)
    return None


def flow_args(
    flow: ir.Flow, structs: dict[str, ir.Struct], state: dict[str, Any]
) -> tuple[dict[str, Any], str | None]:
    """Sample arguments for a unit test's call of the flow: the plain samples, or the first
    values tried that pass its `require:`; with the message of the requirement that refuses
    them when none do (the test then expects that panic)."""
    names = [name for name, _ in flow.params]
    denied = access_refusal(flow, state)
    if denied is not None or flow.before is not None:
        # What the flow does after the team's `before` hook depends on that code.
        return {name: sample(t, structs) for name, t in flow.params}, denied
    env = {**state, "caller": CALLER, "deposit": DEPOSIT}
    first: tuple[dict[str, Any], str] | None = None
    for values in _tries([_candidates(t, structs) for _, t in flow.params]):
        args = dict(zip(names, values, strict=True))
        refused = failed_requirement(flow, {**env, **args})
        if refused is None:
            return args, None
        first = first or (args, refused)
    assert first is not None
    return first


def _tries(choices: list[list[Any]]):
    """Every combination of one value from each list, the first MAX_TRIES of them."""
    return itertools.islice(itertools.product(*choices), MAX_TRIES)


def _candidates(t: ir.Type, structs: dict[str, ir.Struct]) -> list[Any]:
    plain = sample(t, structs)
    if t.is_int:
        lo, end = t.value_range
        return [plain] + [v for v in INT_CANDIDATES if lo <= v < end and v != plain]
    if t.is_big:
        return [plain] + [str(v) for v in INT_CANDIDATES if str(v) != plain]
    if t == ir.BOOL:
        return [True, False]
    if t.name == "string":
        return TEXT_CANDIDATES
    if t.is_struct:  # the sample, then each field moved through its own candidates
        out = [plain]
        for field, field_type in structs[t.name].fields:
            for value in _candidates(field_type, structs)[1:3]:
                out.append({**plain, field: value})
        return out
    return [plain]
