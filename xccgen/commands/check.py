"""`xccgen check`: the full safety report of each spec, with every flow's gas budget."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from xccgen.analysis.gas import budget, flow_gas
from xccgen.errors import SpecError, XccgenError
from xccgen.pipeline import load_with_findings
from xccgen.units import format_gas


@click.command("check")
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-budget", is_flag=True, help="Leave out the gas budget tables.")
def check_command(specs, strict: bool, no_budget: bool) -> None:
    """Report every finding of the safety checks, with its code and fix.

    \b
    Codes: XCC101 deposit without refund, XCC102 no rollback, XCC103 gas over
    300 Tgas, XCC104 callback gas too low, XCC105 result never read, XCC106
    result type mismatch, XCC107 re-entrancy (use `lock: true`), XCC108 deposit
    to a view method, XCC109 empty or oversized fan-out.

    \b
    Example:
      xccgen check specs/*.yaml
    """
    console = Console()
    errors = warnings = 0
    invalid: list[str] = []
    for spec in specs:
        try:
            contract, findings, source = load_with_findings(spec)
        except SpecError as exc:
            invalid += exc.problems
            continue
        for finding in findings:
            color = "red" if finding.severity == "error" else "yellow"
            console.print(finding.format(source), style=color, highlight=False, soft_wrap=True)
        errors += sum(f.severity == "error" for f in findings)
        warnings += sum(f.severity == "warning" for f in findings)
        if not findings:
            console.print(f"{spec}: clean ({len(contract.flows)} flow(s))", style="green")
        console.print(access_summary(contract), highlight=False, soft_wrap=True)
        if not no_budget:
            for flow in contract.flows:
                console.print(budget_table(flow))
    if invalid:
        raise SpecError(invalid)
    click.echo(f"{errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        raise XccgenError("the checks found problems; each line above names its fix")


def budget_table(flow) -> Table:
    table = Table(title=f"gas budget of {flow.name}", title_justify="left")
    table.add_column("part")
    table.add_column("static gas + receipt fees", justify="right")
    for row in budget(flow):
        table.add_row("  ↳ " * row.depth + row.label, format_gas(row.gas))
    table.add_row("[bold]total prepaid[/bold]", f"[bold]{format_gas(flow_gas(flow))}[/bold]")
    return table


def access_summary(contract) -> str:
    """Who may call each flow: `access: 1 of 3 flow(s) restricted (batch_unit: the owner)`."""
    restricted = [f for f in contract.flows if f.access is not None]
    line = f"access: {len(restricted)} of {len(contract.flows)} flow(s) restricted"
    if restricted:
        line += " (" + "; ".join(f"{f.name}: {f.access.who}" for f in restricted) + ")"
    return line
