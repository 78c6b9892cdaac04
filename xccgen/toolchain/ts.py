"""Toolchain pieces for the ts target."""

from __future__ import annotations

from xccgen.toolchain.base import Piece

PIECES: list[Piece] = []
