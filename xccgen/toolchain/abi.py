"""Toolchain pieces for the abi target: cargo-near, whose `cargo near abi` writes the ABI of a
Rust contract for `xccgen import-abi`. (near-sdk-js's ABI generator comes with the ts target.)

cargo-near is built from crates.io without its default `ledger` feature, which needs libudev and
serves only hardware-wallet signing; `cargo near abi` does not use it. A cargo-near already on
PATH (a developer's own) is used as it is.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from xccgen.paths import cache_dir
from xccgen.toolchain.base import Piece, Progress, apt_install, run_install
from xccgen.toolchain.host_crate import host_cargo

CARGO_NEAR_VERSION = "0.22.0"
# What cargo-near's -sys crates look for (openssl, and pkg-config to find it).
APT_BUILD_DEPS = ["pkg-config", "libssl-dev"]


def _install_root() -> Path:
    return cache_dir() / "cargo-near"


def cargo_near() -> Path | None:
    """The cargo-near binary `xccgen import-abi` runs: the one on PATH, else ours."""
    found = shutil.which("cargo-near")
    if found:
        return Path(found)
    ours = _install_root() / "bin" / "cargo-near"
    return ours if ours.is_file() else None


def _install_cargo_near(progress: Progress) -> None:
    if shutil.which("pkg-config") is None or not Path("/usr/include/openssl/ssl.h").is_file():
        apt_install(APT_BUILD_DEPS, progress)
    progress(
        f"building cargo-near {CARGO_NEAR_VERSION} (about 480 crates: a cold build takes minutes)"
    )
    # An unoptimised build without debug info: `cargo near abi` only drives cargo, so speed of
    # the tool itself does not matter, and this builds in about 60% of the release build's time.
    env = {**os.environ, "CARGO_PROFILE_DEV_DEBUG": "0"}
    command = [host_cargo() or "cargo", "install", "cargo-near", "--version", CARGO_NEAR_VERSION]
    command += ["--locked", "--no-default-features", "--debug", "--root", str(_install_root())]
    run_install(command, progress, env=env)


PIECES: list[Piece] = [
    Piece(
        target="abi",
        name="cargo-near",
        description="NEAR's cargo extension; `cargo near abi` writes a Rust contract's ABI",
        present=lambda: cargo_near() is not None,
        install_hint=(
            f"cargo install cargo-near --version {CARGO_NEAR_VERSION} --locked "
            "--no-default-features"
        ),
        install=_install_cargo_near,
    ),
]
