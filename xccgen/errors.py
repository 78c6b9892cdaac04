"""Errors that the CLI reports as one clear line instead of a traceback."""

from __future__ import annotations


class XccgenError(Exception):
    """Base class: the message is shown to the user as-is, and the command exits non-zero."""


class SpecError(XccgenError):
    """One or more problems in a spec; each names the spec path (and the line, for YAML)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ToolchainMissing(XccgenError):
    """A compiler or tool that a build needs is not installed."""


class BuildError(XccgenError):
    """A compiler ran and failed, or an artifact failed its checks."""
