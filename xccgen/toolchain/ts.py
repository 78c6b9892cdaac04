"""Toolchain pieces for the ts target: near-sdk-js 2.0.0 and, built offline, the binaries its
postinstall would download.

`near-sdk-js build` expects under `node_modules/near-sdk-js/lib/cli/deps/`: `qjsc` (QuickJS
bytecode compiler), `quickjs/` (engine sources compiled into every contract), `wasi-sdk/`
(clang for wasm32-wasi with its sysroot) and `binaryen/wasi-stub/run.sh` (removes WASI
imports). We install the SDK with `--ignore-scripts` and provide all four ourselves: QuickJS
from the PyPI sdist with our edits (xccgen/toolchain/quickjs), Debian's clang-14 + wasi-libc
behind a wrapper, and our `xccgen-wasm stub-wasi`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from xccgen.compile import wasm
from xccgen.paths import cache_dir
from xccgen.render.formatting import PRETTIER_VERSION
from xccgen.toolchain import quickjs
from xccgen.toolchain.base import Piece, Progress, apt_install, run_install

NEAR_SDK_JS_VERSION = "2.0.0"
NODE_PACKAGE_DIR = Path(__file__).resolve().parent / "node"  # package.json + package-lock.json
CLANG = Path("/usr/bin/clang-14")
WASM_LD = Path("/usr/bin/wasm-ld-14")
WASI_LIBC = Path("/usr/lib/wasm32-wasi/libc.a")
CLANG_RT_GLOB = "/usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a"
# llvm-14 for llvm-nm, which xccgen.toolchain.symbols reads the engine objects with.
APT_CLANG = ["clang-14", "wasi-libc", "libclang-rt-14-dev-wasm32", "lld-14", "lld", "llvm-14"]
LLVM_NM = Path("/usr/bin/llvm-nm-14")


def node_dir() -> Path:
    return cache_dir() / "node"


def node_modules_dir() -> Path:
    """The shared node_modules every TS build and type check uses (near-sdk-js, typescript)."""
    return node_dir() / "node_modules"


def sdk_dir() -> Path:
    return node_modules_dir() / "near-sdk-js"


def deps_dir() -> Path:
    return sdk_dir() / "lib" / "cli" / "deps"


def prettier_script() -> Path:
    return node_modules_dir() / "prettier" / "bin" / "prettier.cjs"


def _prettier_present() -> bool:
    return _node_present() and _installed_version(node_modules_dir() / "prettier") == (
        PRETTIER_VERSION
    )


def tsc_path() -> Path:
    return node_modules_dir() / ".bin" / "tsc"


# ---- node + npm -------------------------------------------------------------------------------


def _node_present() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


# ---- clang for wasm32-wasi ------------------------------------------------------------------


def _clang_present() -> bool:
    return (
        CLANG.is_file()
        and WASM_LD.exists()
        and WASI_LIBC.is_file()
        and bool(glob.glob(CLANG_RT_GLOB))
        and LLVM_NM.is_file()
    )


# ---- near-sdk-js ----------------------------------------------------------------------------


def _installed_version(package_dir: Path) -> str | None:
    import json

    try:
        return json.loads((package_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def _sdk_present() -> bool:
    installed_lock = node_dir() / "package-lock.json"
    return (
        _installed_version(sdk_dir()) == NEAR_SDK_JS_VERSION
        and tsc_path().exists()
        # Installed from the lockfile this xccgen ships (a newer xccgen may pin more packages).
        and installed_lock.is_file()
        and installed_lock.read_bytes() == (NODE_PACKAGE_DIR / "package-lock.json").read_bytes()
    )


def _install_sdk(progress: Progress) -> None:
    target = node_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(NODE_PACKAGE_DIR / name, target / name)
    # `npm ci` installs exactly the lockfile; --ignore-scripts skips the SDK's postinstall,
    # which would download binaries from GitHub.
    run_install(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        progress,
        cwd=target,
    )


# ---- QuickJS: patched sources + our qjsc ---------------------------------------------------


def _quickjs_stamp() -> str:
    """Identity of what we put in deps/quickjs: our edits, our C files, the upstream version."""
    h = hashlib.sha256(quickjs.PYPI_SDIST.encode())
    h.update(repr(quickjs.EDITS).encode() + quickjs.QUICKJS_C_TAIL.encode())
    for name in quickjs.OWN_FILES:
        h.update((quickjs.HERE / name).read_bytes())
    return h.hexdigest()


def _stamp_file() -> Path:
    return deps_dir() / "quickjs" / ".xccgen-stamp"


def _quickjs_present() -> bool:
    stamp = _stamp_file()
    return (
        (deps_dir() / "qjsc").is_file()
        and stamp.is_file()
        and stamp.read_text().strip() == _quickjs_stamp()
    )


def _download_quickjs(progress: Progress) -> Path:
    """The sdist `quickjs==1.19.4` from PyPI, kept under cache_dir()/downloads."""
    downloads = cache_dir() / "downloads"
    found = sorted(downloads.glob(quickjs.SDIST_FILE))
    if not found:
        downloads.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check"]
        run_install(
            [*pip, "--no-binary", ":all:", "--no-deps", "-d", str(downloads), quickjs.PYPI_SDIST],
            progress,
        )
        found = sorted(downloads.glob(quickjs.SDIST_FILE))
    if not found:
        from xccgen.errors import XccgenError

        raise XccgenError(f"pip did not leave {quickjs.SDIST_FILE} in {downloads}")
    return found[0]


def _install_quickjs(progress: Progress) -> None:
    from xccgen.errors import XccgenError

    if not _sdk_present():
        raise XccgenError("install near-sdk-js first: `xccgen toolchain install ts`")
    sdist = _download_quickjs(progress)
    out = deps_dir() / "quickjs"
    with tempfile.TemporaryDirectory(prefix="xccgen-quickjs-") as tmp:
        work = Path(tmp) / "quickjs"
        work.mkdir()
        progress(f"extracting upstream-quickjs/ from {sdist.name}")
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts
                if len(parts) == 3 and parts[1] == "upstream-quickjs" and member.isfile():
                    if parts[2] in quickjs.ENGINE_FILES:
                        (work / parts[2]).write_bytes(tar.extractfile(member).read())
        missing = [f for f in quickjs.ENGINE_FILES if not (work / f).is_file()]
        if missing:
            raise XccgenError(f"{sdist.name} lacks upstream-quickjs/{', '.join(missing)}")
        progress(f"patching QuickJS {quickjs.VERSION} for near-sdk-js")
        quickjs.patch_sources(work)
        for name in quickjs.OWN_FILES:
            shutil.copyfile(quickjs.HERE / name, work / name)
        progress("compiling qjsc (native)")
        qjsc = Path(tmp) / "qjsc"
        defines = ["-D_GNU_SOURCE", f'-DCONFIG_VERSION="{quickjs.VERSION}"', "-DCONFIG_BIGNUM"]
        sources = ["qjsc.c", "quickjs.c", "libregexp.c", "libunicode.c", "cutils.c", "libbf.c"]
        run_install(
            ["gcc", "-O2", *defines, "-o", str(qjsc), *sources, "-lm"],
            progress,
            cwd=work,
        )
        (work / "qjsc.c").unlink()  # the driver is not part of what contracts compile
        if out.exists():
            shutil.rmtree(out)
        deps_dir().mkdir(parents=True, exist_ok=True)
        shutil.copytree(work, out)
        shutil.copy2(qjsc, deps_dir() / "qjsc")
    _stamp_file().write_text(_quickjs_stamp() + "\n")


# ---- wasi-sdk stand-in and the wasi stubber ---------------------------------------------------


def _clang_shim(python: str) -> str:
    return (
        "#!/bin/sh\n"
        "# Written by xccgen: Debian's clang-14 and wasi-libc stand in for wasi-sdk\n"
        "# (xccgen/toolchain/wasi_cc.py adds MVP-only flags and caches QuickJS objects).\n"
        f'exec "{python}" -m xccgen.toolchain.wasi_cc "$@"\n'
    )


def _clang_shim_path() -> Path:
    return deps_dir() / "wasi-sdk" / "bin" / "clang"


def _shim_files() -> dict[Path, str]:
    """The scripts near-sdk-js runs, by path, with the content they must have."""
    return {
        _clang_shim_path(): _clang_shim(sys.executable),
        deps_dir()
        / "binaryen"
        / "wasi-stub"
        / "run.sh": (
            "#!/bin/sh\n"
            "# Written by xccgen: replace the contract's WASI imports with stubs, in place.\n"
            f'exec "{wasm.binary_path()}" stub-wasi "$1" "$1"\n'
        ),
    }


def _shim_matches(path: Path, text: str) -> bool:
    if not path.is_file() or not os.access(path, os.X_OK):
        return False
    found = path.read_text()
    if path == _clang_shim_path():
        # Any Python that has xccgen will do (the one installing may differ from the one
        # building, e.g. python3 vs python3.11): accept the shim if its interpreter exists.
        match = re.search(r'^exec "([^"]+)" -m', found, re.MULTILINE)
        return bool(match) and os.access(match[1], os.X_OK) and found == _clang_shim(match[1])
    return found == text


def _sysroot_link() -> Path:
    return deps_dir() / "wasi-sdk" / "share" / "wasi-sysroot"


def _shims_present() -> bool:
    if not all(_shim_matches(path, text) for path, text in _shim_files().items()):
        return False
    return _sysroot_link().is_symlink() and os.readlink(_sysroot_link()) == "/usr"


def _install_shims(progress: Progress) -> None:
    for path, text in _shim_files().items():
        progress(f"writing {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o755)
    link = _sysroot_link()
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    # Debian keeps wasi-libc in /usr/{include,lib}/wasm32-wasi, where clang looks under a sysroot.
    link.symlink_to("/usr")


def _wasmkit_present() -> bool:
    return wasm.is_built()


def _install_wasmkit(progress: Progress) -> None:
    wasm.ensure_built(progress)


NODE_PIECE = Piece(
    target="ts",
    name="node",
    description="Node.js and npm, which run the near-sdk-js build",
    present=_node_present,
    install_hint="apt-get install -y nodejs npm",
    install=lambda progress: apt_install(["nodejs", "npm"], progress),
)
SDK_PIECE = Piece(
    target="ts",
    name=f"near-sdk-js {NEAR_SDK_JS_VERSION}",
    description=f"the JS SDK, TypeScript and @types/node in {node_dir()}",
    present=_sdk_present,
    install_hint=f"cd {node_dir()} && npm ci --ignore-scripts",
    install=_install_sdk,
)
PRETTIER_PIECE = Piece(
    target="ts",
    name=f"prettier {PRETTIER_VERSION}",
    description=f"the formatter of generated TypeScript, in {node_modules_dir()}",
    present=_prettier_present,
    install_hint=f"cd {node_dir()} && npm ci --ignore-scripts",
    install=_install_sdk,
)

PIECES: list[Piece] = [
    NODE_PIECE,
    Piece(
        target="ts",
        name="clang-14 (wasm32-wasi)",
        description="Debian's clang-14, wasi-libc, compiler-rt builtins and wasm-ld for QuickJS",
        present=_clang_present,
        install_hint=f"apt-get install -y {' '.join(APT_CLANG)}",
        install=lambda progress: apt_install(APT_CLANG, progress),
    ),
    Piece(
        target="ts",
        name="xccgen-wasm",
        description="our wasm checker and WASI stubber (crates/wasmkit), built with cargo",
        present=_wasmkit_present,
        install_hint="cargo build --release --manifest-path crates/wasmkit/Cargo.toml",
        install=_install_wasmkit,
    ),
    SDK_PIECE,
    PRETTIER_PIECE,
    Piece(
        target="ts",
        name="quickjs + qjsc",
        description=f"QuickJS {quickjs.VERSION} sources patched for near-sdk-js, and qjsc",
        present=_quickjs_present,
        install_hint="xccgen toolchain install ts",
        install=_install_quickjs,
    ),
    Piece(
        target="ts",
        name="wasi-sdk shim",
        description="deps/wasi-sdk (clang-14 wrapper, sysroot) and deps/binaryen/wasi-stub",
        present=_shims_present,
        install_hint="xccgen toolchain install ts",
        install=_install_shims,
    ),
]


def clang_version() -> str:
    try:
        out = subprocess.run([str(CLANG), "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "absent"
    return out.splitlines()[0] if out else "absent"
