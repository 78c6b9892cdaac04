"""The `wasi-sdk/bin/clang` that near-sdk-js runs: Debian's clang-14 for wasm32-wasi, with the
QuickJS engine objects cached.

near-sdk-js compiles and links a contract in one clang call: its `builder.c` (which includes
the contract's bytecode) plus the QuickJS sources. The engine sources never change between
contracts, so each is compiled once (to LTO bitcode, in parallel) and reused; only builder.c is
compiled per build. The link, and so the module, is the same as the single call would give.
Any other clang use passes straight through.

    python -m xccgen.toolchain.wasi_cc CLANG-ARGS...   (run by the wrapper script)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CLANG = "/usr/bin/clang-14"
WASI_LIBC = "/usr/lib/wasm32-wasi/libc.a"
# Flags for every compile and link: WebAssembly MVP only, which is what the NEAR runtime
# accepts (clang 14 defaults to it; saying so keeps it true if the defaults move).
WASM_CFLAGS = ["--target=wasm32-wasi", "-mcpu=mvp", "-mno-bulk-memory", "-mno-sign-ext"]
# Debian's wasi-libc carries DWARF (~150 KiB) where wasi-sdk's has none: strip it at link.
WASM_LDFLAGS = ["-Wl,--strip-debug"]
# Where to copy the linked module, names and all, before near-sdk-js optimises and strips it
# (xccgen.toolchain.symbols reads which functions a contract is linked with).
KEEP_LINKED = "XCCGEN_KEEP_LINKED"
ENGINE_DIR_NAME = "quickjs"  # deps/quickjs: the sources xccgen installed, fixed per stamp


def _is_link_flag(arg: str) -> bool:
    return arg.startswith(("-Wl,", "-l")) or arg in ("-nostartfiles",)


def _split(args: list[str]) -> tuple[list[str], list[str], list[str], str] | None:
    """(compile flags, link flags, sources, output) of a compile-and-link call, else None."""
    compile_flags, link_flags, sources, output = [], [], [], None
    it = iter(args)
    for arg in it:
        if arg == "-o":
            output = next(it, None)
        elif arg.endswith(".c") and not arg.startswith("-"):
            sources.append(arg)
        elif _is_link_flag(arg):
            link_flags.append(arg)
        elif arg in ("-c", "-S", "-E", "-M", "-MM") or arg in ("-I", "-D", "-include"):
            return None  # not a compile-and-link call, or a flag form we do not split
        else:
            compile_flags.append(arg)
    if output is None or not sources:
        return None
    return compile_flags, link_flags, sources, output


def _engine_key(source: Path, compile_flags: list[str]) -> str:
    # Upgrading clang or wasi-libc (its headers) invalidates the objects.
    identity = [*WASM_CFLAGS, *compile_flags]
    for tool in (CLANG, WASI_LIBC):
        info = os.stat(os.path.realpath(tool))
        identity += [tool, str(info.st_size), str(info.st_mtime_ns)]
    h = hashlib.sha256(" ".join(identity).encode())
    for path in sorted(source.parent.iterdir()):  # the file and every header beside it
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(source.name.encode())
    return h.hexdigest()[:32]


def _object_dir() -> Path:
    from xccgen.paths import cache_dir

    path = cache_dir() / "ts-objects"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _compile(source: str, compile_flags: list[str], obj: Path) -> None:
    tmp = obj.with_name(f"{obj.name}.{os.getpid()}.tmp")
    cmd = [CLANG, *WASM_CFLAGS, *compile_flags, "-c", source, "-o", str(tmp)]
    proc = subprocess.run(cmd, stdout=sys.stdout, stderr=sys.stderr)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise SystemExit(proc.returncode)
    tmp.replace(obj)  # atomic: a concurrent build sees the whole object or none


def main(args: list[str]) -> int:
    split = _split(args)
    if split is None:
        os.execv(CLANG, [CLANG, *WASM_CFLAGS, *WASM_LDFLAGS, *args])
    compile_flags, link_flags, sources, output = split
    objects = _object_dir()
    jobs, inputs = [], []
    for source in sources:
        path = Path(source)
        if path.parent.name == ENGINE_DIR_NAME:
            obj = objects / f"{path.stem}-{_engine_key(path, compile_flags)}.o"
        else:
            obj = objects / f"{path.stem}-{os.getpid()}.o"  # per build: never reused
        if not obj.is_file() or path.parent.name != ENGINE_DIR_NAME:
            jobs.append((source, obj))
        inputs.append(obj)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        list(pool.map(lambda job: _compile(job[0], compile_flags, job[1]), jobs))
    codegen_flags = [f for f in compile_flags if not f.startswith(("-D", "-I"))]  # -Oz, -flto...
    link = [CLANG, *WASM_CFLAGS, *codegen_flags, *map(str, inputs), *link_flags, *WASM_LDFLAGS]
    proc = subprocess.run([*link, "-o", output])
    keep = os.environ.get(KEEP_LINKED)
    if keep and proc.returncode == 0:
        # Again, keeping the name section: without --strip-debug, and at -O0, where the clang
        # driver does not run wasm-opt after the link (the LTO optimisation still runs).
        unstripped = [f if f != "-Oz" else "-O0" for f in link[: -len(WASM_LDFLAGS)]]
        subprocess.run([*unstripped, "-o", keep], check=True)
    for obj in inputs:
        if obj.parent == objects and obj.name.endswith(f"-{os.getpid()}.o"):
            obj.unlink(missing_ok=True)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
