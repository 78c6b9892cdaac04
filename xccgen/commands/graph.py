"""`xccgen graph`: flow diagrams as Mermaid, DOT or SVG (through Graphviz)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from xccgen.analysis.graph import dot, mermaid
from xccgen.errors import XccgenError
from xccgen.pipeline import load_contract
from xccgen.spec.names import did_you_mean
from xccgen.toolchain.graph import GRAPHVIZ


@click.command("graph")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--flow", "flow_name", help="Only this flow (default: every flow).")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def graph_command(spec: Path, flow_name: str | None, fmt: str, output: Path | None) -> None:
    """Draw each flow of SPEC: calls, joins, callbacks, success and failure edges.

    \b
    Example:
      xccgen graph specs/advanced_xcc.yaml --format svg -o docs/advanced_xcc.svg
    """
    contract = load_contract(spec)
    flows = list(contract.flows)
    if flow_name:
        flows = [f for f in flows if f.name == flow_name]
        if not flows:
            names = [f.name for f in contract.flows]
            raise XccgenError(f"{spec}: no flow {flow_name!r}{did_you_mean(flow_name, names)}")
    if fmt == "mermaid":
        text = "\n".join(f"%% {f.name}\n{mermaid(f)}" for f in flows)
    else:
        text = dot(contract, flows)
    if fmt == "svg":
        GRAPHVIZ.require()
        proc = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True)
        if proc.returncode != 0:
            # xccgen wrote DOT that Graphviz rejects: a bug, reported with Graphviz's words.
            raise XccgenError(f"Graphviz could not draw {spec}:\n{proc.stderr.strip()}")
        text = proc.stdout
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)
