"""Flows: each flow's updates, steps, calls, batches, fan-outs and callbacks, with their gas
and deposits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from xccgen import ir
from xccgen.ir.resolve.base import Problems, ResolverBase
from xccgen.ir.resolve.context import FlowContext
from xccgen.ir.resolve.values import PLACEHOLDER, Scope, expr_type
from xccgen.spec import model as m
from xccgen.spec.names import (
    did_you_mean,
    flow_module_problem,
)
from xccgen.spec.source import PathKey
from xccgen.units import MAX_GAS, parse_deposit, parse_gas


class FlowResolver(ResolverBase):
    def resolve_flow(self, name: str, flow: m.Flow) -> ir.Flow:
        path = ("flows", name)
        if not self.check_identifier(path, name, "flow"):
            raise Problems()
        module_problem = flow_module_problem(name)
        if module_problem:
            raise self.abort(path, module_problem)
        params = []
        for pname, ptype in flow.params.items():
            if self.check_identifier(path + ("params", pname), pname, "parameter"):
                params.append((pname, self.parse_type(path + ("params", pname), ptype)))
        scope = Scope()
        for pname, ptype in params:
            scope.add(ir.Ref(pname, ptype, "param"))
        scope.add(ir.Ref("caller", ir.ACCOUNT_ID, "caller"))
        if flow.payable:
            scope.add(ir.Ref("deposit", ir.U128, "deposit"))
        for field_ in self.state.values():
            scope.add(ir.Ref(field_.name, field_.type, "state"), weak=True)
        log = self.template(path + ("log",), flow.log, scope, log=True) if flow.log else None
        updates = [self.resolve_update(path, fname, u, scope) for fname, u in flow.update.items()]
        context = FlowContext(name, flow.payable, tuple(updates), flow.rollback == "auto")
        step = self.resolve_step(path, flow, scope, context, index=1)
        step = self.carry_context(step, context)
        resolved = ir.Flow(
            name=name,
            description=flow.description,
            params=tuple(params),
            payable=flow.payable,
            log=log,
            updates=tuple(updates),
            rollback=flow.rollback == "auto",
            lock=flow.lock,
            step=step,
            path=path,
        )
        return resolved

    def resolve_update(self, path: PathKey, fname: str, update: m.Update, scope: Scope):
        upath = path + ("update", fname)
        field_ = self.state.get(fname)
        if field_ is None:
            raise self.abort(upath, f"no state field {fname!r}{did_you_mean(fname, self.state)}")
        op = next(k for k in ("set", "add", "sub") if getattr(update, k) is not None)
        if op != "set" and not (field_.type.is_int or field_.type.is_big):
            raise self.abort(
                upath, f"`{op}` needs a numeric state field; {fname!r} is {field_.type.spec}"
            )
        value = self.value(upath + (op,), getattr(update, op), field_.type, scope)
        return ir.Update(field_, op, value)

    def resolve_step(self, path, step: m.Step, scope, context, index: int) -> ir.Step:
        then = step.then or m.Then()
        callback_name = f"{context.flow}_callback" + (f"_{index}" if index > 1 else "")
        if step.call is not None:
            calls = (self.resolve_call(path + ("call",), step.call, scope, single=True),)
            kind = "call"
        elif step.batch is not None:
            calls = self.resolve_batch(path + ("batch",), step.batch, scope)
            kind = "batch"
        elif step.parallel is not None:
            if len(step.parallel) < 2:
                raise self.abort(path + ("parallel",), "`parallel` joins two or more calls")
            calls = tuple(
                self.resolve_call(path + ("parallel", i), c, scope)
                for i, c in enumerate(step.parallel)
            )
            kind = "parallel"
        else:
            return self.resolve_fan_out(path, step, then, scope, context, callback_name, index)
        slots = self.slots(path, kind, calls)
        callback = self.resolve_then(
            path + ("then",), then, slots, scope, context, callback_name, index
        )
        return ir.Step(kind, calls, callback)

    def resolve_fan_out(self, path, step, then, scope, context, callback_name, index) -> ir.Step:
        fpath = path + ("fan_out",)
        fan = step.fan_out
        if not self.check_identifier(fpath + ("as",), fan.as_, "fan_out variable"):
            raise Problems()
        first = fan.over[0] if fan.over else ""  # an empty list is a finding of xccgen.checks
        item_type = (
            ir.Type("bool")
            if isinstance(first, bool)
            else (ir.Type("i64") if isinstance(first, int) else ir.STRING)
        )
        over = tuple(
            self.check_literal(fpath + ("over", i), v, item_type) for i, v in enumerate(fan.over)
        )
        inner = scope.child()
        inner.add(ir.Ref(fan.as_, item_type, "item"))
        if fan.batch is not None:
            calls = self.resolve_batch(fpath + ("batch",), fan.batch, inner)
        else:
            calls = (self.resolve_call(fpath + ("call",), fan.call, inner, single=True),)
        used = {r.name for c in calls for _, e in c.args for r in ir.refs_in(e)}
        if fan.as_ not in used:
            raise self.abort(
                fpath + ("as",),
                f"the fan_out item {fan.as_!r} is not used in any call, so every call would be "
                f"the same; pass it as an argument, e.g. {{{fan.as_}}}",
            )
        last = calls[-1]
        label = f"{last.external.name}.{last.method.name}"
        slots = tuple(
            ir.Slot(i, f"{fan.as_}_{i}", last.method.returns, label, False, None)
            for i in range(len(over))
        )
        if then.collect is None:
            raise self.abort(
                path + ("then", "collect"), "a fan_out callback needs `collect: <type>`"
            )
        # A `collect` type that differs from the method's return type is a finding of
        # xccgen.checks (XCC106), reported with the other safety checks.
        collect = self.parse_type(path + ("then", "collect"), then.collect)
        callback = self.resolve_then(
            path + ("then",), then, slots, scope, context, callback_name, index, collect=collect
        )
        fan_out = ir.FanOut(over, fan.as_, item_type, fpath)
        return ir.Step("fan_out", calls, callback, fan_out)

    def slots(self, path, kind: str, calls: Sequence[ir.Call]) -> tuple[ir.Slot, ...]:
        if kind in ("call", "batch"):
            last = calls[-1]
            label = f"{last.external.name}.{last.method.name}"
            return (ir.Slot(0, "result", last.method.returns, label, True, None),)
        slots = []
        for i, call in enumerate(calls):
            label = f"{call.external.name}.{call.method.name}"
            if not call.critical and call.fallback is None:
                self.fail(
                    path + ("parallel", i),
                    "say what happens when this call fails: `critical: true` (the flow fails and "
                    "rolls back) or `on_failure: {default: ...}` (use a default and go on)",
                )
            slots.append(
                ir.Slot(
                    i,
                    call.bind or f"result_{i}",
                    call.method.returns,
                    label,
                    call.critical,
                    call.fallback,
                )
            )
        names = [s.bind for s in slots]
        for i, name in enumerate(names):
            if names.index(name) != i:
                self.fail(path + ("parallel", i, "as"), f"result name {name!r} is used twice")
        return tuple(slots)

    def resolve_call(self, path, call: m.Call, scope: Scope, single: bool = False) -> ir.Call:
        target, _, method_name = call.call.partition(".")
        external = self.externals.get(target)
        if external is None:
            raise self.abort(
                path + ("call",),
                f"no external {target!r}{did_you_mean(target, self.externals)}; "
                "write `<external>.<method>`",
            )
        method = self.method(path + ("call",), external, method_name)
        args = self.call_args(path, method, call.args, scope)
        if call.as_ is not None:
            if not self.check_identifier(path + ("as",), call.as_, "result name"):
                raise Problems()
            if method.returns is None:
                raise self.abort(path + ("as",), f"{call.call} returns nothing to bind")
        fallback = None
        if call.on_failure is not None:
            if call.critical:
                raise self.abort(path + ("on_failure",), "a critical call has no fallback")
            default = call.on_failure.default
            if method.returns is not None and default is None and method.returns.name != "Option":
                raise self.abort(
                    path + ("on_failure", "default"),
                    f"needs a default {method.returns.spec} for when {call.call} fails",
                )
            default_lit = (
                self.check_literal(path + ("on_failure", "default"), default, method.returns)
                if method.returns is not None
                else ir.Lit(None, ir.STRING)
            )
            log = (
                self.template(path + ("on_failure", "log"), call.on_failure.log, scope, log=True)
                if call.on_failure.log
                else None
            )
            fallback = ir.Fallback(log, default_lit)
        if call.gas_weight is not None and not 0 < call.gas_weight < 2**64:
            # A weight is near-sdk's GasWeight(u64); 0 is the same as giving none.
            self.fail(
                path + ("gas_weight",),
                f"gas_weight is a whole number from 1 to 2^64 - 1, got {call.gas_weight}",
            )
        return ir.Call(
            external=external,
            method=method,
            args=args,
            gas=self.gas(path + ("gas",), call.gas),
            gas_weight=call.gas_weight,
            deposit=self.deposit(path + ("deposit",), call.deposit, method, scope),
            bind=call.as_,
            critical=call.critical or single,
            fallback=fallback,
            path=path,
        )

    def resolve_batch(self, path, batch: m.Batch, scope: Scope) -> tuple[ir.Call, ...]:
        external = self.externals.get(batch.target)
        if external is None:
            raise self.abort(
                path + ("target",),
                f"no external {batch.target!r}{did_you_mean(batch.target, self.externals)}",
            )
        if not batch.calls:
            raise self.abort(path + ("calls",), "a batch needs at least one call")
        calls = []
        for i, entry in enumerate(batch.calls):
            cpath = path + ("calls", i)
            if isinstance(entry, str):
                method_name, raw_args = entry, {}
            elif len(entry) == 1:
                method_name, raw_args = next(iter(entry.items()))
                raw_args = raw_args or {}
            else:
                raise self.abort(cpath, "each batch call is `method` or `{method: {arg: value}}`")
            method = self.method(cpath, external, method_name)
            calls.append(
                ir.Call(
                    external=external,
                    method=method,
                    args=self.call_args(cpath, method, raw_args, scope),
                    gas=self.gas(path + ("gas",), batch.gas),
                    gas_weight=None,
                    deposit=(
                        self.deposit(path + ("deposit",), batch.deposit, method, scope)
                        if i == 0
                        else 0
                    ),
                    bind=None,
                    critical=True,
                    fallback=None,
                    path=cpath,
                )
            )
        return tuple(calls)

    def method(self, path, external: ir.External, name: str) -> ir.Method:
        method = external.methods.get(name)
        if method is None:
            raise self.abort(
                path,
                f"external {external.name!r} has no method {name!r}"
                f"{did_you_mean(name, external.methods)}",
            )
        return method

    def call_args(self, path, method: ir.Method, raw: dict[str, Any], scope: Scope):
        declared = dict(method.args)
        out = []
        for arg in raw:
            if arg not in declared:
                self.fail(
                    path + ("args", arg),
                    f"{method.name} takes no argument {arg!r}{did_you_mean(arg, declared)}",
                )
        for arg, type_ in method.args:
            if arg in raw:
                try:
                    value = self.value(path + ("args", arg), raw[arg], type_, scope)
                except Problems:
                    continue
                # An optional argument written as null is left out, as if not written: both
                # targets then send the same JSON (a JS receiver tells null from absent).
                if not (isinstance(value, ir.Lit) and value.value is None):
                    out.append((arg, value))
            elif type_.name != "Option":
                self.fail(path, f"{method.name} needs argument {arg!r} ({type_.spec})")
        return tuple(out)

    def gas(self, path, value) -> int:
        if value is None:
            return self.defaults["gas"]
        try:
            gas = parse_gas(value)
        except ValueError as exc:
            raise self.abort(path, str(exc)) from None
        if gas == 0 or gas > MAX_GAS:
            raise self.abort(path, f"gas must be between 1 gas and 300 Tgas, got {value!r}")
        return gas

    def deposit(self, path, value, method: ir.Method, scope: Scope) -> int | str:
        if value is None:
            amount: int | str = self.defaults["deposit"]
        elif value == "attached":
            if scope.get("deposit") is None:
                raise self.abort(path, "`deposit: attached` needs a `payable: true` flow")
            amount = "attached"
        else:
            try:
                amount = parse_deposit(value)
            except ValueError as exc:
                raise self.abort(path, str(exc)) from None
        return amount

    def resolve_then(self, path, then: m.Then, slots, scope, context, name, index, collect=None):
        inner = scope.child()
        for slot in slots if collect is None else ():
            if slot.type is not None and not re.fullmatch(r"result_\d+", slot.bind):
                hidden = scope.get(slot.bind)
                if hidden is not None and hidden.source in ("param", "item", "result"):
                    what = {"param": "parameter", "item": "fan-out item", "result": "result"}
                    self.fail(
                        path,
                        f"the result name {slot.bind!r} hides the {what[hidden.source]} of that "
                        "name; give the call another `as:`",
                    )
                inner.add(ir.Ref(slot.bind, slot.type, "result"))
        if collect is not None:
            inner.add(ir.Ref("results", ir.Type("Vec", collect), "result"))
        if (
            then.return_ is not None
            and then.on_success is not None
            and then.on_success.return_ is not None
        ):
            raise self.abort(path + ("return",), "give `return` or `on_success.return`, not both")
        success_spec = then.on_success or m.Branch()
        success_value_raw = (
            success_spec.return_ if success_spec.return_ is not None else then.return_
        )
        success_path = path + (
            ("on_success", "return")
            if then.on_success and then.on_success.return_ is not None
            else ("return",)
        )
        next_step = None
        if then.next is not None:
            if success_value_raw is not None:
                raise self.abort(
                    path + ("next",), "a callback with `next` returns the next step's result"
                )
            next_step = self.resolve_step(path + ("next",), then.next, inner, context, index + 1)
            returns = next_step.callback.returns
            success_value = None
        else:
            success_value = (
                self.return_value(success_path, success_value_raw, inner)
                if success_value_raw is not None
                else None
            )
            returns = expr_type(success_value)
        success_log = (
            self.template(path + ("on_success", "log"), success_spec.log, inner, log=True)
            if success_spec.log
            else None
        )
        failure_spec = then.on_failure or m.Branch()
        failure_value = None
        can_fail = any(s.critical for s in slots) or (
            collect is not None and then.on_item_failure == "fail"
        )
        if failure_spec.return_ is not None:
            if returns is None:
                raise self.abort(
                    path + ("on_failure", "return"),
                    "on_success returns nothing, so on_failure cannot return a value",
                )
            failure_value = self.value(
                path + ("on_failure", "return"), failure_spec.return_, returns, inner
            )
        elif returns is not None and can_fail:
            raise self.abort(
                path + ("on_failure",),
                f"on_failure needs `return: <{returns.spec}>`: the flow returns a value on success",
            )
        failure_log = (
            self.template(path + ("on_failure", "log"), failure_spec.log, inner, log=True)
            if failure_spec.log
            else None
        )
        log = None
        if then.log:
            results = {s.bind for s in slots} | ({"results"} if collect is not None else set())
            early = [n for n in PLACEHOLDER.findall(then.log) if n in results]
            if early:
                raise self.abort(
                    path + ("log",),
                    f"`then.log` is written before any result is read, so it cannot use "
                    f"{{{early[0]}}}; log it in `on_success.log` instead",
                )
            log = self.template(path + ("log",), then.log, scope, log=True)
        return ir.Callback(
            name=name,
            gas=self.callback_gas(path + ("gas",), then.gas),
            log=log,
            params=(),
            slots=tuple(slots),
            success=ir.Branch(success_log, success_value, next_step),
            failure=ir.Branch(failure_log, failure_value),
            returns=returns,
            collect=collect,
            skip_failed_items=then.on_item_failure == "skip",
            path=path,
        )

    def callback_gas(self, path, value) -> int:
        if value is None:
            return self.defaults["callback_gas"]
        return self.gas(path, value)
