"""Where each part of a spec came from, so every error can name `file:line path`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PathKey = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """`("flows", "x", "parallel", 2, "call")` -> `flows.x.parallel[2].call`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A key that is not plain text (a newline, a quote) is shown as Python writes it.
            text = part if part.isprintable() and '"' not in part else repr(part)
            out += ("." if out else "") + text
    return out or "(top level)"


@dataclass
class Source:
    """A loaded spec file: its display name and, for YAML, the line of every key and item.

    `line_index` maps a path to its line; it is computed only when a problem is reported, since
    reading line numbers needs the (slow) round-trip YAML parser.
    """

    file: Path
    line_index: Callable[[], dict[PathKey, int]] | None = None
    _lines: dict[PathKey, int] | None = field(default=None, repr=False)

    @property
    def lines(self) -> dict[PathKey, int]:
        if self._lines is None:
            self._lines = self.line_index() if self.line_index else {}
        return self._lines

    @property
    def display(self) -> str:
        try:
            return str(self.file.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(self.file)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None

    def where(self, path: Sequence[str | int]) -> str:
        line = self.line_of(path)
        return f"{self.display}:{line}" if line else self.display

    def error(self, path: Sequence[str | int], message: str) -> str:
        return f"{self.where(path)} {format_path(path)}: {message}"
