"""Toolchain pieces for the sandbox target: wabt (wat2wasm, for the engine's WAT test contracts)
and the sandbox engine itself, a Rust binary built from crates/sandbox with the host toolchain."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from xccgen.paths import cache_dir, crates_dir
from xccgen.toolchain.base import Piece, Progress, apt_tool_piece, run_install

ENGINE_CRATE = "sandbox"
ENGINE_BIN = "xccgen-sandbox"


def engine_manifest() -> Path:
    return crates_dir() / ENGINE_CRATE / "Cargo.toml"


def engine_target_dir() -> Path:
    return cache_dir() / "target" / ENGINE_CRATE


def engine_binary() -> Path:
    return engine_target_dir() / "release" / ENGINE_BIN


def host_cargo() -> str:
    """The rustup host toolchain's cargo (the engine is a native binary, not a contract)."""
    rustup_cargo = Path.home() / ".cargo" / "bin" / "cargo"
    if rustup_cargo.is_file():
        return str(rustup_cargo)
    return shutil.which("cargo") or "cargo"


def build_command() -> list[str]:
    return [
        host_cargo(),
        "build",
        "--release",
        "--locked",
        "--manifest-path",
        str(engine_manifest()),
    ]


def _engine_sources() -> list[Path]:
    crate = crates_dir() / ENGINE_CRATE
    files = [crate / "Cargo.toml", crate / "Cargo.lock"]
    files += sorted((crate / "src").rglob("*.rs"))
    return [f for f in files if f.is_file()]


def engine_present() -> bool:
    """Built, and newer than every source file of the crate."""
    binary = engine_binary()
    if not binary.is_file():
        return False
    built = binary.stat().st_mtime
    return all(src.stat().st_mtime <= built for src in _engine_sources())


def build_engine(progress: Progress) -> None:
    env = {**os.environ, "CARGO_TARGET_DIR": str(engine_target_dir())}
    progress("building the sandbox engine (nearcore's VM crates; a cold build takes minutes)")
    run_install(build_command(), progress, env=env)
    # cargo leaves the binary's mtime alone when nothing changed; mark it as current.
    engine_binary().touch()


ENGINE_HINT = (
    f"CARGO_TARGET_DIR={engine_target_dir()} cargo build --release --locked "
    f"--manifest-path {engine_manifest()}"
)

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
