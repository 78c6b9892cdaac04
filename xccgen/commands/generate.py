"""`xccgen generate` and `xccgen validate`."""

from __future__ import annotations

from pathlib import Path

import click

from xccgen.errors import SpecError, XccgenError
from xccgen.output import diff, generate, write
from xccgen.pipeline import load_contract
from xccgen.render import TARGETS

SPECS = click.argument(
    "specs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)


def targets_of(target: str) -> tuple[str, ...]:
    return TARGETS if target == "all" else (target,)


@click.command("generate")
@SPECS
@click.option(
    "-o",
    "--output",
    "out_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("generated"),
    show_default=True,
    help="Projects go to OUTPUT/<spec>/<target>.",
)
@click.option("--target", type=click.Choice([*TARGETS, "all"]), default="all", show_default=True)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory of template overrides (as written by `xccgen templates export`).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff if output is stale.")
@click.option("--force", is_flag=True, help="Overwrite files that xccgen did not generate.")
def generate_command(specs, out_root, target, templates, check, force) -> None:
    """Generate a near-sdk-rs and a near-sdk-js project for each SPEC.

    \b
    Example:
      xccgen generate specs/advanced_xcc.yaml -o generated
      xccgen generate specs/*.yaml --check
    """
    targets = targets_of(target)
    outputs = generate(list(specs), out_root, targets, templates)
    if check:
        changes = diff(outputs, out_root, targets)
        if changes:
            click.echo(changes, nl=False)
            raise XccgenError(
                f"generated output under {out_root} is stale: run `xccgen generate` without --check"
            )
        click.echo(f"{len(outputs)} spec(s): generated output is up to date")
        return
    changed = write(outputs, out_root, targets, force)
    for output in outputs:
        dirs = ", ".join(str(out_root / output.contract.spec_name / t) for t in targets)
        click.echo(f"{output.contract.spec_name}: {dirs}")
    click.echo(f"{len(changed)} file(s) written" if changed else "everything was up to date")


@click.command("validate")
@SPECS
@click.option("--strict", is_flag=True, help="Treat the safety checks' warnings as errors.")
def validate_command(specs, strict) -> None:
    """Check each SPEC (schema, references, safety checks) without generating anything.

    `xccgen check` prints the full report with warnings and gas budgets.

    \b
    Example:
      xccgen validate specs/*.yaml
    """
    problems = []
    for spec in specs:
        try:
            contract = load_contract(spec, strict=strict)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        click.echo(f"{spec}: ok ({len(contract.flows)} flow(s))")
    if problems:
        raise SpecError(problems)
