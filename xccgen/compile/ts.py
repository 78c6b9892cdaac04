"""Build a near-sdk-js 2.0 TypeScript project to wasm with the SDK's own `near-sdk-js build`.

The project (package.json, tsconfig.json, src/contract.ts) is copied to a work directory under
the cache, next to a `node_modules` link to the shared install (`xccgen toolchain install ts`),
so no project ever runs `npm install` and the user's tree gets no build litter. The SDK's CLI
resolves everything relative to its working directory (`node_modules/near-sdk-js/...`,
`build/code.h`), which is why it runs there, with the target `build/contract.wasm`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from xccgen.errors import BuildError
from xccgen.paths import cache_dir

Progress = Callable[[str], None]
ENTRY = "src/contract.ts"
SDK_TARGET = "build/contract.wasm"  # the SDK writes its intermediates beside it, in build/
COPY_SKIP = {"node_modules", "build", ".git", "neardev", "target"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def require_toolchain() -> None:
    from xccgen.toolchain import ts

    for piece in ts.PIECES:
        piece.require()


@functools.cache
def toolchain_identity() -> str:
    """What besides the sources decides the module: SDK version, our QuickJS, clang, flags."""
    from xccgen.toolchain import ts, wasi_cc

    stamp = ts.deps_dir() / "quickjs" / ".xccgen-stamp"
    return "\n".join(
        [
            f"near-sdk-js {ts.NEAR_SDK_JS_VERSION}",
            stamp.read_text().strip() if stamp.is_file() else "no quickjs",
            ts.clang_version(),
            " ".join(wasi_cc.WASM_CFLAGS + wasi_cc.WASM_LDFLAGS),
        ]
    )


def work_dir(project_dir: Path) -> Path:
    project_dir = project_dir.resolve()
    key = hashlib.sha256(str(project_dir).encode()).hexdigest()[:12]
    return cache_dir() / "ts-build" / f"{project_dir.parent.name}-{project_dir.name}-{key}"


def stage_project(project_dir: Path, work: Path, node_modules: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(
        project_dir,
        work,
        ignore=lambda _dir, names: [n for n in names if n in COPY_SKIP],
        symlinks=True,
    )
    (work / "node_modules").symlink_to(node_modules, target_is_directory=True)
    # The SDK imports the bundled build/contract.js into Node to list the methods, which needs
    # an ES-module package; NEAR's templates say so, and the staged copy always does.
    package = work / "package.json"
    manifest = json.loads(package.read_text()) if package.is_file() else {"private": True}
    if manifest.get("type") != "module":
        manifest["type"] = "module"
        package.write_text(json.dumps(manifest, indent=2) + "\n")


def output_tail(text: str, lines: int = 40) -> str:
    """The last lines of a tool's output, without colours: the failing step and its stderr."""
    kept = [ANSI.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join([line for line in kept if line][-lines:])


def _run_sdk(project_dir: Path, work: Path, out_wasm: Path, progress: Progress) -> None:
    """`near-sdk-js build` in `work`, then the module copied to `out_wasm`."""
    from xccgen.toolchain import ts

    node = shutil.which("node") or "node"
    cmd = [node, str(ts.sdk_dir() / "lib" / "cli" / "cli.js"), "build", ENTRY, SDK_TARGET]
    progress(f"near-sdk-js build {ENTRY} (in {work})")
    started = time.monotonic()
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
    # --verbose makes the CLI print the failing compiler's stderr, which is what a user needs.
    proc = subprocess.run([*cmd, "--verbose"], cwd=work, capture_output=True, text=True, env=env)
    built = work / SDK_TARGET
    if proc.returncode != 0 or not built.is_file():
        raise BuildError(
            f"near-sdk-js build of {project_dir} failed (exit {proc.returncode}):\n"
            + output_tail(proc.stdout + "\n" + proc.stderr)
        )
    progress(f"compiled in {time.monotonic() - started:.1f} s")

    out_wasm.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, out_wasm)


def build_ts(project_dir: Path, out_wasm: Path, progress: Progress) -> Path:
    """Build `project_dir` (near-sdk-js 2.0) to `out_wasm`; returns `out_wasm`."""
    from xccgen.compile.wasm import check_module
    from xccgen.toolchain import ts

    project_dir, out_wasm = Path(project_dir).resolve(), Path(out_wasm)
    if not (project_dir / ENTRY).is_file():
        raise BuildError(f"{project_dir} has no {ENTRY}: not a near-sdk-js project")
    require_toolchain()

    work = work_dir(project_dir)
    work.parent.mkdir(parents=True, exist_ok=True)
    with open(work.with_name(work.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build per work directory at a time
        stage_project(project_dir, work, ts.node_modules_dir())
        _run_sdk(project_dir, work, out_wasm, progress)
    report = check_module(out_wasm)
    # Only `env` host functions, MVP only: what the NEAR runtime accepts (exports are the
    # caller's to check; it knows which methods the contract must have).
    if not report.ok:
        out_wasm.unlink()
        problems = "\n".join(f"  - {p}" for p in report.problems)
        raise BuildError(
            f"{project_dir}: the module near-sdk-js built fails its checks:\n{problems}"
        )
    progress(f"{out_wasm} ({report.size / 1024:.0f} KiB, {len(report.imports)} env imports)")
    return out_wasm
