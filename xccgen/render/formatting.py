"""Run the ecosystem's own formatter over generated Rust, so output reads as rustfmt writes it."""

from __future__ import annotations

import shutil
import subprocess

from xccgen.errors import XccgenError


def rustfmt(text: str, path: str) -> str:
    """`text` as rustfmt (edition 2021) formats it; unchanged when rustfmt is not installed."""
    exe = shutil.which("rustfmt")
    if exe is None:
        return text
    proc = subprocess.run(
        [exe, "--edition", "2021", "--emit", "stdout", "--quiet"],
        input=text,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        # A template produced invalid Rust: a bug in xccgen or in a user's template override.
        raise XccgenError(f"generated {path} is not valid Rust:\n{proc.stderr.strip()}")
    return proc.stdout
