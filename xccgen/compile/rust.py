"""Build a near-sdk 5.x contract crate into a wasm module the NEAR VM accepts.

The NEAR VM rejects post-MVP wasm features (bulk memory, reference types, multi-value), which
current rustc enables by default and which rustup's prebuilt `std` already contains. So `std` is
built from source with `-Zbuild-std` and `-C target-cpu=mvp`, and wasm-opt runs with MVP features
only. Every contract shares one cargo target dir so near-sdk and std are compiled once.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from xccgen.errors import BuildError
from xccgen.paths import cache_dir
from xccgen.toolchain import rust as tc

Progress = Callable[[str], None]

# `--cfg near` is how near-sdk-env (and cargo-near) tell a contract build from a host build:
# without it `env::panic_str` and friends fall back to host code, and a `require!` failure
# traps with `unreachable` instead of "Smart contract panicked: <message>".
RUSTFLAGS = "-C target-cpu=mvp --cfg near"
CARGO_ARGS = [
    "build",
    "--release",
    "--target",
    tc.WASM_TARGET,
    "-Zbuild-std=std,panic_abort",
    "--message-format=json-render-diagnostics",
]
WASM_OPT_ARGS = ["--mvp-features", "-Oz", "--strip-debug", "--strip-producers"]
PROGRESS_EVERY_SECONDS = 10.0


def wasm_target_dir() -> Path:
    return cache_dir() / "target" / "wasm"


def _version(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError:
        return "absent"
    return proc.stdout.strip() or "absent"


@functools.cache
def toolchain_identity() -> str:
    """Everything besides the sources that changes the module a build produces."""
    rust = tc.wasm_rust()
    wasm_opt = shutil.which("wasm-opt")
    return "\n".join(
        [
            rust.source,
            _version([str(rust.rustc), "-vV"]),
            _version([str(rust.cargo), "-V"]),
            _version([wasm_opt, "--version"]) if wasm_opt else "no wasm-opt",
            RUSTFLAGS,
            " ".join(CARGO_ARGS + WASM_OPT_ARGS),
        ]
    )


def require_toolchain() -> None:
    for piece in tc.PIECES:
        if piece.name != "wasm-opt":  # optional: without it the module is stripped, not optimised
            piece.require()


def _cargo_env(rust: tc.WasmRust) -> dict[str, str]:
    env = dict(os.environ)
    # Flags from the caller's environment would change what is built and defeat sharing.
    for key in ("CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_BUILD_TARGET"):
        env.pop(key, None)
    # ~/.cargo/bin usually comes first; the chosen toolchain's own directory must win.
    env["PATH"] = os.pathsep.join([str(rust.cargo.parent), env.get("PATH", "")])
    env.update(
        RUSTC=str(rust.rustc),
        RUSTC_BOOTSTRAP="1",  # -Zbuild-std on a stable compiler
        RUSTFLAGS=RUSTFLAGS,
        CARGO_TARGET_DIR=str(wasm_target_dir()),
        CARGO_TERM_COLOR="never",
    )
    if rust.source == "debian":
        env.pop("RUSTUP_TOOLCHAIN", None)
    return env


@contextmanager
def _target_dir_lock() -> Iterator[None]:
    """Builds of crates with the same package name overwrite each other's output: one at a time."""
    lock_path = cache_dir() / "target" / "wasm.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _relevant_tail(stderr: str, max_lines: int = 60) -> str:
    """The compiler's errors (from the first `error` line on), else the last lines."""
    lines = stderr.rstrip().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("error"):
            return "\n".join(lines[i : i + max_lines])
    return "\n".join(lines[-max_lines:])


def _lib_name(project_dir: Path) -> str:
    try:
        manifest = tomllib.loads((project_dir / "Cargo.toml").read_text())
        name = manifest.get("lib", {}).get("name") or manifest["package"]["name"]
    except (tomllib.TOMLDecodeError, KeyError) as exc:
        raise BuildError(
            f"{project_dir / 'Cargo.toml'}: cannot read the package name ({exc})"
        ) from exc
    return name.replace("-", "_")


def _forget_previous_output(project_dir: Path) -> None:
    """Delete the wasm a same-named crate may have left, so cargo links this crate afresh.

    cdylib outputs carry no hash in their file name: two crates with one package name share
    `deps/<name>.wasm`, and cargo, finding its own fingerprint fresh, would hand back the other
    crate's module. A missing output makes cargo relink (seconds, with near-sdk already built).
    """
    release = wasm_target_dir() / tc.WASM_TARGET / "release"
    name = _lib_name(project_dir)
    for stale in (release / f"{name}.wasm", release / "deps" / f"{name}.wasm"):
        stale.unlink(missing_ok=True)


def _run_cargo(project_dir: Path, rust: tc.WasmRust, progress: Progress) -> Path:
    """Run cargo (streaming its stderr into throttled progress) and return the cdylib's wasm."""
    cmd = [str(rust.cargo), *CARGO_ARGS, "--manifest-path", str(project_dir / "Cargo.toml")]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, cwd=project_dir, env=_cargo_env(rust), stdout=out, stderr=err)
        last_report = time.monotonic()
        while proc.poll() is None:
            time.sleep(0.5)
            if time.monotonic() - last_report >= PROGRESS_EVERY_SECONDS:
                last_report = time.monotonic()
                err.seek(0)
                compiling = [ln for ln in err.read().splitlines() if "Compiling " in ln]
                if compiling:
                    now = compiling[-1].strip()
                    progress(f"cargo: {len(compiling)} crates compiled, now {now}")
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise BuildError(
            f"cargo build of {project_dir} failed (exit {proc.returncode}):\n"
            + _relevant_tail(stderr)
        )
    wasm_files = []
    for line in stdout.splitlines():
        msg = json.loads(line) if line.startswith("{") else {}
        if msg.get("reason") == "compiler-artifact" and "cdylib" in msg["target"]["kind"]:
            wasm_files += [Path(f) for f in msg["filenames"] if f.endswith(".wasm")]
    if len(wasm_files) != 1:
        raise BuildError(
            f"cargo build of {project_dir} produced {len(wasm_files)} wasm files, expected one: "
            'is `crate-type = ["cdylib", "rlib"]` set in [lib]?'
        )
    return wasm_files[0]


def _leb128(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def strip_custom_sections(wasm: bytes) -> bytes:
    """Drop custom sections (names, producers, debug info): the fallback when wasm-opt is absent."""
    out, pos = bytearray(wasm[:8]), 8
    while pos < len(wasm):
        section_id = wasm[pos]
        size, body = _leb128(wasm, pos + 1)
        if section_id != 0:
            out += wasm[pos : body + size]
        pos = body + size
    return bytes(out)


def _optimise(raw: Path, out_wasm: Path, progress: Progress) -> None:
    wasm_opt = shutil.which("wasm-opt")
    if wasm_opt is None:
        progress("wasm-opt not found (apt-get install -y binaryen): stripping only")
        out_wasm.write_bytes(strip_custom_sections(raw.read_bytes()))
        return
    proc = subprocess.run(
        [wasm_opt, *WASM_OPT_ARGS, str(raw), "-o", str(out_wasm)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise BuildError(f"wasm-opt failed on {raw}:\n{_relevant_tail(proc.stderr, 20)}")


def build_rust(
    project_dir: Path, out_wasm: Path, progress: Progress, keep_raw: Path | None = None
) -> Path:
    """Build the contract crate at `project_dir` and write its optimised wasm to `out_wasm`
    (and, given `keep_raw`, the linker's module as it was before optimising, names and all)."""
    project_dir = Path(project_dir).resolve()
    out_wasm = Path(out_wasm)
    if not (project_dir / "Cargo.toml").is_file():
        raise BuildError(f"{project_dir} has no Cargo.toml")
    require_toolchain()
    rust = tc.wasm_rust()
    out_wasm.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xccgen-rust-") as tmp:
        raw = Path(tmp) / "raw.wasm"
        with _target_dir_lock():
            progress(f"cargo build --release --target {tc.WASM_TARGET} ({rust.source} rustc)")
            _forget_previous_output(project_dir)
            built = _run_cargo(project_dir, rust, progress)
            # Copy out before releasing the lock: the next build may reuse the same file name.
            shutil.copyfile(built, raw)
        if keep_raw is not None:
            shutil.copyfile(raw, keep_raw)
        _optimise(raw, out_wasm, progress)
    progress(f"wrote {out_wasm} ({out_wasm.stat().st_size} bytes)")
    return out_wasm
