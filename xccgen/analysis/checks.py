"""Safety checks on resolved flows: the ways hand-written cross-contract code loses funds.

Each finding has a stable code, a severity, the spec path (and line) and a one-sentence fix.
Errors stop generation; warnings do not, unless `--strict`.

| code   | severity | finding |
| ------ | -------- | ------- |
| XCC101 | error    | a deposit goes to a call whose failure has no refund path |
| XCC102 | warning  | state changed before the calls is never rolled back on failure |
| XCC103 | error    | the flow's worst-case gas is over 300 Tgas |
| XCC104 | error    | a callback's gas cannot pay for the step it schedules |
| XCC105 | warning  | a call result is never read |
| XCC106 | error    | a result is read as a type other than the method's declared return type |
| XCC107 | warning  | a flow that moves money or changes state can be re-entered while pending |
| XCC108 | error    | a view method is called with a deposit |
| XCC109 | error    | a fan-out over an empty or oversized list |
| XCC110 | error    | anyone may call a flow that sends the contract's own funds |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from xccgen import ir
from xccgen.analysis.gas import budget, callback_shortfalls, flow_gas
from xccgen.errors import SpecError
from xccgen.spec.source import Source, format_path
from xccgen.units import MAX_GAS, format_deposit, format_gas

MAX_FAN_OUT = 16  # each item is a receipt with its own gas; more will not fit in 300 Tgas

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    path: tuple
    message: str
    fix: str

    def format(self, source: Source) -> str:
        return (
            f"{source.where(self.path)} {format_path(self.path)}: {self.severity} {self.code}: "
            f"{self.message}. Fix: {self.fix}"
        )


def check(contract: ir.Contract) -> list[Finding]:
    findings: list[Finding] = []
    for flow in contract.flows:
        findings += check_flow(flow)
    return findings


def check_flow(flow: ir.Flow) -> list[Finding]:
    out: list[Finding] = []
    out += _refunds(flow)
    out += _rollback(flow)
    out += _gas(flow)
    for step in flow.steps():
        out += _result_types(step)
        out += _unread_results(flow, step)
        out += _view_deposits(step)
        out += _fan_out_size(flow, step)
    out += _reentrancy(flow)
    out += _open_spending(flow)
    return out


def _open_spending(flow: ir.Flow) -> list[Finding]:
    """A call that attaches a fixed deposit pays it from the contract's balance: unless the flow
    says who may call it, anyone can drain the contract one call at a time."""
    if flow.access is not None:
        return []
    for step in flow.steps():
        for call in step.calls:
            if isinstance(call.deposit, int) and call.deposit > 0:
                # A batch's deposit is written once, on the batch.
                where = call.path[:-2] if step.kind == "batch" else call.path
                return [
                    Finding(
                        "XCC110",
                        "error",
                        where + ("deposit",),
                        f"{call.external.name}.{call.method.name} gets "
                        f"{format_deposit(call.deposit)} of the contract's own balance, and "
                        f"anyone may call `{flow.name}`",
                        "add `access: owner` (or a list of who may call it) to the flow, or "
                        "forward the caller's deposit (`deposit: attached`)",
                    )
                ]
    return []


def _refunds(flow: ir.Flow) -> list[Finding]:
    """The caller's deposit must come back whenever the call it paid for fails.

    Critical calls take the failure branch, which refunds; an optional parallel call or a
    fan-out item that is skipped on failure has no such path.
    """
    out = []
    for step in flow.steps():
        # A skipped or defaulted fan-out item does not take the failure branch.
        skipped = step.kind == "fan_out" and step.callback.item_failure != "fail"
        for call in step.calls:
            if call.deposit == "attached" and (not call.critical or skipped):
                out.append(
                    Finding(
                        "XCC101",
                        "error",
                        call.path,
                        f"the attached deposit goes to {call.external.name}.{call.method.name}, "
                        "but nothing refunds it when that call fails",
                        "mark the call `critical: true` (fan-out: `on_item_failure: fail`) so "
                        "its failure refunds the caller",
                    )
                )
    return out


def _rollback(flow: ir.Flow) -> list[Finding]:
    if not flow.updates or not flow.rollback or flow.step is None:
        return []  # nothing changed, `rollback: none` waives it, or there is no call to fail
    if any(step.callback.can_fail for step in flow.steps()):
        return []
    fields = ", ".join(u.field.name for u in flow.updates)
    return [
        Finding(
            "XCC102",
            "warning",
            flow.path + ("update",),
            f"{fields} change before the calls, but no failure branch ever rolls them back "
            "(every call is optional)",
            "mark the calls the change depends on `critical: true`, or write `rollback: none` "
            "if the change must stay",
        )
    ]


def _gas(flow: ir.Flow) -> list[Finding]:
    out = []
    total = flow_gas(flow)
    if total > MAX_GAS:
        rows = ", ".join(f"{row.label} {format_gas(row.gas)}" for row in budget(flow))
        out.append(
            Finding(
                "XCC103",
                "error",
                flow.path,
                f"needs {format_gas(total)} but a transaction gets at most 300 Tgas ({rows})",
                "lower the gas of its calls or callbacks, or split the flow in two",
            )
        )
    for callback, needed in callback_shortfalls(flow):
        out.append(
            Finding(
                "XCC104",
                "error",
                callback.path + ("gas",),
                f"{callback.name} gets {format_gas(callback.gas)} but the step it schedules "
                f"needs {format_gas(needed)}",
                f"set `gas: {format_gas(needed)}` or more on this callback",
            )
        )
    return out


def _unread_results(flow: ir.Flow, step: ir.Step) -> list[Finding]:
    callback = step.callback
    if callback.collect is not None:
        return []
    used = {r.name for r in _refs_of_callback(callback)}
    out = []
    for slot in callback.slots:
        if slot.type is None or slot.bind in used:
            continue
        call = step.calls[slot.index] if step.kind == "parallel" else step.calls[-1]
        out.append(
            Finding(
                "XCC105",
                "warning",
                call.path,
                f"the result of {slot.label} ({slot.type.spec}) is never read",
                "return or log it, or call a method that returns nothing",
            )
        )
    return out


def _result_types(step: ir.Step) -> list[Finding]:
    callback = step.callback
    declared = step.calls[-1].method.returns
    if callback.collect is None or callback.collect == declared:
        return []
    label = callback.slots[0].label
    returns = declared.spec if declared else "nothing"
    return [
        Finding(
            "XCC106",
            "error",
            callback.path + ("collect",),
            f"the callback reads every result as {callback.collect.spec}, but {label} "
            f"returns {returns}",
            (
                f"write `collect: {returns}`"
                if declared
                else "collect from a method that returns a value"
            ),
        )
    ]


def _refs_of_callback(callback: ir.Callback) -> list[ir.Ref]:
    exprs = [callback.log, callback.success.log, callback.success.value]
    exprs += [callback.failure.log, callback.failure.value]
    refs = [r for e in exprs for r in ir.refs_in(e)]
    refs += [r for reduction in callback.reductions for r in reduction.sources]
    nxt = callback.success.next
    if nxt is not None:
        refs += ir.step_refs(nxt) + ir.condition_refs(nxt.when) + list(nxt.callback.params)
    return refs


def _view_deposits(step: ir.Step) -> list[Finding]:
    return [
        Finding(
            "XCC108",
            "error",
            call.path + ("deposit",),
            f"{call.external.name}.{call.method.name} is a view method, yet gets a deposit",
            "drop the deposit, or declare the method `kind: call` (and `payable: true`)",
        )
        for call in step.calls
        if call.deposit and call.method.view
    ]


def _fan_out_size(flow: ir.Flow, step: ir.Step) -> list[Finding]:
    fan_out = step.fan_out
    if fan_out is None or 0 < fan_out.count <= MAX_FAN_OUT:
        return []
    size = fan_out.count
    if fan_out.runtime:
        return [
            Finding(
                "XCC109",
                "error",
                fan_out.path + ("max",),
                f"the fan_out may run over {size} items (at most {MAX_FAN_OUT})",
                f"lower `max:` to {MAX_FAN_OUT} or less, or split the flow",
            )
        ]
    what = "an empty list" if size == 0 else f"{size} items (at most {MAX_FAN_OUT})"
    return [
        Finding(
            "XCC109",
            "error",
            fan_out.path + ("over",),
            f"the fan_out runs over {what}",
            f"give `over:` between 1 and {MAX_FAN_OUT} items, or split the flow",
        )
    ]


def _reentrancy(flow: ir.Flow) -> list[Finding]:
    if flow.lock or not (flow.updates or flow.payable) or flow.step is None:
        return []  # locked, harmless, or done at once (nothing pending)
    return [
        Finding(
            "XCC107",
            "warning",
            flow.path,
            f"`{flow.name}` {'changes state' if flow.updates else 'moves deposits'} and can be "
            "called again while its earlier calls are still pending",
            "add `lock: true` (or `lock: caller`, per caller): a second call is rejected until "
            "the callback releases the lock",
        )
    ]


def enforce(contract: ir.Contract, source: Source, strict: bool = False) -> list[Finding]:
    """Raise SpecError on errors (and on warnings when strict); return the warnings."""
    findings = check(contract)
    blocking = [f for f in findings if f.severity == "error" or strict]
    if blocking:
        raise SpecError([f.format(source) for f in blocking])
    return findings
