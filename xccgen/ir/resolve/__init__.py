"""Spec model -> IR: resolve every reference, type-check every literal, collect every problem.

Problems are collected rather than raised one at a time, so a user sees all of them in one run,
each as `file:line path: message`. The resolver is one object whose parts live by job beside this
file: types.py, values.py, flows.py and context.py (what callbacks carry).
"""

from __future__ import annotations

import re

from xccgen import ir
from xccgen.errors import SpecError
from xccgen.ir.resolve.base import Problems
from xccgen.ir.resolve.context import CallbackContext
from xccgen.ir.resolve.expressions import ConditionResolver
from xccgen.ir.resolve.flows import FlowResolver
from xccgen.ir.resolve.types import TypeResolver
from xccgen.ir.resolve.values import ValueResolver
from xccgen.spec import model as m
from xccgen.spec.names import account_id_problem, did_you_mean, method_name_problem
from xccgen.spec.source import PathKey, Source, format_path
from xccgen.units import MAX_GAS, parse_deposit, parse_gas

__all__ = ["Resolver", "resolve"]


class Resolver(FlowResolver, CallbackContext, ConditionResolver, ValueResolver, TypeResolver):
    def resolve(self, spec_name: str) -> ir.Contract:
        spec = self.spec
        contract = spec.contract
        if not re.fullmatch(r"[a-z][a-z0-9_]*", contract.name):
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
        method_names: dict[str, PathKey] = {}
        if init:
            self.claim_method(method_names, init.name, ("contract", "init", "name"), "init method")
        for field_name, f in self.state.items():
            for view in f.views:
                self.claim_method(method_names, view, ("contract", "state", field_name), "view")
        for name, flow in spec.flows.items():
            try:
                resolved = self.resolve_flow(name, flow)
            except Problems:
                continue
            if resolved.lock and resolved.lock_field in self.state:
                self.fail(
                    ("flows", name, "lock"),
                    f"`lock` keeps its flag in a field {resolved.lock_field!r}, "
                    "which the state already has; rename that field",
                )
            methods = [("flow", resolved.name)]
            methods += [("callback", s.callback.name) for s in resolved.steps()]
            methods += [("lock getter", f"is_{resolved.lock_field}")] if resolved.lock else []
            for what, method in methods:
                self.claim_method(method_names, method, ("flows", name), what)
            flows.append(resolved)
        if any(f.owner_only for f in flows):
            self.claim_method(method_names, ir.OWNER_TRANSFER, ("flows",), "owner transfer method")
        for field_name in self.state:
            if field_name in method_names:  # a TypeScript class cannot have both
                self.fail(
                    ("contract", "state", field_name),
                    f"state field {field_name!r} has the name of a method; rename one of them",
                )
        if not spec.flows:
            self.fail(("flows",), "a contract needs at least one flow")
        elif flows and all(f.step is None for f in flows):
            self.fail(
                ("flows",),
                "every flow only updates state; xccgen writes contracts that make "
                "cross-contract calls: give a flow a step (`call`, `batch`, `parallel`, `fan_out`)",
            )
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
            source=self.source,
        )

    def resolve_state_field(self, name: str, field_spec: m.StateField) -> None:
        path = ("contract", "state", name)
        if not self.check_identifier(path, name, "state field"):
            return
        try:
            type_ = self.parse_type(path + ("type",), field_spec.type, collections=True)
            default = None
            # A map's default is what a missing entry reads as; a list starts empty.
            value_type = type_.value if type_.is_map else type_
            if type_.is_list and field_spec.default is not None:
                raise self.abort(
                    path + ("default",),
                    "a List starts empty; fill it from `init` (make it an init param)",
                )
            if field_spec.default is not None:
                default = self.check_literal(path + ("default",), field_spec.default, value_type)
            elif type_.name == "Option":
                default = ir.Lit(None, type_)
        except Problems:
            return
        self.state[name] = ir.StateField(
            name, type_, default, field_spec.description, field_spec.view
        )

    def claim_method(
        self, claimed: dict[str, PathKey], name: str, path: PathKey, what: str
    ) -> None:
        """Record an exported method's name; report it if another method or the toolchain's
        own symbols already have it."""
        if name in claimed:
            self.fail(path, f"method name {name!r} is already used at {format_path(claimed[name])}")
            return
        claimed[name] = path
        problem = method_name_problem(name, what)
        if problem:
            self.fail(path, problem)

    def resolve_init(self, init: m.Init | None) -> ir.Init | None:
        if init is None:
            missing = [f.name for f in self.state.values() if f.set_by_init]
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
            elif self.state[param].is_map:
                self.fail(path + ("params", index), f"{param!r} is a map, which starts empty")
            else:
                params.append(self.state[param])
        if len(set(init.params)) != len(init.params):
            self.fail(path + ("params",), "init params must not repeat")
        for f in self.state.values():
            if f.set_by_init and f.name not in init.params:
                self.fail(
                    ("contract", "state", f.name),
                    f"state field {f.name!r} has no default and is not an init param",
                )
        return ir.Init(init.name, init.private, tuple(params))

    def resolve_external(self, name: str, external: m.External) -> None:
        path = ("externals", name)
        if not self.check_identifier(path, name, "external"):
            return
        account: ir.StateField | str | None
        if external.account is None:
            account = None  # an interface: each call names its `account:`
        elif external.account.startswith("state."):
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
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", method_name):
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
            raw = getattr(defaults, key)
            try:
                out[key] = parse(raw)
            except ValueError as exc:
                self.fail(("defaults", key), str(exc))
                out[key] = 0
                continue
            # The same bounds as a call's own `gas:`: a default of 0 would make every call fail.
            if parse is parse_gas and not 0 < out[key] <= MAX_GAS:
                self.fail(("defaults", key), f"gas must be between 1 gas and 300 Tgas, got {raw!r}")
        return out


def resolve(spec: m.Spec, source: Source, spec_name: str) -> ir.Contract:
    return Resolver(spec, source).resolve(spec_name)
