"""Flow diagrams come from the IR: every call, join, callback and failure edge is drawn, and
the generated READMEs embed exactly what `xccgen graph` prints."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, SPECS
from xccgen.analysis.graph import flow_graph, mermaid
from xccgen.pipeline import load_contract


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_call_and_callback_is_drawn(spec):
    for flow in load_contract(spec).flows:
        nodes, edges = flow_graph(flow)
        labels = " ".join(n.label for n in nodes)
        for step in flow.steps():
            for call in step.calls:
                assert call.method.name in labels
            assert any(n.id == step.callback.name for n in nodes)
            # every call node feeds the callback, as the join does on chain
            fed = {e.src for e in edges if e.dst == step.callback.name and e.kind == "then"}
            assert fed, f"nothing joins into {step.callback.name}"
        can_fail = any(
            any(s.critical for s in step.callback.slots) or not step.callback.skip_failed_items
            for step in flow.steps()
        )
        assert can_fail == any(e.kind == "failure" for e in edges), flow.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_readmes_embed_the_graph_command_output(spec, cli):
    printed = cli("graph", spec).output
    for target in ("rust", "ts"):
        readme = (REPO / "generated" / spec.stem / target / "README.md").read_text()
        blocks = re.findall(r"```mermaid\n(.*?)```", readme, flags=re.S)
        assert blocks, f"{target} README has no diagram"
        for block in blocks:
            assert block in printed


def test_failure_edges_name_rollback_and_refund():
    flow = load_contract(REPO / "specs" / "escrow.yaml").flows[0]
    assert '"failure: rollback, refund"' in mermaid(flow)


@pytest.mark.toolchain
def test_svg_of_advanced_xcc_is_checked_in_and_current(cli, tmp_path):
    """docs/advanced_xcc.svg is what Graphviz draws for the spec today, byte for byte."""
    out = tmp_path / "advanced_xcc.svg"
    result = cli("graph", REPO / "specs" / "advanced_xcc.yaml", "--format", "svg", "-o", out)
    assert result.exit_code == 0, result.output
    rendered = out.read_text()
    assert "<svg" in rendered
    for flow in load_contract(REPO / "specs" / "advanced_xcc.yaml").flows:
        assert flow.name in rendered
    committed = (REPO / "docs" / "advanced_xcc.svg").read_text()
    assert rendered == committed, (
        "docs/advanced_xcc.svg is stale: xccgen graph specs/advanced_xcc.yaml --format svg "
        "-o docs/advanced_xcc.svg"
    )


def test_dot_names_the_contract(cli):
    result = cli("graph", REPO / "specs" / "advanced_xcc.yaml", "--format", "dot")
    assert result.output.startswith("digraph cross_contract {")


def test_unknown_flow_is_a_clear_error(cli):
    result = cli("graph", SPECS[0], "--flow", "batch_action")
    assert result.exit_code == 1
    assert "no flow 'batch_action' (did you mean 'batch_actions'?)" in result.output


@pytest.mark.toolchain
def test_svg_of_labels_with_quotes_and_backslashes(cli, tmp_path):
    """Labels hold spec text; a backslash before a quote used to end the DOT string early."""
    spec = REPO / "tests" / "generator" / "specs" / "hostile.yaml"
    out = tmp_path / "hostile.svg"
    result = cli("graph", spec, "--format", "svg", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
