"""Wasm module checks and rewrites, done by our small Rust tool `xccgen-wasm` (crates/wasmkit).

`check_module` answers "would the NEAR runtime accept this as a contract?": the module parses
and validates with MVP features only, imports nothing but NEAR host functions from `env`, and
exports the required methods. `stub_wasi` replaces WASI imports with local stubs.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from xccgen.errors import BuildError
from xccgen.toolchain.host_crate import HostCrate

CRATE = "wasmkit"
BINARY_NAME = "xccgen-wasm"
WASMKIT = HostCrate(CRATE, BINARY_NAME, "the wasm checker")


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    size: int = 0


def binary_path() -> Path:
    return WASMKIT.binary_path


def is_built() -> bool:
    """The binary exists and is newer than every source file of the crate."""
    return WASMKIT.is_built()


def ensure_built(progress=None) -> Path:
    """Build xccgen-wasm with the host cargo if it is missing or older than its sources."""
    return WASMKIT.ensure_built(progress)


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
    data = _json(args)
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


def symbols(path: str | os.PathLike) -> dict[str, list[str]]:
    """`functions` (from the name section, so of an unstripped module), `exports`, `imports`."""
    return _json(["symbols", str(path)])


def host_functions() -> list[str]:
    """Every host function the NEAR runtime links into a contract (module `env`)."""
    return _json(["host-functions"])


def _json(args: list[str]):
    """Run `xccgen-wasm ARGS` and read the JSON it prints."""
    proc = _run(args)
    if proc.returncode != 0:
        raise BuildError(f"{BINARY_NAME} {' '.join(args)} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)
