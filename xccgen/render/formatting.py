"""The ecosystem's formatters, pinned, run over every generated source file after rendering.

Templates write code; rustfmt and prettier lay it out. Output never depends on the machine: both
versions are pinned by xccgen's toolchain (`xccgen toolchain install rust|ts`), their settings are
files of the generated project itself (`rustfmt.toml`, `.prettierrc.yaml`, so `cargo fmt` and
`npx prettier` in a checkout agree), and a missing or different formatter stops generation instead
of writing text laid out some other way.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xccgen.errors import XccgenError

# The versions whose layout the committed generated code has; the toolchain installs exactly these.
RUSTFMT_VERSION = "1.9.0"  # Debian's rustfmt-web, beside the rustc-web that builds contracts
PRETTIER_VERSION = "3.10.1"  # pinned in xccgen/toolchain/node/package.json


@dataclass(frozen=True)
class Formatter:
    name: str
    suffixes: tuple[str, ...]  # the files it formats
    config: str  # its settings file, rendered into every project of the target

    def command(self, root: Path, files: list[str]) -> list[str]:
        from xccgen.toolchain import rust, ts  # lazily: importing them probes nothing

        if self.name == "rustfmt":
            rust.RUSTFMT_PIECE.require()
            return [str(rust.RUSTFMT), "--config-path", str(root / self.config), *files]
        ts.PRETTIER_PIECE.require()
        return [
            "node",
            str(ts.prettier_script()),
            "--config",
            str(root / self.config),
            "--no-editorconfig",
            "--log-level",
            "warn",
            "--write",
            *files,
        ]


FORMATTERS = {
    "rust": Formatter("rustfmt", (".rs",), "rustfmt.toml"),
    "ts": Formatter("prettier", (".ts",), ".prettierrc.yaml"),
}


def format_project(target: str, files: dict[str, str]) -> dict[str, str]:
    """Every file of one target's project (path -> text), its sources formatted in one run.

    The project is laid out in a scratch directory, so `mod` declarations resolve and the
    formatter reads the project's own settings file.
    """
    formatter = FORMATTERS[target]
    sources = sorted(path for path in files if path.endswith(formatter.suffixes))
    if not sources:
        return files
    if formatter.config not in files:
        raise XccgenError(
            f"the {target} templates wrote no {formatter.config}, which {formatter.name} reads"
        )
    with tempfile.TemporaryDirectory(prefix="xccgen-fmt-") as tmp:
        root = Path(tmp)
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8", newline="\n")
        proc = subprocess.run(
            formatter.command(root, sources), cwd=root, capture_output=True, text=True
        )
        if proc.returncode != 0:
            # The templates wrote code that does not parse: a bug in xccgen or in an override.
            detail = (proc.stderr or proc.stdout).strip().replace(str(root) + "/", "")
            raise XccgenError(
                f"{formatter.name} rejected the generated {target} code (a template wrote code "
                f"that does not parse):\n{detail}"
            )
        formatted = {path: (root / path).read_text(encoding="utf-8") for path in sources}
    return {**files, **formatted}
