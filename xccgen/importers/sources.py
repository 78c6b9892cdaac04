"""Where `xccgen import-abi` gets an ABI: a JSON file, or a contract project whose own SDK writes
it (`cargo near abi` for near-sdk-rs, near-sdk-js's ABI generator for TypeScript).

Running the SDKs' generators, rather than reading the contract's source ourselves, means the
ABI is exactly what those SDKs publish for the contract.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from xccgen.compile.ts import ENTRY, output_tail, stage_project
from xccgen.errors import XccgenError
from xccgen.importers.abi import Abi, parse_abi
from xccgen.paths import cache_dir

Progress = Callable[[str], None]
# The function `near-sdk-js build --generateABI` calls, without the wasm build around it.
JS_ABI_SCRIPT = """\
import fs from "fs";
import { runAbiCompilerPlugin } from "near-sdk-js/lib/cli/abi.js";
const [entry, out] = process.argv.slice(1);
const abi = runAbiCompilerPlugin(entry, "package.json", "tsconfig.json");
fs.writeFileSync(out, JSON.stringify(abi, null, 2));
"""


def load_abi(path: Path) -> Abi:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise XccgenError(f"{path}: not a readable ABI JSON file ({exc})") from None
    return parse_abi(data, str(path))


def read_abi(source: Path, progress: Progress) -> Abi:
    """The ABI in `source`: an ABI JSON file, or a Rust or near-sdk-js contract project (its
    directory, Cargo.toml or package.json)."""
    source = Path(source)
    project = source.parent if source.name in ("Cargo.toml", "package.json") else source
    if source.is_file() and project == source:
        return load_abi(source)
    if (project / "Cargo.toml").is_file():
        return rust_project_abi(project, progress)
    if (project / "package.json").is_file():
        return ts_project_abi(project, progress)
    raise XccgenError(
        f"{source}: neither an ABI JSON file nor a contract project (a directory with "
        "Cargo.toml or package.json)"
    )


def rust_project_abi(project: Path, progress: Progress) -> Abi:
    """`cargo near abi` of a near-sdk-rs project, built in xccgen's shared cache."""
    from xccgen.toolchain.abi import PIECES, cargo_near

    for piece in PIECES:
        piece.require()
    manifest = project.resolve() / "Cargo.toml"
    with tempfile.TemporaryDirectory(prefix="xccgen-abi-") as out:
        cmd = [str(cargo_near()), "near", "abi", "--manifest-path", str(manifest)]
        cmd += ["--out-dir", out, "--color", "never"]
        if (project / "Cargo.lock").is_file():
            cmd.append("--locked")
        env = {
            **os.environ,
            # One target directory for every project: near-sdk's host build is compiled once.
            "CARGO_TARGET_DIR": str(cache_dir() / "target" / "abi"),
            # On failure cargo-near's error report ends in a backtrace of cargo-near itself,
            # which would push the compiler's message out of the tail we show.
            "RUST_BACKTRACE": "0",
            "RUST_LIB_BACKTRACE": "0",
        }
        _run(cmd, project, env, progress, f"cargo near abi ({manifest})")
        written = sorted(Path(out).glob("*_abi.json"))
        if len(written) != 1:
            raise XccgenError(f"cargo near abi wrote {len(written)} ABI files for {manifest}")
        return load_abi(written[0])


def ts_project_abi(project: Path, progress: Progress) -> Abi:
    """near-sdk-js's ABI of a TypeScript project, staged as `xccgen build` stages it."""
    from xccgen.toolchain import ts

    if not (project / ENTRY).is_file():
        raise XccgenError(f"{project} has no {ENTRY}: not a near-sdk-js contract project")
    if not (project / "tsconfig.json").is_file():
        raise XccgenError(
            f"{project} has no tsconfig.json, which near-sdk-js's ABI generator reads"
        )
    ts.NODE_PIECE.require()
    ts.SDK_PIECE.require()
    with tempfile.TemporaryDirectory(prefix="xccgen-abi-") as tmp:
        work, out = Path(tmp) / "project", Path(tmp) / "abi.json"
        stage_project(project.resolve(), work, ts.node_modules_dir())
        node = shutil.which("node") or "node"
        cmd = [node, "--input-type=module", "-e", JS_ABI_SCRIPT, ENTRY, str(out)]
        _run(cmd, work, dict(os.environ), progress, f"near-sdk-js ABI generator ({project})")
        return load_abi(out)


def _run(cmd: list[str], cwd: Path, env: dict, progress: Progress, what: str) -> None:
    progress(f"running {what}")
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = output_tail(proc.stdout + "\n" + proc.stderr)
        raise XccgenError(f"{what} failed (exit {proc.returncode}):\n{tail}")
