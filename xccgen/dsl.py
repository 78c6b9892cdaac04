"""The Python front door: the same models as the YAML form, under names that read well in code.

    from xccgen.dsl import Call, Contract, External, Fallback, Flow, Method, Spec, Then

    spec = Spec(
        contract=Contract(name="greeter", state={"hello_account": State(type="AccountId")}),
        ...
    )

Keys that are Python keywords in YAML are spelled with a trailing underscore: `as_`, `return_`.
A spec file defines a module-level `spec`; `xccgen convert SPEC --to python` writes one.
"""

from __future__ import annotations

from xccgen.spec.model import (
    Batch,
    Branch,
    Call,
    Defaults,
    External,
    Fallback,
    FanOut,
    Flow,
    Hook,
    Init,
    ItemDefault,
    Method,
    Reducer,
    Requirement,
    Spec,
    Step,
    Then,
    Update,
)
from xccgen.spec.model import ContractSection as Contract
from xccgen.spec.model import StateField as State

__all__ = [
    "Batch",
    "Branch",
    "Call",
    "Contract",
    "Defaults",
    "External",
    "Fallback",
    "FanOut",
    "Flow",
    "Hook",
    "Init",
    "ItemDefault",
    "Method",
    "Reducer",
    "Requirement",
    "Spec",
    "State",
    "Step",
    "Then",
    "Update",
]
