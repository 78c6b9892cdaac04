"""Spec model -> IR: resolve every reference, type-check every literal, collect every problem.

Problems are collected rather than raised one at a time, so a user sees all of them in one run,
each as `file:line path: message`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from xccgen import ir
from xccgen.errors import SpecError
from xccgen.spec import model as m
from xccgen.spec.names import (
    account_id_problem,
    did_you_mean,
    identifier_problem,
    rust_field_name,
    type_name_problem,
    wire_name_problem,
)
from xccgen.spec.source import PathKey, Source
from xccgen.units import MAX_GAS, parse_deposit, parse_gas

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
TYPE_TOKEN = re.compile(r"^(Vec<(?P<vec>.+)>|Option<(?P<opt>.+)>|(?P<opt2>.+)\?|(?P<name>\w+))$")


class Problems(Exception):
    """Raised internally to abandon one part of the spec after recording why."""


class Resolver:
    def __init__(self, spec: m.Spec, source: Source):
        self.spec = spec
        self.source = source
        self.problems: list[str] = []
        self.structs: dict[str, ir.Struct] = {}
        self.state: dict[str, ir.StateField] = {}
        self.externals: dict[str, ir.External] = {}

    # ------------------------------------------------------------------------------ reporting

    def fail(self, path: PathKey, message: str) -> None:
        self.problems.append(self.source.error(path, message))

    def abort(self, path: PathKey, message: str) -> Problems:
        self.fail(path, message)
        return Problems()

    def check_identifier(self, path: PathKey, name: str, what: str) -> bool:
        problem = identifier_problem(name, what)
        if problem:
            self.fail(path, problem)
        return problem is None

    def check_wire_name(self, path: PathKey, name: str, what: str) -> None:
        problem = wire_name_problem(name, what)
        if problem:
            self.fail(path, problem)

    # ---------------------------------------------------------------------------------- entry

    def resolve(self, spec_name: str) -> ir.Contract:
        spec = self.spec
        contract = spec.contract
        if not re.match(r"^[a-z][a-z0-9_]*$", contract.name):
            self.fail(("contract", "name"), f"contract name {contract.name!r} must be snake_case")
        for name, fields in spec.types.items():
            self.declare_struct(name, fields)
        for name, fields in spec.types.items():
            self.resolve_struct(name, fields)
        self.resolve_recursion()
        for name, field_spec in contract.state.items():
            self.resolve_state_field(name, field_spec)
        init = self.resolve_init(contract.init)
        for name, external in spec.externals.items():
            self.resolve_external(name, external)
        self.defaults = self.resolve_defaults(spec.defaults)
        flows = []
        method_names = {init.name: ("contract", "init")} if init else {}
        for field_name, f in self.state.items():
            if f.view:
                method_names[f"get_{field_name}"] = ("contract", "state", field_name)
        for name, flow in spec.flows.items():
            try:
                resolved = self.resolve_flow(name, flow)
            except Problems:
                continue
            if resolved.lock and resolved.lock_field in self.state:
                self.fail(
                    ("flows", name, "lock"),
                    f"`lock: true` keeps its flag in a field {resolved.lock_field!r}, "
                    "which the state already has; rename that field",
                )
            methods = [resolved.name] + [s.callback.name for s in resolved.steps()]
            methods += [f"is_{resolved.lock_field}"] if resolved.lock else []
            for method in methods:
                if method in method_names:
                    self.fail(
                        ("flows", name),
                        f"method name {method!r} is already used at "
                        f"{'.'.join(map(str, method_names[method]))}",
                    )
                method_names[method] = ("flows", name)
            flows.append(resolved)
        for field_name in self.state:
            if field_name in method_names:  # a TypeScript class cannot have both
                self.fail(
                    ("contract", "state", field_name),
                    f"state field {field_name!r} has the name of a method; rename one of them",
                )
        if not spec.flows:
            self.fail(("flows",), "a contract needs at least one flow")
        if self.problems:
            raise SpecError(self.problems)
        return ir.Contract(
            name=contract.name,
            spec_name=spec_name,
            description=contract.description,
            state=tuple(self.state.values()),
            init=init,
            structs=tuple(self.structs.values()),
            externals=tuple(self.externals.values()),
            flows=tuple(flows),
            scenarios=tuple(spec.scenarios),
        )

    # ---------------------------------------------------------------------------------- types

    def declare_struct(self, name: str, fields: dict[str, str]) -> None:
        problem = type_name_problem(name)
        if problem:
            self.fail(("types", name), problem)
        self.structs[name] = ir.Struct(name, ())

    def resolve_struct(self, name: str, fields: dict[str, str]) -> None:
        resolved = []
        if not fields:
            self.fail(("types", name), "a type needs at least one field")
        rust_fields: dict[str, str] = {}
        for field_name, type_text in fields.items():
            path = ("types", name, field_name)
            self.check_wire_name(path, field_name, "field")
            rust_field = rust_field_name(field_name)
            if rust_field in rust_fields:
                self.fail(
                    path,
                    f"fields {rust_fields[rust_field]!r} and {field_name!r} would both be the "
                    f"Rust field `{rust_field}`; xccgen cannot generate both, so leave one out",
                )
            rust_fields.setdefault(rust_field, field_name)
            try:
                resolved.append((field_name, self.parse_type(path, type_text)))
            except Problems:
                pass
        self.structs[name] = ir.Struct(name, tuple(resolved))

    def resolve_recursion(self) -> None:
        """A type may contain itself through a `Vec` (any length, even 0) or an optional field
        (null ends it; Rust boxes it), never directly: such a value would never end."""

        def inline(t: ir.Type) -> tuple[str | None, bool]:
            """(struct the field holds in place, whether through `?`)"""
            if t.name == "Option" and t.item.is_struct:
                return t.item.name, True
            return (t.name, False) if t.is_struct else (None, False)

        def reaches(start: str, goal: str, optional_ok: bool) -> bool:
            seen, todo = set(), [start]
            while todo:
                name = todo.pop()
                if name == goal:
                    return True
                if name in seen or name not in self.structs:
                    continue
                seen.add(name)
                for _, field_type in self.structs[name].fields:
                    child, optional = inline(field_type)
                    if child and (optional_ok or not optional):
                        todo.append(child)
            return False

        for name, struct in list(self.structs.items()):
            boxed = set()
            for field_name, field_type in struct.fields:
                child, optional = inline(field_type)
                if child and not optional and reaches(child, name, optional_ok=False):
                    self.fail(
                        ("types", name, field_name),
                        f"type {name!r} contains itself through {field_name!r} with nothing "
                        "to end it; make the field optional (`?`) or a `Vec`",
                    )
                elif child and optional and reaches(child, name, optional_ok=True):
                    boxed.add(field_name)
            self.structs[name] = replace(struct, boxed=frozenset(boxed))

    def parse_type(self, path: PathKey, text: str) -> ir.Type:
        text = text.strip()
        match = TYPE_TOKEN.match(text)
        if not match:
            raise self.abort(path, f"cannot read type {text!r}")
        if match.group("vec"):
            return ir.Type("Vec", self.parse_type(path, match.group("vec")))
        inner = match.group("opt") or match.group("opt2")
        if inner:
            item = self.parse_type(path, inner)
            if item.name == "Option":
                raise self.abort(path, f"type {text!r} nests optionals; use one `?`")
            return ir.Type("Option", item)
        name = match.group("name")
        if name in ir.SCALARS or name in self.structs:
            return ir.Type(name)
        aliases = {"String": "string", "str": "string", "boolean": "bool", "u128": "U128"}
        hint = f" (did you mean {aliases[name]!r}?)" if name in aliases else ""
        hint = hint or did_you_mean(name, [*ir.SCALARS, *self.structs])
        raise self.abort(
            path,
            f"unknown type {name!r}{hint}; use one of {', '.join(ir.SCALARS)}, Vec<T>, T? "
            "or a name declared under `types:`",
        )

    def check_literal(self, path: PathKey, value: Any, type_: ir.Type) -> ir.Lit:
        problem = literal_problem(value, type_, self.structs)
        if problem:
            raise self.abort(path, problem)
        return ir.Lit(value, type_)

    # ---------------------------------------------------------------------------- contract

    def resolve_state_field(self, name: str, field_spec: m.StateField) -> None:
        path = ("contract", "state", name)
        if not self.check_identifier(path, name, "state field"):
            return
        try:
            type_ = self.parse_type(path + ("type",), field_spec.type)
            default = None
            if field_spec.default is not None:
                default = self.check_literal(path + ("default",), field_spec.default, type_)
            elif type_.name == "Option":
                default = ir.Lit(None, type_)
        except Problems:
            return
        self.state[name] = ir.StateField(
            name, type_, default, field_spec.description, field_spec.view
        )

    def resolve_init(self, init: m.Init | None) -> ir.Init | None:
        if init is None:
            missing = [f.name for f in self.state.values() if f.default is None]
            if missing:
                self.fail(
                    ("contract", "state", missing[0]),
                    "has no default, so the contract needs `init:` with it among its params",
                )
            return None
        path = ("contract", "init")
        self.check_identifier(path + ("name",), init.name, "init method")
        params = []
        for index, param in enumerate(init.params):
            if param not in self.state:
                self.fail(
                    path + ("params", index),
                    f"init param {param!r} is not a state field{did_you_mean(param, self.state)}",
                )
            else:
                params.append(self.state[param])
        if len(set(init.params)) != len(init.params):
            self.fail(path + ("params",), "init params must not repeat")
        for f in self.state.values():
            if f.default is None and f.name not in init.params:
                self.fail(
                    ("contract", "state", f.name),
                    f"state field {f.name!r} has no default and is not an init param",
                )
        return ir.Init(init.name, init.private, tuple(params))

    def resolve_external(self, name: str, external: m.External) -> None:
        path = ("externals", name)
        if not self.check_identifier(path, name, "external"):
            return
        account: ir.StateField | str
        if external.account.startswith("state."):
            field_name = external.account[len("state.") :]
            field_ = self.state.get(field_name)
            if field_ is None:
                self.fail(
                    path + ("account",),
                    f"no state field {field_name!r}{did_you_mean(field_name, self.state)}",
                )
                return
            if field_.type != ir.ACCOUNT_ID:
                self.fail(path + ("account",), f"state field {field_name!r} must be AccountId")
                return
            account = field_
        else:
            problem = account_id_problem(external.account)
            if problem:
                self.fail(path + ("account",), problem + " (or write `state.<field>`)")
                return
            account = external.account
        methods = {}
        if not external.methods:
            self.fail(path + ("methods",), "an external needs at least one method")
        for method_name, method in external.methods.items():
            method = method or m.Method()
            mpath = path + ("methods", method_name)
            if not re.match(r"^[a-z_][a-z0-9_]*$", method_name):
                self.fail(mpath, f"method {method_name!r} is not a valid NEAR method name")
                continue
            try:
                args = tuple(
                    (arg, self.parse_type(mpath + ("args", arg), t))
                    for arg, t in method.args.items()
                )
                returns = (
                    self.parse_type(mpath + ("returns",), method.returns)
                    if method.returns
                    else None
                )
            except Problems:
                continue
            for arg, _ in args:
                self.check_wire_name(mpath + ("args", arg), arg, "argument")
            view = method.kind == "view" if method.kind else (returns is not None)
            if view and method.payable:
                self.fail(mpath, "a view method cannot be payable; set `kind: call`")
            methods[method_name] = ir.Method(method_name, args, returns, view, method.payable)
        self.externals[name] = ir.External(name, account, methods, external.description)

    def resolve_defaults(self, defaults: m.Defaults) -> dict[str, int]:
        out = {}
        for key, parse in (
            ("gas", parse_gas),
            ("deposit", parse_deposit),
            ("callback_gas", parse_gas),
        ):
            try:
                out[key] = parse(getattr(defaults, key))
            except ValueError as exc:
                self.fail(("defaults", key), str(exc))
                out[key] = 0
        return out

    # --------------------------------------------------------------------------------- flows

    def resolve_flow(self, name: str, flow: m.Flow) -> ir.Flow:
        path = ("flows", name)
        if not self.check_identifier(path, name, "flow"):
            raise Problems()
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

    # --------------------------------------------------------------------------------- calls

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
                    out.append((arg, self.value(path + ("args", arg), raw[arg], type_, scope)))
                except Problems:
                    pass
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

    # ------------------------------------------------------------------------------ callbacks

    def resolve_then(self, path, then: m.Then, slots, scope, context, name, index, collect=None):
        inner = scope.child()
        for slot in slots if collect is None else ():
            if slot.type is not None and not re.fullmatch(r"result_\d+", slot.bind):
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
        log = self.template(path + ("log",), then.log, inner, log=True) if then.log else None
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

    def return_value(self, path, raw, scope: Scope) -> ir.Expr:
        """`return:` a name in scope, a list of them, or `{value: literal}`."""
        if isinstance(raw, list):
            items = tuple(self.return_value(path + (i,), v, scope) for i, v in enumerate(raw))
            return ir.Tuple(items, ir.Type("Tuple", items=tuple(expr_type(i) for i in items)))
        if isinstance(raw, str) and re.match(r"^[a-z_][a-z0-9_]*$", raw):
            ref = scope.get(raw)
            if ref is None:
                raise self.abort(
                    path,
                    f"no value named {raw!r} here{did_you_mean(raw, scope.names())}; "
                    "to return a literal, write `{value: ...}`",
                )
            return ref
        if isinstance(raw, dict) and set(raw) == {"value"} and isinstance(raw["value"], str):
            return self.template(path + ("value",), raw["value"], scope)
        if isinstance(raw, str):
            if PLACEHOLDER.search(raw):
                return self.template(path, raw, scope)
            raise self.abort(
                path, f"to return the literal string {raw!r}, write `{{value: {raw!r}}}`"
            )
        raise self.abort(path, "return a name, a list of names, or `{value: ...}`")

    # ----------------------------------------------------------------------------- values

    def value(self, path, raw, type_: ir.Type, scope: Scope) -> ir.Expr:
        """A literal of `type_`, or a string that references names: `{name}` or `a {name} b`."""
        if isinstance(raw, dict) and set(raw) == {"value"}:
            raw = raw["value"]
        if isinstance(raw, str) and PLACEHOLDER.search(raw):
            whole = re.fullmatch(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", raw)
            if whole:
                ref = self.lookup(path, whole.group(1), scope)
                if type_.name == "Option" and ref.type == type_.item:
                    return ir.Some(ref, type_)
                if ref.type != type_ and not (type_.is_stringy and ref.type.is_stringy):
                    raise self.abort(
                        path, f"{{{ref.name}}} is {ref.type.spec}, expected {type_.spec}"
                    )
                return ref
            if not type_.is_stringy:
                raise self.abort(path, f"text with placeholders is a string, expected {type_.spec}")
            return self.template(path, raw, scope)
        if isinstance(raw, str) and type_.is_stringy:
            return self.template(path, raw, scope)  # unescapes `{{`/`}}`
        return self.check_literal(path, raw, type_)

    def lookup(self, path, name: str, scope: Scope) -> ir.Ref:
        ref = scope.get(name)
        if ref is None:
            raise self.abort(
                path, f"no value named {name!r} here{did_you_mean(name, scope.names())}"
            )
        return ref

    def template(self, path, text: str, scope: Scope, log: bool = False) -> ir.Interp:
        """Text with `{name}` placeholders; `log` for a log line."""
        parts: list[str | ir.Ref] = []
        pos = 0
        for match in PLACEHOLDER.finditer(text):
            parts.append(text[pos : match.start()])
            token = match.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
            else:
                parts.append(self.lookup(path, match.group(1), scope))
            pos = match.end()
        parts.append(text[pos:])
        merged: list[str | ir.Ref] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            elif part != "":
                merged.append(part)
        # Log lines and text that interpolates values become format strings in Rust.
        if log or any(not isinstance(part, str) for part in merged):
            unwritable = next((ch for ch in text if needs_unicode_escape(ch)), None)
            if unwritable is not None:
                what = "a log line" if log else "text with placeholders"
                raise self.abort(
                    path,
                    f"{what} may not contain the character U+{ord(unwritable):04X} (a control "
                    "character, DEL or line separator); newline, tab and carriage return are fine",
                )
        return ir.Interp(tuple(merged))

    # ------------------------------------------------------------------------- context, gas

    def carry_context(self, step: ir.Step, context: FlowContext) -> ir.Step:
        """Give each callback (last first) what it needs from the flow and from earlier steps."""
        callback = step.callback
        nxt = callback.success.next
        needed: dict[str, ir.Ref] = {}
        if nxt is not None:
            nxt = self.carry_context(nxt, context)
            own = {s.bind for s in callback.slots} | {"results"}
            for ref in nxt.callback.params:
                if ref.name not in own:
                    needed[ref.name] = ref
            for call in nxt.calls:
                for _, expr in call.args:
                    for ref in ir.refs_in(expr):
                        if ref.source not in ("result", "state", "item"):
                            needed[ref.name] = ref
        exprs = [
            callback.log,
            callback.success.log,
            callback.success.value,
            callback.failure.log,
            callback.failure.value,
        ]
        exprs += [s.fallback.log for s in callback.slots if s.fallback]
        for expr in exprs:
            for ref in ir.refs_in(expr):
                if ref.source in ("param", "caller", "deposit", "previous") or (
                    ref.source == "result"
                    and ref.name not in {s.bind for s in callback.slots} | {"results"}
                ):
                    needed[ref.name] = ref
        if context.payable:
            needed["caller"] = ir.Ref("caller", ir.ACCOUNT_ID, "caller")
            needed["deposit"] = ir.Ref("deposit", ir.U128, "deposit")
        if context.rollback:
            for update in context.updates:
                if update.op == "set":
                    name = f"previous_{update.field.name}"
                    needed[name] = ir.Ref(name, update.field.type, "previous")
                else:
                    for ref in ir.refs_in(update.value):
                        if ref.source != "state":
                            needed[ref.name] = ref
        order = {"caller": 0, "deposit": 1, "param": 2, "previous": 3, "result": 4}
        params = tuple(sorted(needed.values(), key=lambda r: (order.get(r.source, 5), r.name)))
        success = replace(callback.success, next=nxt)
        return replace(step, callback=replace(callback, params=params, success=success))


class Scope:
    """Names visible at one point of a flow; weak names (state fields) yield to strong ones."""

    def __init__(self, parent: Scope | None = None):
        self.parent = parent
        self.refs: dict[str, ir.Ref] = {}
        self.weak: set[str] = set()

    def child(self) -> Scope:
        return Scope(self)

    def add(self, ref: ir.Ref, weak: bool = False) -> None:
        if ref.name in self.refs and ref.name not in self.weak:
            return
        self.refs[ref.name] = ref
        if weak:
            self.weak.add(ref.name)

    def get(self, name: str) -> ir.Ref | None:
        if name in self.refs:
            return self.refs[name]
        return self.parent.get(name) if self.parent else None

    def names(self) -> list[str]:
        return list(self.refs) + (self.parent.names() if self.parent else [])


class FlowContext:
    def __init__(self, flow: str, payable: bool, updates: tuple[ir.Update, ...], rollback: bool):
        self.flow = flow
        self.payable = payable
        self.updates = updates
        self.rollback = rollback


def needs_unicode_escape(ch: str) -> bool:
    """Control characters other than newline, tab and carriage return, DEL and the line
    separators U+2028/U+2029: generated Rust spells them `\\u{..}`, which a format string (a log
    line, or text with placeholders) reads as a placeholder."""
    code = ord(ch)
    return ch not in "\n\t\r" and (code < 0x20 or code == 0x7F or 0x2028 <= code <= 0x2029)


def expr_type(expr: ir.Expr | None) -> ir.Type | None:
    return None if expr is None else expr.type


def literal_problem(value: Any, type_: ir.Type, structs: dict[str, ir.Struct]) -> str | None:
    """Why `value` is not a JSON literal of `type_`, or None."""
    name = type_.name
    if name == "Option":
        return None if value is None else literal_problem(value, type_.item, structs)
    if value is None:
        return f"expected {type_.spec}, got null (make the type optional with `?`)"
    if name in ("string",):
        return None if isinstance(value, str) else f"expected a string, got {value!r}"
    if name == "AccountId":
        if not isinstance(value, str):
            return f"expected an account id, got {value!r}"
        return account_id_problem(value)
    if name == "bool":
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if type_.is_int:
        bits = ir.INT_BITS[name]
        lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if name[0] == "i" else (0, 2**bits - 1)
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected an integer ({name}), got {value!r}"
        return None if lo <= value <= hi else f"{value} does not fit in {name} ({lo}..{hi})"
    if type_.is_big:
        bits = 64 if name == "U64" else 128
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]+", value):
            return f'{name} travels as a decimal string in JSON: write "{value}" (quoted)'
        return None if int(value) < 2**bits else f"{value} does not fit in {name}"
    if name == "Vec":
        if not isinstance(value, list):
            return f"expected a list ({type_.spec}), got {value!r}"
        nested = [v for v in value if isinstance(v, str) and PLACEHOLDER.search(v)]
        if nested:
            return (
                f"placeholders like {nested[0]!r} work in whole values and strings, not inside "
                "lists; pass the list as a flow parameter instead"
            )
        for item in value:
            problem = literal_problem(item, type_.item, structs)
            if problem:
                return problem
        return None
    if name == "Tuple":
        if not isinstance(value, list) or len(value) != len(type_.items):
            return f"expected a list of {len(type_.items)} values ({type_.spec}), got {value!r}"
        for item, item_type in zip(value, type_.items, strict=True):
            problem = literal_problem(item, item_type, structs)
            if problem:
                return problem
        return None
    struct = structs[name]
    if not isinstance(value, dict):
        return f"expected a {name} object, got {value!r}"
    fields = dict(struct.fields)
    for key in value:
        if key not in fields:
            return f"{name} has no field {key!r}{did_you_mean(key, fields)}"
    for key, field_type in struct.fields:
        if key not in value and field_type.name != "Option":
            return f"{name} needs field {key!r}"
        if key in value:
            problem = literal_problem(value[key], field_type, structs)
            if problem:
                return problem
    return None


def resolve(spec: m.Spec, source: Source, spec_name: str) -> ir.Contract:
    return Resolver(spec, source).resolve(spec_name)
