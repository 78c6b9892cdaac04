"""Run one scenario against a sandbox: deploy, set up, call, compare with the expectation."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xccgen.errors import ToolchainMissing, XccgenError
from xccgen.scenarios.model import (
    CALLER,
    CONTRACT,
    Expect,
    Scenario,
    ScenarioStep,
    account,
    substitute,
)
from xccgen.units import parse_deposit


@dataclass
class Result:
    scenario: str
    target: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    value: Any = None
    logs: list[str] = field(default_factory=list)
    gas_burnt: int = 0
    status: str = ""
    estimate: int | None = None  # the flow's static gas estimate, to show beside gas_burnt


def run(
    sandbox,
    scenario: Scenario,
    contract_wasm: Path,
    fixture_wasm,
    spec_dir: Path,
    target: str,
    *,
    init_method: str | None,
) -> Result:
    """Run one scenario on a fresh chain; `fixture_wasm(name) -> Path` builds fixtures on demand.

    `init_method` is the contract's init method (`contract.init.name`: a spec may rename it),
    called with the scenario's `init:` arguments; None when the contract has none.
    """
    sandbox.reset()
    aliases = {CONTRACT, CALLER, *scenario.deploy, *scenario.accounts}
    for alias, source in scenario.deploy.items():
        wasm = fixture_wasm(source) if isinstance(source, str) else spec_dir / source.wasm
        sandbox.create_account(account(alias), "50 NEAR")
        sandbox.deploy(account(alias), wasm_code(wasm) if wasm.suffix == ".wat" else wasm)
    sandbox.create_account(account(CONTRACT), "50 NEAR")
    sandbox.deploy(account(CONTRACT), contract_wasm)
    sandbox.create_account(account(CALLER), "100 NEAR")
    for alias in scenario.accounts:
        sandbox.create_account(account(alias), "100 NEAR")
    problems: list[str] = []
    if scenario.init is not None:
        # A bare alias names an account (one that was not deployed does not exist), and so
        # does `{alias}` inside a value, as in calls.
        args = {
            k: account(v) if _is_alias(v) else substitute(v, aliases)
            for k, v in scenario.init.items()
        }
        if init_method is None:
            return Result(scenario.name, target, False, ["init: the contract has no init method"])
        out = sandbox.call(account(CONTRACT), account(CONTRACT), init_method, args)
        if out.status != "success":
            return Result(scenario.name, target, False, [f"init failed: {out.error}"])
    for index, step in enumerate(scenario.setup):
        out = _call(sandbox, step, aliases)
        if out.status != "success":
            problems.append(f"setup[{index}] {step.call} failed: {out.error}")
    if problems:
        return Result(scenario.name, target, False, problems)
    call = _step(scenario.call)
    watched = {name: sandbox.balance(account(name)) for name in scenario.expect.balances}
    supply_before = sandbox.total_supply() + sandbox.tokens_burnt_total()
    if scenario.concurrent:
        steps = [call] + [_step(c.call) for c in scenario.concurrent]
        out, *others = sandbox.call_concurrently([_call_kwargs(s, aliases) for s in steps])
        for index, (other, extra) in enumerate(zip(others, scenario.concurrent, strict=True)):
            for problem in _outcome_problems(other, extra.expect, aliases):
                problems.append(f"concurrent[{index}]: {problem}")
    else:
        out = _call(sandbox, call, aliases)
    result = Result(scenario.name, target, True, [], None, out.logs, out.gas_burnt, out.status)
    expect = scenario.expect
    problems += _outcome_problems(out, expect, aliases)
    if out.status == "success":
        result.value = out.json()
    for view in expect.views:
        receiver, method = _target(view.view, aliases)
        try:
            # Always a JSON object: a view with only optional parameters still parses one.
            got = sandbox.view(receiver, method, substitute(view.args, aliases))
        except XccgenError as exc:
            problems.append(f"view {view.view} failed: {exc}")
            continue
        if got != substitute(view.returns, aliases):
            problems.append(f"view {view.view} returned {got!r}, expected {view.returns!r}")
    for name, bounds in expect.balances.items():
        change = sandbox.balance(account(name)) - watched[name]
        if bounds.at_least is not None and change < _signed(bounds.at_least):
            problems.append(
                f"balance of {name} changed by {change}, expected at least {bounds.at_least}"
            )
        if bounds.at_most is not None and change > _signed(bounds.at_most):
            problems.append(
                f"balance of {name} changed by {change}, expected at most {bounds.at_most}"
            )
    # Money is conserved: every yoctoNEAR is on an account or burnt, whatever happened.
    supply_after = sandbox.total_supply() + sandbox.tokens_burnt_total()
    if supply_after != supply_before:
        problems.append(f"money not conserved: {supply_before} before, {supply_after} after")
    result.problems = problems
    result.passed = not problems
    return result


def wasm_code(wat: Path) -> bytes:
    """The module of a contract written in WebAssembly text, compiled with wabt's wat2wasm."""
    wat2wasm = shutil.which("wat2wasm")
    if wat2wasm is None:
        raise ToolchainMissing(
            f"{wat}: wat2wasm is missing: run `xccgen toolchain install sandbox`"
        )
    with tempfile.TemporaryDirectory(prefix="xccgen-wat-") as tmp:
        out = Path(tmp) / "contract.wasm"
        proc = subprocess.run([wat2wasm, str(wat), "-o", str(out)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise XccgenError(f"{wat}: wat2wasm failed: {proc.stderr.strip()}")
        return out.read_bytes()


def _is_alias(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*", value) is not None


def _signed(amount: str | int) -> int:
    if isinstance(amount, str) and amount.strip().startswith("-"):
        return -parse_deposit(amount.strip()[1:].strip())
    return parse_deposit(amount)


def _target(name: str, aliases: set[str]) -> tuple[str, str]:
    if "." in name:
        alias, method = name.split(".", 1)
        return account(alias), method
    return account(CONTRACT), name


def _step(call: str | ScenarioStep) -> ScenarioStep:
    return call if isinstance(call, ScenarioStep) else ScenarioStep(call=call)


def _outcome_problems(out, expect: Expect, aliases: set[str]) -> list[str]:
    """How one call's outcome differs from its expectation: status, value, error, logs."""
    problems = []
    if out.status != expect.status:
        problems.append(f"status {out.status} (error: {out.error}), expected {expect.status}")
    if out.status == "success" and expect.return_ is not None:
        wanted = substitute(expect.return_, aliases)
        if out.json() != wanted:
            problems.append(f"returned {out.json()!r}, expected {wanted!r}")
    if out.status != "success" and expect.error and expect.error not in str(out.error):
        problems.append(f"error {out.error!r} does not contain {expect.error!r}")
    for wanted in expect.logs:
        if isinstance(wanted, dict):
            pattern = wanted.get("regex", "")
            if not any(re.search(pattern, line) for line in out.logs):
                problems.append(f"no log line matches /{pattern}/ in {out.logs!r}")
        elif not any(substitute(wanted, aliases) in line for line in out.logs):
            problems.append(f"no log line contains {wanted!r} in {out.logs!r}")
    for unwanted in expect.no_logs:
        if any(unwanted in line for line in out.logs):
            problems.append(f"a log line contains {unwanted!r}: {out.logs!r}")
    return problems


def _call_kwargs(step: ScenarioStep, aliases: set[str]) -> dict:
    receiver, method = _target(step.call, aliases)
    return {
        "signer": account(step.signer),
        "receiver": receiver,
        "method": method,
        "args": substitute(step.args, aliases) if step.args else None,
        "gas": step.gas,
        "deposit": step.deposit,
    }


def _call(sandbox, step: ScenarioStep, aliases: set[str]):
    return sandbox.call(**_call_kwargs(step, aliases))
