"""`xccgen sandbox SCRIPT.yaml`: run a few steps on a fresh local chain and show what happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from xccgen.errors import XccgenError

STEP_KINDS = ("create_account", "deploy", "call", "view", "transfer")


def _load(script: Path) -> list[dict]:
    try:
        doc = YAML(typ="safe").load(script.read_text())
    except (OSError, YAMLError) as exc:
        raise XccgenError(f"{script}: cannot read the script: {exc}") from exc
    steps = doc.get("steps") if isinstance(doc, dict) else doc
    if not isinstance(steps, list):
        raise XccgenError(f"{script}: expected a list of steps (or a mapping with `steps:`)")
    parsed = []
    for i, step in enumerate(steps, 1):
        if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in STEP_KINDS:
            raise XccgenError(
                f"{script}: step {i} must be one of {', '.join(STEP_KINDS)} "
                f"with its fields, e.g. `- call: {{signer: a.test.near, ...}}`"
            )
        kind, fields = next(iter(step.items()))
        if not isinstance(fields, dict):
            raise XccgenError(f"{script}: step {i} ({kind}) needs a mapping of fields")
        parsed.append({"kind": kind, **fields})
    return parsed


def _need(step: dict, i: int, *names: str) -> list[Any]:
    missing = [n for n in names if n not in step]
    if missing:
        raise XccgenError(f"step {i} ({step['kind']}) is missing: {', '.join(missing)}")
    return [step[n] for n in names]


def run_script(script: Path) -> list[dict]:
    """Run every step; each result is a JSON-ready dict. Stops at nothing: failures are results."""
    from xccgen.sandbox import Sandbox, SandboxError

    results = []
    with Sandbox() as sb:
        for i, step in enumerate(_load(script), 1):
            kind = step["kind"]
            try:
                if kind == "create_account":
                    (account,) = _need(step, i, "account")
                    sb.create_account(account, step.get("balance", "100 NEAR"))
                    results.append({"step": i, "kind": kind, "account": account, "ok": True})
                elif kind == "deploy":
                    account, wasm = _need(step, i, "account", "wasm")
                    out = sb.deploy(account, (script.parent / wasm).resolve())
                    results.append({"step": i, "kind": kind, "account": account, **out.tree()})
                elif kind == "call":
                    signer, receiver, method = _need(step, i, "signer", "receiver", "method")
                    out = sb.call(
                        signer,
                        receiver,
                        method,
                        step.get("args"),
                        gas=step.get("gas", "300 Tgas"),
                        deposit=step.get("deposit", 0),
                    )
                    results.append({"step": i, "kind": kind, "method": method, **out.tree()})
                elif kind == "transfer":
                    signer, receiver, amount = _need(step, i, "signer", "receiver", "amount")
                    out = sb.transfer(signer, receiver, amount)
                    results.append({"step": i, "kind": kind, **out.tree()})
                elif kind == "view":
                    account, method = _need(step, i, "account", "method")
                    value = sb.view(account, method, step.get("args"))
                    results.append({"step": i, "kind": kind, "method": method, "value": value})
            except (SandboxError, ValueError) as exc:
                results.append({"step": i, "kind": kind, "status": "error", "error": str(exc)})
    return results


def _render(results: list[dict]) -> None:
    from rich.console import Console
    from rich.tree import Tree

    def label(r: dict) -> str:
        ok = r["status"] == "success"
        mark = "[green]ok[/]" if ok else "[red]failed[/]"
        what = ", ".join(r["methods"]) or ", ".join(a["type"] for a in r["actions"])
        text = f"{mark} [bold]{r['receiver']}[/] {what}  [dim]from {r['predecessor']}, "
        text += f"block {r['block_height']}, {r['gas_burnt'] / 10**12:.2f} Tgas[/]"
        if r.get("value"):
            text += f"  -> {r['value']!r}"
        if r.get("error"):
            text += f"  [red]{r['error']}[/]"
        return text

    def add(node: Tree, receipt: dict) -> None:
        child = node.add(label(receipt))
        for log in receipt["logs"]:
            child.add(f"[cyan]log[/] {log}")
        for sub in receipt["children"]:
            add(child, sub)

    console = Console()
    for r in results:
        head = f"[bold]{r['step']}. {r['kind']}[/]"
        if r.get("status") == "error":
            console.print(f"{head} [red]error: {r['error']}[/]")
        elif r["kind"] == "create_account":
            console.print(f"{head} {r['account']}")
        elif r["kind"] == "view":
            console.print(f"{head} {r['method']} -> {json.dumps(r['value'])}")
        else:
            status = "[green]success[/]" if r["status"] == "success" else "[red]failure[/]"
            tree = Tree(f"{head} {r.get('method', '')} {status}  value={r['value']!r}")
            if r.get("error"):
                tree.add(f"[red]{r['error']}[/]")
            for receipt in r["receipts"]:
                add(tree, receipt)
            console.print(tree)


@click.command("sandbox")
@click.argument("script", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def sandbox(script: Path, as_json: bool) -> None:
    """Run SCRIPT (YAML steps) on a fresh local NEAR sandbox and print each outcome tree.

    \b
    Steps (paths are relative to the script):
      - create_account: {account: a.test.near, balance: 10 NEAR}
      - deploy: {account: a.test.near, wasm: build/a.wasm}
      - call: {signer: a.test.near, receiver: a.test.near, method: m,
               args: {x: 1}, gas: 100 Tgas, deposit: 0}
      - transfer: {signer: a.test.near, receiver: b.test.near, amount: 1 NEAR}
      - view: {account: a.test.near, method: get, args: {}}

    \b
    Example:
      xccgen sandbox flow.yaml --json
    """
    results = run_script(script)
    if as_json:
        click.echo(json.dumps(results, indent=2))
    else:
        _render(results)
