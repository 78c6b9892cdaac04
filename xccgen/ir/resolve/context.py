"""Callback context: what a flow carries into each of its callbacks' arguments (the caller,
the deposit, previous values for rollback, the params later steps use)."""

from __future__ import annotations

from dataclasses import replace

from xccgen import ir
from xccgen.ir.resolve.base import ResolverBase


class CallbackContext(ResolverBase):
    def carry_context(self, step: ir.Step, context: FlowContext) -> ir.Step:
        """Give each callback (last first) what it needs from the flow and from earlier steps."""
        callback = step.callback
        nxt = callback.success.next
        needed: dict[str, ir.Ref] = {}
        # What the callback computes itself: its results and the values it reduces from them.
        own = {s.bind for s in callback.slots} | {"results"} | {r.name for r in callback.reductions}
        own |= {name for name, _ in callback.compute.returns} if callback.compute else set()
        if nxt is not None:
            nxt = self.carry_context(nxt, context)
            for ref in nxt.callback.params:
                if ref.name not in own:
                    needed[ref.name] = ref
            for ref in ir.step_refs(nxt):
                if ref.source not in ("result", "state", "item"):
                    needed[ref.name] = ref
        if step.fan_out is not None and step.fan_out.runtime:
            # The callback pairs each result with its item, and reads as many as there are.
            needed[step.fan_out.over.name] = step.fan_out.over
        exprs = [
            callback.log,
            callback.success.log,
            callback.success.value,
            callback.failure.log,
            callback.failure.value,
        ]
        exprs += [s.fallback.log for s in callback.slots if s.fallback]
        exprs += list(callback.compute.args) if callback.compute else []
        if nxt is not None and nxt.when is not None:  # checked here, before the next step
            when = nxt.when
            exprs += [when.expr, when.otherwise.log, when.otherwise.value]
        for expr in exprs:
            for ref in ir.refs_in(expr):
                if ref.source in ("param", "caller", "deposit", "previous") or (
                    ref.source == "result" and ref.name not in own
                ):
                    needed[ref.name] = ref
        if context.payable:
            needed["caller"] = ir.Ref("caller", ir.ACCOUNT_ID, "caller")
            needed["deposit"] = ir.Ref("deposit", ir.U128, "deposit")
        if context.lock_per_caller:  # whose lock the callback releases
            needed["caller"] = ir.Ref("caller", ir.ACCOUNT_ID, "caller")
        if context.rollback:
            for update in context.updates:
                if update.op == "set":
                    name = f"previous_{update.field.name}"
                    # A map entry's previous value is None when there was no entry.
                    type_ = ir.Type("Option", update.type) if update.key else update.field.type
                    needed[name] = ir.Ref(name, type_, "previous")
                else:
                    for ref in ir.refs_in(update.value):
                        if ref.source != "state":
                            needed[ref.name] = ref
                for ref in ir.refs_in(update.key):
                    if ref.source != "state":
                        needed[ref.name] = ref
        order = {"caller": 0, "deposit": 1, "param": 2, "previous": 3, "result": 4}
        params = tuple(sorted(needed.values(), key=lambda r: (order.get(r.source, 5), r.name)))
        success = replace(callback.success, next=nxt)
        return replace(step, callback=replace(callback, params=params, success=success))


class FlowContext:
    def __init__(
        self,
        flow: str,
        payable: bool,
        updates: tuple[ir.Update, ...],
        rollback: bool,
        lock_per_caller: bool = False,
    ):
        self.flow = flow
        self.payable = payable
        self.updates = updates
        self.rollback = rollback
        self.lock_per_caller = lock_per_caller
