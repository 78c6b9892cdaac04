"""Toolchain pieces for the rust target: a Rust compiler that can build `std` for
wasm32-unknown-unknown with MVP features only, its wasm linker, and the wasm tools.

The usual case here is a rustup toolchain with only the host target, which cannot add targets
offline; Debian's security-updated `rustc-web` ships `std`'s source, so `-Zbuild-std` works with it.
A rustup toolchain that already has wasm32-unknown-unknown and `rust-src` is used instead.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from xccgen.render.formatting import RUSTFMT_VERSION
from xccgen.toolchain.base import Piece, Progress, apt_install, apt_tool_piece

WASM_TARGET = "wasm32-unknown-unknown"
DEBIAN_LLD = "lld-22"
# Debian's rust-web-llvm package owns /usr/bin/rust-lld (a symlink to lld-22); on machines
# where it is absent we make the same link ourselves.
RUST_LLD = Path("/usr/bin/rust-lld")
DEBIAN_RUSTC = Path("/usr/bin/rustc")
DEBIAN_CARGO = Path("/usr/bin/cargo")
# near-sdk 5.30 needs Rust 1.95; bookworm's own rustc-web is 1.85, bookworm-security has 1.96.
MIN_RUSTC = (1, 95)
# The formatter of generated Rust, pinned so that committed output is the same on every machine:
# Debian's rustfmt-web, which ships with the rustc-web above (rustup's rustfmt may be any version).
RUSTFMT = Path("/usr/bin/rustfmt")


@dataclass(frozen=True)
class WasmRust:
    """The cargo/rustc pair that builds contracts, and where it comes from."""

    cargo: Path
    rustc: Path
    source: str  # "rustup" or "debian"


def _run(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout if proc.returncode == 0 else ""


def _sysroot_has_std_source(rustc: Path) -> bool:
    sysroot = _run([str(rustc), "--print", "sysroot"]).strip()
    return bool(sysroot) and (Path(sysroot) / "lib/rustlib/src/rust/library/Cargo.lock").is_file()


@functools.cache
def rustup_wasm() -> WasmRust | None:
    """The rustup toolchain, if it has the wasm target and std's source (for -Zbuild-std)."""
    rustup = shutil.which("rustup")
    if not rustup or WASM_TARGET not in _run([rustup, "target", "list", "--installed"]).split():
        return None
    rustc = Path(_run([rustup, "which", "rustc"]).strip() or "/nonexistent")
    cargo = Path(_run([rustup, "which", "cargo"]).strip() or "/nonexistent")
    if not (rustc.is_file() and cargo.is_file() and _sysroot_has_std_source(rustc)):
        return None
    return WasmRust(cargo=cargo, rustc=rustc, source="rustup")


def wasm_rust() -> WasmRust:
    """The compiler pair builds use (rustup's when it can target wasm, else Debian's)."""
    return rustup_wasm() or WasmRust(cargo=DEBIAN_CARGO, rustc=DEBIAN_RUSTC, source="debian")


def rustc_version(rustc: Path) -> tuple[int, int]:
    """(major, minor) of `rustc --version`, or (0, 0) when it does not run."""
    words = _run([str(rustc), "--version"]).split()
    try:
        major, minor = words[1].split(".")[:2]
        return int(major), int(minor)
    except (IndexError, ValueError):
        return (0, 0)


def rustfmt_version() -> str | None:
    """The version of the pinned rustfmt binary (`1.9.0`), or None when it does not run."""
    words = _run([str(RUSTFMT), "--version"]).split()
    return words[1].split("-")[0] if len(words) > 1 else None


def _debian_rust_present() -> bool:
    return (
        DEBIAN_RUSTC.is_file()
        and DEBIAN_CARGO.is_file()
        and rustc_version(DEBIAN_RUSTC) >= MIN_RUSTC
    )


def _rust_lld_present() -> bool:
    return RUST_LLD.exists()  # exists() follows the link: a dangling link counts as missing


def _install_rust_lld(progress: Progress) -> None:
    apt_install([DEBIAN_LLD, "rust-web-llvm"], progress)
    if not _rust_lld_present():
        target = Path(shutil.which(DEBIAN_LLD) or f"/usr/bin/{DEBIAN_LLD}")
        progress(f"linking {RUST_LLD} -> {target}")
        if RUST_LLD.is_symlink():
            RUST_LLD.unlink()
        RUST_LLD.symlink_to(target)


def _pieces_debian() -> list[Piece]:
    """Debian's Rust with std's source and the wasm linker (when rustup cannot target wasm)."""
    return [
        Piece(
            target="rust",
            name="rustc-web",
            description=(
                f"Debian's Rust >= {MIN_RUSTC[0]}.{MIN_RUSTC[1]} (/usr/bin/rustc, /usr/bin/cargo, "
                "from bookworm-security) for wasm builds"
            ),
            present=_debian_rust_present,
            install_hint="apt-get install -y rustc-web cargo-web",
            install=lambda progress: apt_install(["rustc-web", "cargo-web"], progress),
        ),
        Piece(
            target="rust",
            name="rust-web-src",
            description="the standard library's source, to build std for wasm with MVP features",
            present=lambda: _debian_rust_present() and _sysroot_has_std_source(DEBIAN_RUSTC),
            install_hint="apt-get install -y rust-web-src",
            install=lambda progress: apt_install(["rust-web-src"], progress),
        ),
        Piece(
            target="rust",
            name="rust-lld",
            description=f"the wasm linker rustc runs ({RUST_LLD} -> {DEBIAN_LLD})",
            present=_rust_lld_present,
            install_hint=f"apt-get install -y {DEBIAN_LLD} rust-web-llvm",
            install=_install_rust_lld,
        ),
    ]


RUSTFMT_PIECE = Piece(
    target="rust",
    name=f"rustfmt {RUSTFMT_VERSION}",
    description=(
        f"the formatter of generated Rust ({RUSTFMT}, Debian's rustfmt-web; generated code is "
        f"laid out by exactly this version)"
    ),
    present=lambda: rustfmt_version() == RUSTFMT_VERSION,
    install_hint="apt-get install -y rustfmt-web",
    install=lambda progress: apt_install(["rustfmt-web"], progress),
)


def _pieces() -> list[Piece]:
    tools = [
        RUSTFMT_PIECE,
        apt_tool_piece(
            "rust", "wasm-opt", "binaryen", "Binaryen's optimiser: shrinks contract wasm"
        ),
        apt_tool_piece(
            "rust", "wasm-validate", "wabt", "WABT: validates wasm against the MVP feature set"
        ),
    ]
    return tools if rustup_wasm() is not None else [*_pieces_debian(), *tools]


PIECES: list[Piece] = _pieces()
