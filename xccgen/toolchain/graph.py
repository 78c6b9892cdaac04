"""Toolchain piece for the graph target: Graphviz, which renders `xccgen graph --format svg`."""

from __future__ import annotations

from xccgen.toolchain.base import Piece, apt_tool_piece

GRAPHVIZ = apt_tool_piece("graph", "dot", "graphviz", "Graphviz, for `xccgen graph --format svg`")

PIECES: list[Piece] = [GRAPHVIZ]
