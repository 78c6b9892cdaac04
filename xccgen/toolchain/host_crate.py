"""Rust tools xccgen builds for itself from crates/<crate> with the host toolchain: the wasm
checker (crates/wasmkit) and the sandbox engine (crates/sandbox).

Each is built once into the shared cache, `<cache>/target/<crate>/release/<binary>`, and
rebuilt when a source file of its crate is newer than the binary.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from xccgen.errors import BuildError, ToolchainMissing, XccgenError
from xccgen.paths import cache_dir, crates_dir
from xccgen.toolchain.base import Progress, run_install


def host_cargo() -> str | None:
    """The host toolchain's cargo: rustup's first (it has no wasm target, none is needed: these
    are native binaries, not contracts), else the one on PATH."""
    rustup_cargo = Path.home() / ".cargo" / "bin" / "cargo"
    return str(rustup_cargo) if rustup_cargo.is_file() else shutil.which("cargo")


@dataclass(frozen=True)
class HostCrate:
    crate: str  # the directory under crates/, and under the cache's target/
    binary: str  # the binary cargo builds
    description: str  # what the binary is, for messages: "the wasm checker"
    note: str = ""  # added to the progress line when it builds: "a cold build takes minutes"

    @property
    def crate_dir(self) -> Path:
        return crates_dir() / self.crate

    @property
    def manifest(self) -> Path:
        return self.crate_dir / "Cargo.toml"

    @property
    def target_dir(self) -> Path:
        return cache_dir() / "target" / self.crate

    @property
    def binary_path(self) -> Path:
        return self.target_dir / "release" / self.binary

    def sources(self) -> list[Path]:
        """The files a build reads: the manifest, the lock file and every `.rs` under src/."""
        crate = self.crate_dir
        files = [crate / "Cargo.toml", crate / "Cargo.lock", *sorted((crate / "src").rglob("*.rs"))]
        return [f for f in files if f.is_file()]

    def is_built(self) -> bool:
        """The binary exists and is newer than every source file of the crate."""
        binary = self.binary_path
        if not binary.is_file():
            return False
        built = binary.stat().st_mtime
        return all(src.stat().st_mtime <= built for src in self.sources())

    def build_command(self, cargo: str = "cargo") -> list[str]:
        return [cargo, "build", "--release", "--locked", "--manifest-path", str(self.manifest)]

    def install_hint(self) -> str:
        """The shell command that builds the binary where xccgen looks for it."""
        return f"CARGO_TARGET_DIR={self.target_dir} " + " ".join(self.build_command())

    def build(self, progress: Progress | None = None) -> Path:
        """Build the binary with the host cargo, whether or not it is current."""
        cargo = host_cargo()
        if cargo is None:
            raise ToolchainMissing(
                f"cargo is missing (needed to build {self.binary}, {self.description}): install "
                "Rust with rustup (https://rustup.rs) or `apt-get install -y cargo`"
            )
        say = progress or (lambda msg: print(msg, file=sys.stderr))
        note = f"; {self.note}" if self.note else ""
        say(f"building {self.binary} (crates/{self.crate}) with {cargo}{note}")
        env = {**os.environ, "CARGO_TARGET_DIR": str(self.target_dir)}
        try:
            run_install(self.build_command(cargo), say, env=env)
        except XccgenError as exc:
            raise BuildError(f"building {self.binary} failed: {exc}") from None
        # cargo leaves the binary's mtime alone when nothing changed; mark it as current.
        self.binary_path.touch()
        return self.binary_path

    def ensure_built(self, progress: Progress | None = None) -> Path:
        """The binary, built first if it is missing or older than its sources."""
        return self.binary_path if self.is_built() else self.build(progress)
