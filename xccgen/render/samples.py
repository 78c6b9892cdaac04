"""Sample values for generated unit tests, and what each callback should return for them.

The expected values are computed from the IR independently of any template, so a template bug
shows up as a failing generated test rather than being copied into its expectation.
"""

from __future__ import annotations

import json
from typing import Any

from xccgen import ir

CALLER = "alice.near"
DEPOSIT = str(10**24)


def sample(t: ir.Type | None, structs: dict[str, ir.Struct]) -> Any:
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
    if name in ("Vec",):
        return [sample(t.item, structs)]
    if name == "Option":
        return sample(t.item, structs)
    if name == "Tuple":
        return [sample(i, structs) for i in t.items]
    return {field: sample(ft, structs) for field, ft in structs[name].fields}


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


def evaluate(expr: ir.Expr | None, env: dict[str, Any]) -> Any:
    if expr is None:
        return None
    if isinstance(expr, ir.Lit):
        return expr.value
    if isinstance(expr, ir.Ref):
        return env[expr.name]
    if isinstance(expr, ir.Some):
        return evaluate(expr.value, env)
    if isinstance(expr, ir.Interp):
        return "".join(
            p if isinstance(p, str) else text_of(env[p.name], p.type) for p in expr.parts
        )
    return [evaluate(item, env) for item in expr.items]


def callback_cases(flow: ir.Flow, structs: dict[str, ir.Struct]) -> list[dict]:
    """For every callback: its arguments and, per branch, promise results and the expected value.

    Branches: `success` (every call answered with a sample value), `failure` (every call failed)
    and `invalid` (every call answered bytes that are not JSON). A branch that schedules the next
    step expects a promise (`expect_promise`) instead of a value.
    """
    cases = []
    for step in flow.steps():
        callback = step.callback
        args = {p.name: param_value(p, structs) for p in callback.params}
        samples = {s.bind: sample(s.type, structs) for s in callback.slots}
        for branch in ("success", "failure", "invalid"):
            env = dict(args)
            failed = branch != "success"
            for slot in callback.slots:
                env[slot.bind] = (
                    slot.fallback.default.value if failed and slot.fallback else samples[slot.bind]
                )
            any_critical_failed = failed and any(s.critical for s in callback.slots)
            if callback.collect is not None:
                env["results"] = [] if failed else [samples[s.bind] for s in callback.slots]
                any_critical_failed = failed and not callback.skip_failed_items
            if any_critical_failed:
                expected, promise = evaluate(callback.failure.value, env), False
            elif callback.success.next is not None:
                expected, promise = None, True
            else:
                expected, promise = evaluate(callback.success.value, env), False
            results = [
                json.dumps(samples[s.bind], separators=(",", ":")) if s.type is not None else ""
                for s in callback.slots
            ]
            cases.append(
                {
                    "callback": callback,
                    "branch": branch,
                    "args": [(p, args[p.name]) for p in callback.params],
                    "results": results,
                    "expected": expected,
                    "expect_promise": promise,
                    "refund": any_critical_failed and flow.payable,
                    "rolls_back": any_critical_failed and flow.rollback and bool(flow.updates),
                }
            )
    return cases
