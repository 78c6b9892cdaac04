"""`xccgen test`: build a spec for both targets and run its scenarios in the sandbox."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from xccgen.analysis.gas import flow_gas
from xccgen.compile import TARGETS, build_contract, build_fixture
from xccgen.errors import XccgenError
from xccgen.output import generate_for_build
from xccgen.pipeline import load_checked
from xccgen.scenarios import Result, compare_targets, load_scenarios, run


@click.command("test")
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--target", type=click.Choice([*TARGETS, "all"]), default="all", show_default=True)
@click.option(
    "--fixtures",
    "fixture_target",
    type=click.Choice(TARGETS),
    default="rust",
    show_default=True,
    help="Which build of the fixture contracts (hello, counter, guestbook) to deploy.",
)
@click.option(
    "-o", "--output", "out_root", type=click.Path(path_type=Path), default=Path("generated")
)
@click.option("--build-dir", type=click.Path(path_type=Path), default=Path("build"))
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON lines.")
def test_command(specs, target, fixture_target, out_root, build_dir, as_json) -> None:
    """Build each SPEC and run its scenarios against every target in the sandbox.

    Fails when a scenario fails, or when the Rust and TypeScript builds disagree on a
    return value or a log line.

    \b
    Example:
      xccgen test specs/advanced_xcc.yaml
    """
    from xccgen.sandbox import Sandbox

    targets = TARGETS if target == "all" else (target,)
    progress = lambda msg: click.echo(msg, err=True)  # noqa: E731
    fixture = functools.cache(lambda name: build_fixture(name, fixture_target, progress))
    results: list[tuple[str, Result]] = []
    with Sandbox() as sandbox:
        for spec in specs:
            contract, source = load_checked(spec)  # once: scenarios and generation reuse it
            scenarios = load_scenarios(contract, source, spec)
            if not scenarios:
                raise XccgenError(f"{spec}: no `scenarios:` to run")
            generated = generate_for_build(spec, targets, out_root, contract)
            for t in targets:
                artifact = build_contract(
                    generated.project_dirs[t],
                    t,
                    contract.spec_name,
                    generated.methods,
                    build_dir / contract.spec_name,
                    progress,
                )
                for scenario in scenarios:
                    progress(f"[{t}/{contract.spec_name}] {scenario.name}")
                    result = run(
                        sandbox,
                        scenario,
                        artifact.path,
                        fixture,
                        spec.parent,
                        t,
                        init_method=contract.init.name if contract.init else None,
                    )
                    result.estimate = estimate(contract, scenario)
                    results.append((contract.spec_name, result))
    disagreements = compare_targets(results)
    if as_json:
        for spec_name, r in results:
            click.echo(json.dumps({"spec": spec_name, **vars(r)}, default=str))
    else:
        # Full scenario names even when the output is a log file rather than a terminal.
        Console(width=None if sys.stdout.isatty() else 140).print(table(results))
    failed = [r for _, r in results if not r.passed]
    for r in failed:
        for problem in r.problems:
            click.secho(f"FAIL {r.target}/{r.scenario}: {problem}", fg="red", err=True)
    for line in disagreements:
        click.secho(f"DISAGREE {line}", fg="red", err=True)
    total = len(results)
    click.echo(f"{total - len(failed)} passed, {len(failed)} failed")
    if failed or disagreements:
        raise XccgenError(
            f"{len(failed)} scenario run(s) failed, {len(disagreements)} disagreement(s)"
        )


def estimate(contract, scenario) -> int | None:
    """The static gas estimate of the flow a scenario calls (None for other calls)."""
    call = scenario.call if isinstance(scenario.call, str) else scenario.call.call
    flow = next((f for f in contract.flows if f.name == call), None)
    return flow_gas(flow) if flow else None


def table(results: list[tuple[str, Result]]) -> Table:
    grid = Table(title="scenarios")
    for column in ("spec", "scenario", "target", "result", "gas burnt", "static estimate"):
        grid.add_column(
            column, justify="right" if "gas" in column or "estimate" in column else "left"
        )
    for spec_name, r in results:
        verdict = "[green]pass[/green]" if r.passed else "[red]FAIL[/red]"
        guess = f"{r.estimate / 10**12:.0f} Tgas" if r.estimate else ""
        grid.add_row(
            spec_name, r.scenario, r.target, verdict, f"{r.gas_burnt / 10**12:.2f} Tgas", guess
        )
    return grid
