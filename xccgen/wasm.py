"""Wasm module checks and rewrites, done by our small Rust tool `xccgen-wasm` (crates/wasmkit).

`check_module` answers "would the NEAR runtime accept this as a contract?": the module parses
and validates with MVP features only, imports nothing but NEAR host functions from `env`, and
exports the required methods. `stub_wasi` replaces WASI imports with local stubs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from xccgen.errors import BuildError, ToolchainMissing
from xccgen.paths import cache_dir, crates_dir

CRATE = "wasmkit"
BINARY_NAME = "xccgen-wasm"


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    size: int = 0


def crate_dir() -> Path:
    return crates_dir() / CRATE


def target_dir() -> Path:
    return cache_dir() / "target" / CRATE


def binary_path() -> Path:
    return target_dir() / "release" / BINARY_NAME


def host_cargo() -> str | None:
    """The host toolchain's cargo: rustup's first (it has no wasm target, none is needed)."""
    rustup_cargo = Path.home() / ".cargo" / "bin" / "cargo"
    return str(rustup_cargo) if rustup_cargo.is_file() else shutil.which("cargo")


def _sources() -> list[Path]:
    crate = crate_dir()
    return [crate / "Cargo.toml", crate / "Cargo.lock", *sorted((crate / "src").rglob("*.rs"))]


def is_built() -> bool:
    """The binary exists and is newer than every source file of the crate."""
    binary = binary_path()
    if not binary.is_file():
        return False
    built = binary.stat().st_mtime
    return all(not p.exists() or p.stat().st_mtime <= built for p in _sources())


def ensure_built(progress=None) -> Path:
    """Build xccgen-wasm with the host cargo if it is missing or older than its sources."""
    if is_built():
        return binary_path()
    cargo = host_cargo()
    if cargo is None:
        raise ToolchainMissing(
            "cargo is missing (needed to build the xccgen-wasm checker): install Rust with "
            "rustup (https://rustup.rs) or `apt-get install -y cargo`"
        )
    say = progress or (lambda msg: print(msg, file=sys.stderr))
    say(f"building {BINARY_NAME} (crates/{CRATE}) with {cargo}")
    cmd = [
        cargo,
        "build",
        "--release",
        "--locked",
        "--manifest-path",
        str(crate_dir() / "Cargo.toml"),
    ]
    env = {**os.environ, "CARGO_TARGET_DIR": str(target_dir())}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-30:])
        raise BuildError(f"building {BINARY_NAME} failed:\n{tail}")
    binary_path().touch()  # cargo keeps the old mtime when nothing changed
    return binary_path()


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(ensure_built()), *args], capture_output=True, text=True)


def check_module(path: str | os.PathLike, exports: Iterable[str] = ()) -> CheckReport:
    """Check a wasm (or wat) file as a NEAR contract; `exports` are required method names."""
    path = Path(path)
    if not path.is_file():
        raise BuildError(f"{path}: no such wasm file")
    args = ["check", str(path)]
    for name in exports:
        args += ["--export", name]
    proc = _run(args)
    if proc.returncode != 0:
        raise BuildError(f"{BINARY_NAME} check {path} failed: {proc.stderr.strip()}")
    data = json.loads(proc.stdout)
    return CheckReport(
        ok=data["ok"],
        problems=data["problems"],
        imports=data["imports"],
        exports=data["exports"],
        size=data["size"],
    )


def stub_wasi(src: str | os.PathLike, dst: str | os.PathLike) -> list[str]:
    """Write `src` to `dst` with every WASI import replaced by a stub; returns what was stubbed."""
    proc = _run(["stub-wasi", str(src), str(dst)])
    if proc.returncode != 0:
        raise BuildError(f"{BINARY_NAME} stub-wasi {src} failed: {proc.stderr.strip()}")
    prefix = "stubbed "
    return [line[len(prefix) :] for line in proc.stderr.splitlines() if line.startswith(prefix)]
