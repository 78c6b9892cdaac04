"""Toolchain pieces for the rust target."""

from __future__ import annotations

from xccgen.toolchain.base import Piece

PIECES: list[Piece] = []
