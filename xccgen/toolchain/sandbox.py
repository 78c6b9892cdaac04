"""Toolchain pieces for the sandbox target: wabt (wat2wasm, for the engine's WAT test contracts)
and the sandbox engine itself, a Rust binary built from crates/sandbox with the host toolchain."""

from __future__ import annotations

from pathlib import Path

from xccgen.toolchain.base import Piece, Progress, apt_tool_piece
from xccgen.toolchain.host_crate import HostCrate

ENGINE_CRATE = "sandbox"
ENGINE_BIN = "xccgen-sandbox"

ENGINE = HostCrate(
    ENGINE_CRATE,
    ENGINE_BIN,
    "the sandbox engine",
    note="nearcore's VM crates: a cold build takes minutes",
)


def engine_binary() -> Path:
    return ENGINE.binary_path


def engine_present() -> bool:
    """Built, and newer than every source file of the crate."""
    return ENGINE.is_built()


def build_engine(progress: Progress) -> None:
    ENGINE.build(progress)


ENGINE_HINT = ENGINE.install_hint()

PIECES: list[Piece] = [
    apt_tool_piece(
        "sandbox",
        "wat2wasm",
        "wabt",
        "wabt's WAT compiler, for the sandbox's hand-written test contracts",
    ),
    Piece(
        target="sandbox",
        name=ENGINE_BIN,
        description="the local NEAR sandbox engine (nearcore's contract runtime)",
        present=engine_present,
        install_hint=ENGINE_HINT,
        install=build_engine,
    ),
]
