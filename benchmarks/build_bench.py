"""Wasm size per contract and target, and cold/warm build times per target.

    python benchmarks/build_bench.py                     # every fixture, both targets
    python benchmarks/build_bench.py --target rust --native
    python benchmarks/build_bench.py --project generated/my_contract/rust

cold   = a fresh XCCGEN_CACHE in a temp dir (fresh cargo target dir / npm install); the first
         contract of a target pays for build-std, near-sdk or the JS SDK, the rest reuse them.
warm   = the same contracts again into a new output dir: the shared caches are warm, so this is
         what a changed contract costs.
cached = the same output dir again: the manifest says nothing changed, no compiler runs.
Downloads (~/.cargo/registry, npm's cache) stay warm in every case.
--native also times `cargo test` of one Rust fixture with near-sdk's unit-testing feature in a
fresh shared CARGO_TARGET_DIR (cold), then of the others (warm).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from xccgen.compile import FIXTURE_EXPORTS, TARGETS, build_contract
from xccgen.paths import fixtures_dir

console = Console(stderr=True)


def projects(target: str, extra: list[Path]) -> list[tuple[str, Path, list[str]]]:
    found = [
        (name, fixtures_dir() / name / target, exports)
        for name, exports in FIXTURE_EXPORTS.items()
        if (fixtures_dir() / name / target).is_dir()
    ]
    for path in extra:
        is_rust = (path / "Cargo.toml").is_file()
        if (target == "rust") == is_rust:
            name = path.parent.name if path.name in TARGETS else path.name
            found.append((name, path, []))
    return found


def build_round(target, items, out_dir: Path) -> list[tuple[str, float, int, bool]]:
    rows = []
    for name, project, exports in items:
        started = time.monotonic()
        artifact = build_contract(
            project,
            target,
            name,
            exports,
            out_dir,
            lambda m: console.print(m, style="dim", markup=False),
        )
        rows.append((name, time.monotonic() - started, artifact.size, artifact.cached))
    return rows


def bench_target(target: str, items, cold: bool, table: Table) -> None:
    with tempfile.TemporaryDirectory(prefix="xccgen-bench-") as tmp:
        saved = os.environ.get("XCCGEN_CACHE")
        if cold:
            os.environ["XCCGEN_CACHE"] = str(Path(tmp) / "cache")
        try:
            # The module checker is built once per cache; keep it out of the compile times.
            from xccgen.compile.wasm import ensure_built

            ensure_built(lambda m: console.print(m, style="dim", markup=False))
            rounds = {
                "cold" if cold else "first": build_round(target, items, Path(tmp) / "a"),
                "warm": build_round(target, items, Path(tmp) / "b"),
                "cached": build_round(target, items, Path(tmp) / "b"),
            }
        finally:
            if saved is None:
                os.environ.pop("XCCGEN_CACHE", None)
            else:
                os.environ["XCCGEN_CACHE"] = saved
    for i, (name, *_rest) in enumerate(items):
        size = rounds["warm"][i][2]
        times = [f"{rows[i][1]:.1f} s" for rows in rounds.values()]
        table.add_row(target, name, f"{size / 1024:.1f} KiB", *times)


def bench_native(items) -> None:
    """`cargo test` with near-sdk's unit-testing feature in one fresh shared target dir."""
    with tempfile.TemporaryDirectory(prefix="xccgen-native-") as tmp:
        env = {**os.environ, "CARGO_TARGET_DIR": tmp}
        for i, (name, project, _exports) in enumerate(items):
            started = time.monotonic()
            proc = subprocess.run(
                ["cargo", "test", "--quiet"], cwd=project, env=env, capture_output=True, text=True
            )
            took = time.monotonic() - started
            status = "ok" if proc.returncode == 0 else f"FAILED\n{proc.stderr[-2000:]}"
            label = "cold" if i == 0 else "warm"
            print(f"native cargo test {name} ({label}): {took:.1f} s {status}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--project", type=Path, action="append", default=[])
    parser.add_argument("--no-cold", action="store_true", help="reuse the normal cache")
    parser.add_argument("--native", action="store_true", help="also time native cargo test")
    args = parser.parse_args()

    table = Table(title="contract builds")
    for column in ("target", "contract", "wasm size"):
        table.add_column(column)
    for column in ("first" if args.no_cold else "cold", "warm", "cached"):
        table.add_column(column, justify="right")
    for target in TARGETS if args.target == "all" else [args.target]:
        items = projects(target, args.project)
        if items:
            bench_target(target, items, not args.no_cold, table)
    Console().print(table)
    if args.native:
        bench_native(projects("rust", args.project))
    return 0


if __name__ == "__main__":
    sys.exit(main())
