"""Toolchain pieces for the sandbox target."""

from __future__ import annotations

from xccgen.toolchain.base import Piece

PIECES: list[Piece] = []
