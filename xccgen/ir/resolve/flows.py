"""Flows: each flow's updates, steps, calls, batches, fan-outs and callbacks, with their gas
and deposits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from xccgen import ir
from xccgen.ir.resolve.base import Problems, ResolverBase
from xccgen.ir.resolve.context import FlowContext
from xccgen.ir.resolve.values import PLACEHOLDER, Scope, expr_type
from xccgen.spec import model as m
from xccgen.spec.names import (
    account_id_problem,
    did_you_mean,
    flow_module_problem,
)
from xccgen.spec.source import PathKey, format_path
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
            if not field_.is_collection:  # read by entry or page, never as a whole value
                scope.add(ir.Ref(field_.name, field_.type, "state"), weak=True)
        log = self.template(path + ("log",), flow.log, scope, log=True) if flow.log else None
        if flow.when is not None or flow.otherwise is not None:
            self.fail(
                path + ("when" if flow.when is not None else "otherwise",),
                "`when:` is for a later step (under `then.next`), checked on the results before "
                "it; a flow's own conditions go in `require:`",
            )
        access = self.resolve_access(path + ("access",), name, flow.access)
        before = None
        if flow.before is not None:
            before = self.resolve_hook(path + ("before",), flow.before, scope, "before", name)
        requires = self.resolve_requires(path, name, flow, scope)
        updates = [self.resolve_update(path, fname, u, scope) for fname, u in flow.update.items()]
        seen: set[str] = set()
        for update, target in zip(updates, flow.update, strict=True):
            if update.field.name in seen:
                # Its rollback keeps one previous value per field.
                self.fail(
                    path + ("update", target),
                    f"{update.field.name!r} is updated twice; a flow updates each field once",
                )
            seen.add(update.field.name)
        context = FlowContext(
            name, flow.payable, tuple(updates), flow.rollback == "auto", flow.lock == "caller"
        )
        if flow.call or flow.batch or flow.parallel or flow.fan_out:
            step = self.resolve_step(path, flow, scope, context, index=1)
            self.check_later_targets(step)
            step = self.carry_context(step, context)
        else:
            step = None
            self.check_without_calls(path, flow, updates)
        resolved = ir.Flow(
            name=name,
            description=flow.description,
            params=tuple(params),
            payable=flow.payable,
            log=log,
            updates=tuple(updates),
            rollback=flow.rollback == "auto",
            lock=flow.lock is not False,
            step=step,
            path=path,
            lock_per_caller=flow.lock == "caller",
            requires=requires,
            storage_by_caller=flow.storage == "caller",
            access=access,
            before=before,
        )
        if resolved.storage_by_caller and step is not None:
            self.check_storage_by_caller(path, resolved)
        return resolved

    def resolve_access(self, path, name: str, raw) -> ir.Access | None:
        """`access: owner`, or a list of `owner`, account ids and `{field}`s (an AccountId state
        field, or a Map keyed by AccountId: an account is allowed when it has an entry)."""
        if raw is None:
            return None
        entries = ["owner"] if raw == "owner" else raw
        if not entries:
            raise self.abort(path, "`access: []` lets nobody call the flow; list who may")
        owner, accounts, fields = False, [], []
        for index, entry in enumerate(entries):
            epath = path if raw == "owner" else path + (index,)
            if entries.index(entry) != index:
                self.fail(epath, f"{entry!r} is listed twice")
                continue
            field_name = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", entry)
            if entry == "owner":
                field_ = self.state.get("owner")
                if field_ is None or field_.type != ir.ACCOUNT_ID:
                    self.fail(
                        epath,
                        "`owner` is the state field `owner`, an AccountId set at init: add "
                        "`owner: {type: AccountId}` to contract.state and to init.params",
                    )
                owner = True
            elif field_name is not None:
                field_ = self.state.get(field_name.group(1))
                if field_ is None:
                    self.fail(
                        epath,
                        f"no state field {field_name.group(1)!r}"
                        + did_you_mean(field_name.group(1), self.state),
                    )
                    continue
                by_account = field_.is_map and field_.type.key == ir.ACCOUNT_ID
                if field_.type != ir.ACCOUNT_ID and not (
                    by_account and field_.type.value.name != "Option"
                ):
                    self.fail(
                        epath,
                        f"{{{field_.name}}} is {field_.type.spec}; access names an AccountId "
                        "field, or a Map keyed by AccountId (whose keys may call)",
                    )
                    continue
                fields.append(field_)
            else:
                problem = account_id_problem(entry)
                if problem:
                    self.fail(
                        epath,
                        f"{problem}; an access entry is `owner`, an account id, or "
                        '"{field}" of state',
                    )
                    continue
                accounts.append(entry)
        return ir.Access(owner, tuple(accounts), tuple(fields), name, path)

    def resolve_hook(self, path, hook: m.Hook, scope: Scope, kind: str, flow: str) -> ir.Hook:
        """`before:` / `compute:`: a function of the team's, over named values in scope; what
        it returns is added to `scope` under its names."""
        if not self.check_identifier(path + ("hook",), hook.hook, "hook"):
            raise Problems()
        earlier = self.hook_paths.get(hook.hook)
        if earlier is not None:
            raise self.abort(
                path + ("hook",),
                f"hook {hook.hook!r} is already used at {format_path(earlier)}; each hook is "
                "one function of src/hooks.rs and src/hooks.ts, so give this one another name",
            )
        self.hook_paths[hook.hook] = path
        args = []
        for index, arg in enumerate(hook.args):
            if hook.args.index(arg) != index:
                self.fail(path + ("args", index), f"{arg!r} is passed twice")
                continue
            try:
                args.append(self.lookup(path + ("args", index), arg, scope))
            except Problems:
                continue
        if not hook.returns:
            raise self.abort(
                path + ("returns",),
                "a hook gives back at least one named value, e.g. `returns: {min_out: U128}`",
            )
        returns = []
        for rname, rtype in hook.returns.items():
            rpath = path + ("returns", rname)
            if not self.check_identifier(rpath, rname, "hook value"):
                continue
            hidden = scope.get(rname)
            if hidden is not None and hidden.source != "state":
                self.fail(
                    rpath, f"{rname!r} is already a value here; name the hook's value otherwise"
                )
                continue
            returns.append((rname, self.parse_type(rpath, rtype)))
        resolved = ir.Hook(hook.hook, kind, tuple(args), tuple(returns), flow, path)
        for ref in resolved.refs:
            scope.add(ref)
        return resolved

    def resolve_requires(self, path, name: str, flow: m.Flow, scope: Scope):
        """`require:`: each condition typed over the flow's values; its message, or one that
        quotes the condition."""
        out = []
        for index, entry in enumerate(flow.require):
            rpath = path + ("require", index)
            text = entry if isinstance(entry, str) else entry.if_
            message = None if isinstance(entry, str) else entry.else_
            try:
                condition = self.condition(
                    rpath if isinstance(entry, str) else rpath + ("if",), text, scope
                )
            except Problems:
                continue
            if message is None:
                message = f"{name}: requirement failed: {text}"
            out.append(ir.Requirement(condition, message, rpath))
        return tuple(out)

    def check_without_calls(self, path, flow: m.Flow, updates) -> None:
        """A flow without calls is a plain method: it checks, then changes state, at once."""
        if not updates:
            self.fail(
                path,
                "a flow without a step (`call`, `batch`, `parallel` or `fan_out`) only updates "
                "state, and this one has no `update:`; add one, or a step",
            )
        if flow.payable:
            self.fail(
                path + ("payable",),
                "a flow without calls has nothing to pay for, and would keep the deposit; drop "
                "`payable: true`",
            )
        if flow.lock is not False:
            self.fail(
                path + ("lock",),
                "a flow without calls finishes at once, so nothing is pending; drop `lock`",
            )
        if flow.storage == "caller":
            self.fail(
                path + ("storage",),
                "`storage: caller` pays from the attached deposit, which a flow without calls "
                "does not take",
            )

    def check_storage_by_caller(self, path, flow: ir.Flow) -> None:
        """`storage: caller`: the deposit pays for storage only, and is known after the updates."""
        spath = path + ("storage",)
        if not flow.payable:
            self.fail(
                spath, "`storage: caller` pays from the attached deposit: add `payable: true`"
            )
        if not flow.updates:
            self.fail(
                spath, "`storage: caller` pays for what the updates store, and there are none"
            )
        for step in flow.steps():
            for call in step.calls:
                if call.deposit == "attached":
                    self.fail(
                        call.path + ("deposit",),
                        "with `storage: caller` the attached deposit pays for storage, so no call "
                        "forwards it; attach a fixed amount, or drop `storage: caller`",
                    )
        if "deposit" in {r.name for r in ir.method_refs(flow)}:
            self.fail(
                spath,
                "with `storage: caller`, {deposit} is what the storage costs, known only after "
                "the updates; the flow's `require`, `log` and `update` cannot use it",
            )

    def check_later_targets(self, first: ir.Step) -> None:
        """A map entry as a target is read when the flow starts; a callback must not fail on a
        missing one (its state changes and the deposit would be lost)."""
        step = first.callback.success.next
        while step is not None:
            for call in step.calls:
                if isinstance(call.account, ir.MapEntry):
                    self.fail(
                        call.path + ("account",),
                        "a map entry names a target only in the flow's first step, where a "
                        "missing entry rejects the call; pass it on as a value instead",
                    )
            step = step.callback.success.next

    def resolve_update(self, path: PathKey, target: str, update: m.Update, scope: Scope):
        """`count: {add: 1}`, or of one entry of a Map field: `balances[{caller}]: {add: ...}`."""
        upath = path + ("update", target)
        entry = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]", target.strip())
        fname = entry.group(1) if entry else target
        field_ = self.state.get(fname)
        if field_ is None:
            raise self.abort(upath, f"no state field {fname!r}{did_you_mean(fname, self.state)}")
        key = None
        if field_.type.is_list:
            raise self.abort(upath, f"{fname!r} is a List, which a flow reads but does not update")
        if field_.is_map:
            if entry is None:
                raise self.abort(
                    upath, f"{fname!r} is a Map: update one entry, e.g. `{fname}[{{caller}}]`"
                )
            raw_key: str | int = entry.group(2).strip()
            if len(raw_key) >= 2 and raw_key[0] == raw_key[-1] and raw_key[0] in "\"'":
                raw_key = raw_key[1:-1]
            elif field_.type.key.is_int and re.fullmatch(r"-?[0-9]+", raw_key):
                raw_key = int(raw_key)  # `hits[5]`: a number key written as a number
            key = self.value(upath, raw_key, field_.type.key, scope)
        elif entry is not None:
            raise self.abort(upath, f"{fname!r} is not a Map; update it as `{fname}`")
        op = next(k for k in ("set", "add", "sub") if getattr(update, k) is not None)
        value_type = field_.type.value if field_.is_map else field_.type
        if op != "set" and not (value_type.is_int or value_type.is_big):
            raise self.abort(
                upath, f"`{op}` needs a numeric state field; {fname!r} is {field_.type.spec}"
            )
        if op != "set" and field_.is_map and field_.default is None:
            raise self.abort(
                upath,
                f"`{op}` on a missing entry needs a start value: give {fname!r} a "
                f'`default:` (e.g. default: "0")',
            )
        value = self.value(upath + (op,), getattr(update, op), value_type, scope)
        key_type = field_.type.key if field_.is_map else None
        for expr, target, where in ((value, value_type, upath + (op,)), (key, key_type, upath)):
            if isinstance(expr, ir.Ref) and expr.type == ir.STRING and target == ir.ACCOUNT_ID:
                raise self.abort(
                    where,
                    f"{{{expr.name}}} is text, which nothing checks is an account id; "
                    "declare it AccountId",
                )
        return ir.Update(field_, op, value, key)

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
        over, item_type, from_state = self.fan_out_list(fpath, fan, scope)
        inner = scope.child()
        inner.add(ir.Ref(fan.as_, item_type, "item"))
        if fan.batch is not None:
            calls = self.resolve_batch(fpath + ("batch",), fan.batch, inner)
        else:
            calls = (self.resolve_call(fpath + ("call",), fan.call, inner, single=True),)
        used = {r.name for r in ir.step_refs(ir.Step("fan_out", calls, None))}
        if fan.as_ not in used:
            raise self.abort(
                fpath + ("as",),
                f"the fan_out item {fan.as_!r} is not used in any call, so every call would be "
                f"the same; pass it as an argument, e.g. {{{fan.as_}}}, or make it the target: "
                f'`account: "{{{fan.as_}}}"`',
            )
        last = calls[-1]
        label = f"{last.external.name}.{last.method.name}"
        # A run-time list has one slot per item too; the callback reads as many as it sent.
        count = fan.max if isinstance(over, ir.Ref) else len(over)
        slots = tuple(
            ir.Slot(i, f"{fan.as_}_{i}", last.method.returns, label, False, None)
            for i in range(count)
        )
        if then.collect is None:
            raise self.abort(
                path + ("then", "collect"), "a fan_out callback needs `collect: <type>`"
            )
        # A `collect` type that differs from the method's return type is a finding of
        # xccgen.checks (XCC106), reported with the other safety checks.
        collect = self.parse_type(path + ("then", "collect"), then.collect)
        fan_out = ir.FanOut(over, fan.as_, item_type, fpath, fan.max, from_state)
        callback = self.resolve_then(
            path + ("then",),
            then,
            slots,
            scope,
            context,
            callback_name,
            index,
            fan_out=fan_out,
            collect=collect,
        )
        return ir.Step("fan_out", calls, callback, fan_out)

    def fan_out_list(self, path, fan: m.FanOut, scope: Scope):
        """`over:` as literals of one type, or a Vec parameter's `Ref`; and the item type."""
        if isinstance(fan.over, str):
            whole = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", fan.over)
            if whole is None:
                raise self.abort(
                    path + ("over",),
                    f"`over:` is a list of items, or the name of a Vec parameter or of a List "
                    f'state field, e.g. "{{pools}}"; got {fan.over!r}',
                )
            name = whole.group(1)
            field_ = self.state.get(name)
            from_state = None
            if field_ is not None and field_.type.is_list and scope.get(name) is None:
                # The flow copies the list when it starts; the callback gets that copy.
                ref, from_state = ir.Ref(name, ir.Type("Vec", field_.type.item), "param"), field_
            else:
                ref = self.lookup(path + ("over",), name, scope)
            if ref.type.name != "Vec" or ref.source != "param":
                raise self.abort(
                    path + ("over",),
                    f"{{{ref.name}}} is {ref.type.spec} ({ref.source}); a run-time fan_out goes "
                    "over a Vec parameter of the flow",
                )
            if fan.max is None:
                raise self.abort(
                    path + ("over",),
                    f"a fan_out over {{{ref.name}}} needs `max: <n>`: the most items a caller may "
                    "pass, which the gas checks count",
                )
            if fan.max < 1:  # an oversized bound is a finding of xccgen.checks (XCC109)
                raise self.abort(path + ("max",), f"`max` is at least 1, got {fan.max}")
            return ref, ref.type.item, from_state
        if fan.max is not None:
            raise self.abort(path + ("max",), "`max` bounds a run-time list; this one is literal")
        first = fan.over[0] if fan.over else ""  # an empty list is a finding of xccgen.checks
        item_type = (
            ir.Type("bool")
            if isinstance(first, bool)
            else (ir.Type("i64") if isinstance(first, int) else ir.STRING)
        )
        over = tuple(
            self.check_literal(path + ("over", i), v, item_type) for i, v in enumerate(fan.over)
        )
        return over, item_type, None

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
        account = self.call_account(path, external, call.account, scope)
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
            account=account,
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
        account = self.call_account(path, external, batch.account, scope)
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
                    account=account,
                )
            )
        return tuple(calls)

    def call_account(self, path, external: ir.External, raw: str | None, scope: Scope):
        """A call's own target, `account: "{pool}"`: an AccountId value in scope (a parameter,
        the fan-out item, a reduced result, a state field), an AccountId field of one
        (`{pool.account}`), or a Map field's entry (`{routes[token]}`); None: the external's."""
        if raw is None:
            if external.account is None:
                raise self.abort(
                    path,
                    f"external {external.name!r} has no fixed account, so the call needs "
                    '`account: "{name}"` naming an AccountId value (a parameter, the fan-out '
                    "item, a reduced result)",
                )
            return None
        apath = path + ("account",)
        form = re.fullmatch(
            r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
            r"(?:\.(?P<field>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<key>[^\[\]]+)\])?\}",
            raw,
        )
        if form is None:
            raise self.abort(
                apath,
                f'`account:` names the value that holds the target, e.g. "{{pool}}", '
                f'"{{pool.account}}" or "{{routes[token]}}"; got {raw!r} (a fixed account goes '
                "on the external)",
            )
        name = form["name"]
        if form["key"] is not None:
            target = self.map_entry_target(apath, name, form["key"].strip(), scope)
        else:
            base = self.lookup(apath, name, scope)
            target = base
            if form["field"] is not None:
                struct = self.structs.get(base.type.name)
                fields = dict(struct.fields) if struct else {}
                if form["field"] not in fields:
                    raise self.abort(
                        apath,
                        f"{{{name}}} is {base.type.spec}, which has no field {form['field']!r}"
                        + did_you_mean(form["field"], fields),
                    )
                target = ir.FieldOf(base, form["field"], fields[form["field"]])
        if target.type != ir.ACCOUNT_ID:
            raise self.abort(
                apath,
                f"{raw} is {target.type.spec}; a call's target must be an AccountId",
            )
        return target

    def map_entry_target(self, path, name: str, raw_key: str, scope: Scope) -> ir.MapEntry:
        """`{routes[token]}`: the entry of a key (a value in scope, or a literal) in a Map."""
        field_ = self.state.get(name)
        if field_ is None or not field_.is_map:
            raise self.abort(path, f"{name!r} is not a Map field, so it has no entries to read")
        if len(raw_key) >= 2 and raw_key[0] == raw_key[-1] and raw_key[0] in "\"'":
            raw_key = raw_key[1:-1]
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", raw_key):
            raw_key = "{" + raw_key + "}"
        key = self.value(path, raw_key, field_.type.key, scope)
        return ir.MapEntry(field_, key, field_.type.value)

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

    def resolve_then(
        self, path, then: m.Then, slots, scope, context, name, index, fan_out=None, collect=None
    ):
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
        item_failure, item_default = self.item_failure(path, then, collect)
        reductions = self.resolve_reductions(path, then, inner, fan_out, collect)
        compute = None
        if then.compute is not None:
            compute = self.resolve_hook(
                path + ("compute",), then.compute, inner, "compute", context.flow
            )
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
            if then.next.when is not None:
                when = self.resolve_when(path + ("next",), then.next, inner, returns, context)
                next_step = replace(next_step, when=when)
            elif then.next.otherwise is not None:
                self.fail(
                    path + ("next", "otherwise"),
                    "`otherwise:` says what happens when `when:` does not hold; add the `when:`",
                )
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
        can_fail = ir.can_fail(slots, collect, item_failure, reductions, compute is not None)
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
        callback = ir.Callback(
            name=name,
            gas=self.callback_gas(path + ("gas",), then.gas),
            log=log,
            params=(),
            slots=tuple(slots),
            success=ir.Branch(success_log, success_value, next_step),
            failure=ir.Branch(failure_log, failure_value),
            returns=returns,
            collect=collect,
            item_failure=item_failure,
            item_default=item_default,
            reductions=reductions,
            path=path,
            compute=compute,
        )
        for reduction in reductions:
            if not ir.success_reads(callback, reduction.name):
                self.fail(
                    reduction.path,
                    f"the reduced value {reduction.name!r} is never used; use it in the success "
                    "branch (`return`, `log`, `next`) or leave it out",
                )
        return callback

    def resolve_when(self, path, step: m.Step, scope: Scope, returns, context) -> ir.Condition:
        """`when:` on a later step: a condition over the previous callback's values, and its
        `otherwise:` branch (log and value; the failure path's rollback and refund)."""
        expr = self.condition(path + ("when",), step.when, scope)
        otherwise = step.otherwise or m.Branch()
        value = None
        if otherwise.return_ is not None:
            if returns is None:
                raise self.abort(
                    path + ("otherwise", "return"),
                    "the flow returns nothing, so `otherwise` cannot return a value",
                )
            value = self.value(path + ("otherwise", "return"), otherwise.return_, returns, scope)
        elif returns is not None:
            raise self.abort(
                path + ("otherwise",),
                f"`otherwise:` needs `return: <{returns.spec}>`: what the flow returns when "
                f"`{step.when}` does not hold",
            )
        if otherwise.log:
            log = self.template(path + ("otherwise", "log"), otherwise.log, scope, log=True)
        else:
            log = ir.Interp((f"{context.flow}: condition failed: {step.when}",))
        return ir.Condition(expr, step.when, ir.Branch(log, value), path + ("when",))

    def item_failure(self, path, then: m.Then, collect: ir.Type | None):
        """A fan-out's `on_item_failure`: skip, fail, or `{default: value}`."""
        policy = then.on_item_failure
        if collect is None:
            if policy != "skip":
                raise self.abort(
                    path + ("on_item_failure",), "`on_item_failure` is for fan_out results"
                )
            return "skip", None
        if isinstance(policy, m.ItemDefault):
            default = self.check_literal(
                path + ("on_item_failure", "default"), policy.default, collect
            )
            return "default", default
        return policy, None

    def resolve_reductions(self, path, then: m.Then, scope: Scope, fan_out, collect):
        """`reduce: {best: {argmax: results}}`: each value is added to `scope` by its name."""
        out = []
        for name, reducer in then.reduce.items():
            rpath = path + ("reduce", name)
            if not self.check_identifier(rpath, name, "reduced value"):
                continue
            if scope.get(name) is not None and scope.get(name).source != "state":
                self.fail(
                    rpath, f"{name!r} is already a value here; give the reduced value another name"
                )
                continue
            try:
                reduction = self.reduction(rpath, name, reducer, scope, fan_out, collect)
            except Problems:
                continue
            out.append(reduction)
            scope.add(reduction.ref)
        return tuple(out)

    def reduction(self, path, name, reducer: m.Reducer, scope: Scope, fan_out, collect):
        op, raw = reducer.op, reducer.source
        opath = path + (op,)
        field = None
        if isinstance(raw, list):
            if not raw:
                raise self.abort(opath, f"`{op}` needs at least one value")
            sources = tuple(self.lookup(opath + (i,), n, scope) for i, n in enumerate(raw))
            types = {ref.type for ref in sources}
            if len(types) > 1:
                raise self.abort(
                    opath,
                    f"`{op}` reduces values of one type; got "
                    + ", ".join(sorted(t.spec for t in types)),
                )
            key_type = sources[0].type
        else:
            base, dot, field_name = raw.partition(".")
            if base != "results" or collect is None:
                raise self.abort(
                    opath,
                    f"`{op}: {raw}` reduces `results` (a fan_out's), `results.<field>`, or a list "
                    "of result names: `[a, b]`",
                )
            sources = (scope.get("results"),)
            key_type = collect
            if dot:
                struct = self.structs.get(collect.name)
                fields = dict(struct.fields) if struct else {}
                if field_name not in fields:
                    raise self.abort(
                        opath,
                        f"{collect.spec} has no field {field_name!r}"
                        + did_you_mean(field_name, fields),
                    )
                field, key_type = field_name, fields[field_name]
        numeric = key_type.is_int or key_type.is_big
        if op in ("sum", "min", "max", "argmin", "argmax") and not numeric:
            raise self.abort(opath, f"`{op}` needs numbers; {raw} is {key_type.spec}")
        if op in ("all", "any") and key_type != ir.BOOL:
            raise self.abort(opath, f"`{op}` needs true/false values; {raw} is {key_type.spec}")
        if op in ("argmin", "argmax"):
            type_ = fan_out.type  # the item whose result is smallest or largest
        elif op == "count":
            type_ = ir.Type("u32")
        elif op in ("all", "any"):
            type_ = ir.BOOL
        else:
            type_ = key_type
        return ir.Reduction(name, op, sources, field, type_, key_type, path)

    def callback_gas(self, path, value) -> int:
        if value is None:
            return self.defaults["callback_gas"]
        return self.gas(path, value)
