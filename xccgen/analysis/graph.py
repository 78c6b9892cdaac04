"""Flow diagrams derived from the IR (so they cannot drift from the code): Mermaid and DOT."""

from __future__ import annotations

import json
from dataclasses import dataclass

from xccgen import ir
from xccgen.units import format_deposit, format_gas


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    shape: str  # "flow", "call", "callback", "end"


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str
    kind: str  # "call", "then", "success", "failure"


def flow_graph(flow: ir.Flow) -> tuple[list[Node], list[Edge]]:
    label = f"{flow.name}()" + (" payable" if flow.payable else "")
    label += f" · before: {flow.before.name}()" if flow.before else ""
    nodes = [Node(flow.name, label, "flow")]
    edges: list[Edge] = []
    source = flow.name
    undo = (["rollback"] if flow.rollback and flow.updates else []) + (
        ["refund"] if flow.payable else []
    )
    for number, step in enumerate(flow.steps(), start=1):
        callback = step.callback
        call_ids = []
        when = ""
        if step.when is not None:
            # The previous callback checks the step's condition, and refuses as a failure does.
            when = f"when {_short(step.when.text)}: "
            refused_id = f"{source}_refused"
            value = _value_label(step.when.otherwise.value)
            nodes.append(Node(refused_id, f"return {value}" if value else "done", "end"))
            label = f"not {_short(step.when.text)}" + (": " + ", ".join(undo) if undo else "")
            edges.append(Edge(source, refused_id, label, "failure"))
        copies = step.fan_out.count if step.fan_out else 1
        groups = (
            [step.calls] if step.kind in ("batch",) or step.fan_out else [[c] for c in step.calls]
        )
        for index, calls in enumerate(groups):
            node_id = f"{flow.name}_s{number}_c{index}"
            names = " → ".join(c.method.name for c in calls)
            if step.fan_out is not None and step.fan_out.runtime:
                times = f" × each of {step.fan_out.over.name} (≤{copies})"
            else:
                times = f" ×{copies}" if copies > 1 else ""
            # A call that names its own target shows it: `pool @ {best_pool}`.
            where = f" @ {calls[0].target_label}" if calls[0].account is not None else ""
            label = f"{calls[0].external.name}{where}: {names}{times}"
            nodes.append(Node(node_id, label, "call"))
            edges.append(Edge(source, node_id, when + _call_label(calls), "call"))
            call_ids.append(node_id)
        label = f"{callback.name} (private)"
        label += f" · compute: {callback.compute.name}()" if callback.compute else ""
        nodes.append(Node(callback.name, label, "callback"))
        for node_id in call_ids:
            edges.append(Edge(node_id, callback.name, "result", "then"))
        failure_id = f"{callback.name}_failed"
        if callback.can_fail:
            label = "failure" + (": " + ", ".join(undo) if undo else "")
            value = _value_label(callback.failure.value)
            nodes.append(Node(failure_id, f"return {value}" if value else "done", "end"))
            edges.append(Edge(callback.name, failure_id, label, "failure"))
        if callback.success.next is None:
            done_id = f"{callback.name}_done"
            value = _value_label(callback.success.value)
            nodes.append(Node(done_id, f"return {value}" if value else "done", "end"))
            edges.append(Edge(callback.name, done_id, "success", "success"))
        source = callback.name
    if flow.step is None:  # a method without calls: it updates state and is done
        nodes.append(Node(f"{flow.name}_done", "done", "end"))
        updated = ", ".join(u.field.name for u in flow.updates)
        edges.append(Edge(flow.name, f"{flow.name}_done", f"updates {updated}", "success"))
    return nodes, edges


def _call_label(calls) -> str:
    gas = format_gas(sum(c.gas for c in calls))
    deposits = [c.deposit for c in calls if c.deposit]
    if not deposits:
        return gas
    deposit = "attached deposit" if "attached" in deposits else format_deposit(sum(deposits))
    return f"{gas}, {deposit}"


def _value_label(expr: ir.Expr | None) -> str:
    if expr is None:
        return ""
    if isinstance(expr, ir.Ref):
        return expr.name
    if isinstance(expr, ir.Tuple):
        return "[" + ", ".join(_value_label(i) for i in expr.items) + "]"
    if isinstance(expr, ir.Some):
        return _value_label(expr.value)
    if isinstance(expr, ir.Lit):
        return _short(json.dumps(expr.value))
    if not expr.refs:
        return _short(json.dumps("".join(expr.parts)))
    return "formatted text"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mermaid_text(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def mermaid(flow: ir.Flow, gas_of: dict[str, int] | None = None) -> str:
    nodes, edges = flow_graph(flow)
    shapes = {"flow": ("([", "])"), "call": ("[", "]"), "callback": ("{{", "}}"), "end": ("(", ")")}
    lines = ["flowchart LR"]
    for node in nodes:
        left, right = shapes[node.shape]
        lines.append(f"    {node.id}{left}{_mermaid_text(node.label)}{right}")
    arrows = {"call": "-->", "then": "-.->", "success": "-->", "failure": "-->"}
    for edge in edges:
        lines.append(f"    {edge.src} {arrows[edge.kind]}|{_mermaid_text(edge.label)}| {edge.dst}")
    failures = [f"{e.dst}" for e in edges if e.kind == "failure"]
    if failures:
        lines.append("    classDef failed stroke:#c33,color:#c33")
        lines.append(f"    class {','.join(failures)} failed")
    return "\n".join(lines) + "\n"


def dot_str(text: str) -> str:
    """The inside of a DOT double-quoted string: backslash first, so `\\"` cannot end it."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def dot(contract: ir.Contract, flows: list[ir.Flow]) -> str:
    shapes = {"flow": "box, style=rounded", "call": "box", "callback": "diamond", "end": "ellipse"}
    lines = [f"digraph {contract.name} {{", "    rankdir=LR;", '    node [fontname="Helvetica"];']
    for flow in flows:
        nodes, edges = flow_graph(flow)
        lines.append(f"    subgraph cluster_{flow.name} {{")
        lines.append(f'        label="{flow.name}";')
        for node in nodes:
            label = dot_str(node.label)
            lines.append(f'        {node.id} [label="{label}", shape={shapes[node.shape]}];')
        for edge in edges:
            style = {"then": "dashed", "failure": "solid", "call": "solid", "success": "solid"}
            color = ', color="#cc3333"' if edge.kind == "failure" else ""
            label = dot_str(edge.label)
            attrs = f'label="{label}", style={style[edge.kind]}{color}'
            lines.append(f"        {edge.src} -> {edge.dst} [{attrs}];")
        lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"
