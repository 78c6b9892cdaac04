"""The static gas budget of a flow: what its first transaction must prepay, row by row."""

from __future__ import annotations

from dataclasses import dataclass

from xccgen import ir

FLOW_BASE_GAS = 5 * 10**12  # the flow method itself: argument parsing, state writes, scheduling
RECEIPT_GAS = 3 * 10**12  # an estimate of the fees each receipt pays beyond its prepaid gas
CALLBACK_BASE_GAS = 5 * 10**12  # a callback's own work: reading results, logging, state writes


@dataclass(frozen=True)
class GasRow:
    """One part of a flow's budget. `depth` > 0: a step scheduled by a callback, paid out of
    that callback's gas (so the flow's total does not count it again)."""

    label: str
    gas: int
    depth: int = 0


def step_rows(step: ir.Step, depth: int = 0) -> list[GasRow]:
    """One step's calls and its callback, then the steps its callback schedules, nested."""
    copies = step.fan_out.count if step.fan_out else 1
    receipts = 1 if step.kind == "batch" else len(step.calls)
    label = " + ".join(_call_label(c) for c in step.calls)
    if step.fan_out is not None and step.fan_out.runtime:
        label += f" (×{copies} at most)"
    elif copies > 1:
        label += f" (×{copies})"
    callback = step.callback
    rows = [
        GasRow(label, (sum(c.gas for c in step.calls) + receipts * RECEIPT_GAS) * copies, depth),
        GasRow(callback.name, callback.gas + RECEIPT_GAS, depth),
    ]
    if callback.success.next is not None:
        rows += step_rows(callback.success.next, depth + 1)
    return rows


def _call_label(call: ir.Call) -> str:
    """`pool.get_quote`, and where it goes when the call names its own target."""
    label = f"{call.external.name}.{call.method.name}"
    return label + f" on {call.target_label}" if call.account is not None else label


def fan_out_need(flow: ir.Flow) -> tuple[int, int]:
    """The gas the flow's transaction must prepay for a run-time fan-out of n items, as
    (base, per_item): base + per_item * n. The flow checks it before making any call."""
    step = flow.step
    receipts = 1 if step.kind == "batch" else len(step.calls)
    per_item = sum(c.gas for c in step.calls) + receipts * RECEIPT_GAS
    return flow_gas(flow) - per_item * step.fan_out.count, per_item


def budget(flow: ir.Flow) -> list[GasRow]:
    """Everything the flow's transaction pays for, in the order it runs."""
    rows = [GasRow(flow.name, FLOW_BASE_GAS)]
    return rows + step_rows(flow.step) if flow.step is not None else rows


def prepaid(rows: list[GasRow]) -> int:
    """The gas of the rows at depth 0: the nested ones are paid out of a callback's gas."""
    return sum(row.gas for row in rows if row.depth == 0)


def flow_gas(flow: ir.Flow) -> int:
    """The gas a flow's transaction must prepay."""
    return prepaid(budget(flow))


def callback_shortfalls(flow: ir.Flow) -> list[tuple[ir.Callback, int]]:
    """Callbacks whose static gas cannot pay for the step they schedule: (callback, needed)."""
    out = []
    for step in flow.steps():
        nxt = step.callback.success.next
        if nxt is None:
            continue
        needed = CALLBACK_BASE_GAS + prepaid(step_rows(nxt))
        if step.callback.gas < needed:
            out.append((step.callback, needed))
    return out
