"""The scenarios a spec declares, read and checked against the contract (see the package doc)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from xccgen import ir
from xccgen.errors import SpecError
from xccgen.spec.loader import pydantic_problems
from xccgen.spec.source import Source

CONTRACT = "contract"
CALLER = "caller"
SUFFIX = ".test.near"
FIXTURES = ("hello", "counter", "guestbook", "faulty", "vault", "market", "pool")
Amount = StrictStr | StrictInt


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, frozen=True)


class WasmFile(_Model):
    wasm: StrictStr  # a path relative to the spec file: a .wasm module, or .wat text


class ScenarioStep(_Model):
    call: StrictStr  # `<alias>.<method>`, or a method of the contract under test
    args: dict[StrictStr, Any] = {}
    deposit: Amount = 0
    gas: Amount = "300 Tgas"
    signer: StrictStr = CALLER


class ViewCheck(_Model):
    view: StrictStr  # `<alias>.<method>` or a method of the contract under test
    args: dict[StrictStr, Any] = {}
    returns: Any = None


class BalanceCheck(_Model):
    at_least: Amount | None = None  # bounds on the change of the balance over the call
    at_most: Amount | None = None


class Expect(_Model):
    status: Literal["success", "failure"] = "success"
    return_: Any = Field(default=None, alias="return")
    error: StrictStr | None = None  # a substring of the failure message
    logs: list[StrictStr | dict[StrictStr, StrictStr]] = []  # substrings, or {regex: ...}
    no_logs: list[StrictStr] = []  # substrings that must not appear
    views: list[ViewCheck] = []
    balances: dict[StrictStr, BalanceCheck] = {}


class Concurrent(_Model):
    """A call included in the same block as the scenario's call (e.g. a second call to a flow
    while the first is pending), and what must become of it."""

    call: StrictStr | ScenarioStep
    expect: Expect = Expect()


class Scenario(_Model):
    name: StrictStr
    description: StrictStr | None = None
    deploy: dict[StrictStr, StrictStr | WasmFile] = {}
    accounts: list[StrictStr] = []  # more accounts with no contract (100 NEAR each), e.g. signers
    init: dict[StrictStr, Any] | None = None
    setup: list[ScenarioStep] = []
    call: StrictStr | ScenarioStep
    concurrent: list[Concurrent] = []
    expect: Expect = Expect()


def account(alias: str) -> str:
    return alias if "." in alias else f"{alias}{SUFFIX}"


def substitute(value: Any, aliases: set[str]) -> Any:
    """`{alias}` inside strings -> the alias's account id, recursively."""
    if isinstance(value, str):

        def swap(match: re.Match) -> str:
            name = match.group(1)
            return account(name) if name in aliases else match.group(0)

        return re.sub(r"\{([a-z][a-z0-9_]*)\}", swap, value)
    if isinstance(value, list):
        return [substitute(v, aliases) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, aliases) for k, v in value.items()}
    return value


class _Scenarios(_Model):
    scenarios: list[Scenario]


def load_scenarios(contract: ir.Contract, source: Source, spec_path: Path) -> list[Scenario]:
    """Validate the spec's `scenarios:`; problems name the spec path, line and scenario (from
    the `source` the spec was loaded with)."""
    data = {"scenarios": list(contract.scenarios)}
    try:
        scenarios = _Scenarios.model_validate(data).scenarios
    except ValidationError as exc:
        raise SpecError(pydantic_problems(exc, data, source)) from None
    problems = []
    names: set[str] = set()
    for index, scenario in enumerate(scenarios):
        path = ("scenarios", index)
        problems += [source.error(path + p, m) for p, m in check(scenario, contract, spec_path)]
        if scenario.name in names:
            problems.append(source.error(path + ("name",), f"scenario {scenario.name!r} repeats"))
        names.add(scenario.name)
    if problems:
        raise SpecError(problems)
    return scenarios


def check(scenario: Scenario, contract: ir.Contract, spec_path: Path) -> list[tuple[tuple, str]]:
    """Cross references a schema cannot check: fixtures, wasm paths, methods, init params."""
    found = []
    methods = set(contract.exported_methods())
    for alias, target in scenario.deploy.items():
        if alias in (CONTRACT, CALLER):
            found.append(
                (("deploy", alias), f"{alias!r} is reserved for the account {account(alias)}")
            )
        if isinstance(target, str) and target not in FIXTURES:
            found.append(
                (
                    ("deploy", alias),
                    f"no fixture {target!r}; use one of {', '.join(FIXTURES)} or {{wasm: path}}",
                )
            )
        if isinstance(target, WasmFile) and not (spec_path.parent / target.wasm).is_file():
            found.append(
                (("deploy", alias, "wasm"), f"no such file {target.wasm!r} (relative to the spec)")
            )
    for index, alias in enumerate(scenario.accounts):
        if alias in (CONTRACT, CALLER) or alias in scenario.deploy:
            found.append((("accounts", index), f"the account {alias!r} already exists"))
        elif not re.fullmatch(r"[a-z][a-z0-9_]*", alias):
            found.append(
                (("accounts", index), f"{alias!r} is not an alias: write lowercase a-z, 0-9, _")
            )
    if scenario.init is not None and contract.init is None:
        found.append((("init",), "the contract has no init method"))
    if scenario.init is not None and contract.init is not None:
        params = {p.name for p in contract.init.params}
        for key in scenario.init:
            if key not in params:
                found.append((("init", key), f"{contract.init.name} takes no argument {key!r}"))
    call = (
        scenario.call
        if isinstance(scenario.call, ScenarioStep)
        else ScenarioStep(call=scenario.call)
    )
    if "." not in call.call and call.call not in methods:
        found.append((("call",), f"the contract has no method {call.call!r}"))
    return found
