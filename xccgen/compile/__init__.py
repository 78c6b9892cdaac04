"""Build contract projects to wasm, check each module, and skip builds whose inputs are unchanged.

Each output directory keeps a `manifest.json`: per artifact its sha256, size, build time and the
hash of its inputs (the project's sources plus the toolchain's identity). A build whose inputs
hash matches, and whose wasm is still there unchanged, is a no-op reported as `cached`.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.table import Table

from xccgen.errors import BuildError
from xccgen.paths import cache_dir, fixtures_dir

Progress = Callable[[str], None]
TARGETS = ("rust", "ts")
MANIFEST = "manifest.json"
# Bump when the way artifacts are built changes, so stale caches are rebuilt.
BUILDER_VERSION = "2"
# Build outputs, dependencies and VCS data never decide a build's result.
SKIP_DIRS = {"target", "node_modules", "build", "dist", ".git", "__pycache__", "neardev"}
SKIP_SUFFIXES = (".wasm",)

# The methods each fixture contract must export (the same for both targets).
FIXTURE_EXPORTS: dict[str, list[str]] = {
    "hello": ["get_greeting", "set_greeting"],
    "counter": ["get_num", "increment", "decrement", "reset"],
    "guestbook": ["add_message", "get_messages", "total_messages"],
    # Rust only: a stand-in that fails in every way a call can (failure injection).
    "faulty": [
        "set_greeting",
        "stored_greeting",
        "get_greeting",
        "get_num",
        "get_messages",
        "spin",
    ],
    # Rust only: the counterparts of the escrow and leveraged_trade examples.
    "vault": ["new", "deposit_for", "balance_of"],
    "market": ["get_price", "get_collateral_ratio", "execute_trade", "trades"],
    # Rust only: the pools of the dex_aggregator example, configured by `new`.
    "pool": ["new", "get_quote", "swap", "swaps", "volume"],
}


@dataclass(frozen=True)
class Artifact:
    target: str
    contract: str
    path: Path
    size: int
    build_seconds: float  # wall time of this call: near zero when cached
    sha256: str
    cached: bool


def _builder(target: str):
    """The module that builds `target`: `build_<target>(project_dir, out_wasm, progress)`."""
    if target not in TARGETS:
        raise BuildError(f"unknown build target {target!r}: expected one of {', '.join(TARGETS)}")
    return importlib.import_module(f"xccgen.compile.{target}")


def source_files(project_dir: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(project_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        files += [Path(root) / n for n in names if not n.endswith(SKIP_SUFFIXES)]
    return sorted(files)


def inputs_hash(project_dir: Path, target: str, exports: list[str]) -> str:
    """Hash of everything that decides the artifact: sources, toolchain, expected exports."""
    h = hashlib.sha256()
    builder = _builder(target)
    identity = getattr(builder, "toolchain_identity", lambda: "")()
    for part in (BUILDER_VERSION, target, identity, ",".join(sorted(exports))):
        h.update(part.encode() + b"\0")
    for path in source_files(project_dir):
        h.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """One build per output directory at a time, so the manifest's read-modify-write is safe."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {"artifacts": {}}


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    tmp = out_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(out_dir / MANIFEST)


def _check(path: Path, exports: list[str]) -> None:
    from xccgen.compile.wasm import check_module

    report = check_module(path, exports)
    if not report.ok:
        problems = "\n".join(f"  - {p}" for p in report.problems)
        path.unlink()  # never leave a module that failed its checks where a deploy could pick it
        raise BuildError(f"{path} failed its checks:\n{problems}")


def build_contract(
    project_dir: Path,
    target: str,
    contract_name: str,
    exports: list[str],
    out_dir: Path,
    progress: Progress | None = None,
) -> Artifact:
    """Build one project to `out_dir/<target>/<contract_name>.wasm`, or reuse it if unchanged."""
    project_dir, out_dir = Path(project_dir).resolve(), Path(out_dir)
    key = f"{target}/{contract_name}"
    say: Progress = (lambda msg: progress(f"[{key}] {msg}")) if progress else (lambda _msg: None)
    started = time.monotonic()
    out_wasm = out_dir / target / f"{contract_name}.wasm"
    with _locked(out_dir):
        inputs = inputs_hash(project_dir, target, exports)
        entry = read_manifest(out_dir)["artifacts"].get(key)
        cached = (
            entry is not None
            and entry["inputs"] == inputs
            and out_wasm.is_file()
            and sha256_file(out_wasm) == entry["sha256"]
        )
        if cached:
            say(f"unchanged, using {out_wasm}")
        else:
            say(f"building {project_dir}")
            builder = _builder(target)
            getattr(builder, f"build_{target}")(project_dir, out_wasm, say)
            _check(out_wasm, exports)
            # Builds may settle files they own (cargo rewrites Cargo.lock): hash what is there now.
            inputs = inputs_hash(project_dir, target, exports)
        artifact = Artifact(
            target=target,
            contract=contract_name,
            path=out_wasm,
            size=out_wasm.stat().st_size,
            build_seconds=round(time.monotonic() - started, 2),
            sha256=sha256_file(out_wasm),
            cached=cached,
        )
        if not cached:
            manifest = read_manifest(out_dir)
            record = asdict(artifact)
            record.update(path=out_wasm.relative_to(out_dir).as_posix(), inputs=inputs)
            record.update(project=str(project_dir), exports=exports)
            del record["cached"]
            manifest["artifacts"][key] = record
            _write_manifest(out_dir, manifest)
    return artifact


def fixture_project(name: str, target: str) -> Path:
    project = fixtures_dir() / name / target
    if name not in FIXTURE_EXPORTS or not project.is_dir():
        raise BuildError(f"no fixture {name!r} for target {target!r} (looked in {project})")
    return project


def build_fixture(name: str, target: str, progress: Progress | None = None) -> Path:
    """Build `fixtures/<name>/<target>` into the shared cache and return the wasm's path."""
    artifact = build_contract(
        fixture_project(name, target),
        target,
        name,
        FIXTURE_EXPORTS[name],
        cache_dir() / "fixtures",
        progress,
    )
    return artifact.path


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def render_table(artifacts: list[Artifact]) -> Table:
    table = Table(title="wasm artifacts")
    table.add_column("target")
    table.add_column("contract")
    table.add_column("wasm size", justify="right")
    table.add_column("build time", justify="right")
    table.add_column("cached")
    for a in artifacts:
        table.add_row(
            a.target,
            a.contract,
            _size(a.size),
            f"{a.build_seconds:.1f} s",
            "yes" if a.cached else "no",
        )
    return table
