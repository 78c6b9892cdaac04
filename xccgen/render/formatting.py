"""Run the ecosystem's own formatter over generated Rust, so output reads as rustfmt writes it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from xccgen.errors import XccgenError


def rustfmt_files(files: dict[str, str]) -> dict[str, str]:
    """Format every `.rs` file of one project (path -> text) with a single rustfmt run.

    The files are laid out as in the project so `mod` declarations resolve. Without rustfmt
    installed the text is returned unchanged.
    """
    exe = shutil.which("rustfmt")
    rust = {path: text for path, text in files.items() if path.endswith(".rs")}
    if exe is None or not rust:
        return files
    with tempfile.TemporaryDirectory(prefix="xccgen-fmt-") as tmp:
        root = Path(tmp)
        for path, text in rust.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [exe, "--edition", "2021", *sorted(rust)], cwd=root, capture_output=True, text=True
        )
        if proc.returncode != 0:
            # A template produced invalid Rust: a bug in xccgen or in a user's template override.
            raise XccgenError(f"generated Rust is not valid:\n{proc.stderr.strip()}")
        formatted = {path: (root / path).read_text(encoding="utf-8") for path in rust}
    return {**files, **formatted}
