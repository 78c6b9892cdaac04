"""Every toolchain piece xccgen needs, grouped by target, for `doctor` and `toolchain install`."""

from __future__ import annotations

from xccgen.toolchain.base import Piece, Progress

TARGETS = ("rust", "ts", "sandbox", "abi", "graph")


def pieces(target: str = "all") -> list[Piece]:
    # Imported lazily so that `xccgen generate` never pays for toolchain probing.
    from xccgen.toolchain import abi, graph, rust, sandbox, ts

    found = [*rust.PIECES, *ts.PIECES, *sandbox.PIECES, *abi.PIECES, *graph.PIECES]
    return [p for p in found if target in ("all", p.target)]


def install(target: str, progress: Progress) -> None:
    """Install every missing piece of `target`, in order; pieces already present are skipped."""
    for piece in pieces(target):
        if piece.present():
            progress(f"{piece.name}: present")
            continue
        progress(f"{piece.name}: installing")
        piece.install(progress)
        piece.require()
