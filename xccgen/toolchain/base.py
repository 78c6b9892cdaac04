"""A toolchain piece: something a build needs, how to tell it is there, how to install it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xccgen.errors import ToolchainMissing, XccgenError

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Piece:
    target: str  # one of toolchain.TARGETS: the `xccgen toolchain install TARGET` that installs it
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
    """Run an install step, passing on the lines that show it is moving (cargo's `Compiling
    ...`), and fail with the tail of its output on error."""
    progress("$ " + " ".join(cmd))
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip())
        if line.lstrip().startswith(("Compiling ", "Finished ")):
            progress("  " + line.strip())
    if proc.wait() != 0:
        tail = "\n".join(lines[-20:])
        raise XccgenError(f"`{' '.join(cmd)}` failed with exit code {proc.returncode}:\n{tail}")


_apt_updated = False


def apt_install(packages: list[str], progress: Progress) -> None:
    """`apt-get install` without questions; `apt-get update` runs once per process first."""
    global _apt_updated
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        run_install(["apt-get", "update"], progress, env=env)
        _apt_updated = True
    run_install(["apt-get", "install", "-y", *packages], progress, env=env)


def apt_tool_piece(target: str, command: str, package: str, description: str) -> Piece:
    """A piece that is one command on PATH, installed from one Debian package."""
    return Piece(
        target=target,
        name=command,
        description=description,
        present=lambda: shutil.which(command) is not None,
        install_hint=f"apt-get install -y {package}",
        install=lambda progress: apt_install([package], progress),
    )
