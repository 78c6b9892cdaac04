"""A toolchain piece: something a build needs, how to tell it is there, how to install it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xccgen.errors import ToolchainMissing, XccgenError

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Piece:
    target: str  # "rust", "ts" or "sandbox": the `xccgen toolchain install TARGET` that installs it
    name: str
    description: str
    present: Callable[[], bool]
    install_hint: str  # the exact shell command a user can run themselves
    install: Callable[[Progress], None]

    def require(self) -> None:
        """Fail fast with the one-line explanation when this piece is missing."""
        if not self.present():
            raise ToolchainMissing(
                f"{self.name} is missing ({self.description}): run `xccgen toolchain install "
                f"{self.target}` or `{self.install_hint}`"
            )


def run_install(cmd: Sequence[str], progress: Progress, **kwargs) -> None:
    """Run an install command, streaming nothing but failing with its output on error."""
    progress("$ " + " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise XccgenError(f"`{' '.join(cmd)}` failed with exit code {proc.returncode}:\n{tail}")
