"""What every part of the resolver shares: the spec, the problems found so far, and how to
report one (`file:line path: message`)."""

from __future__ import annotations

from xccgen import ir
from xccgen.spec import model as m
from xccgen.spec.names import (
    identifier_problem,
    wire_name_problem,
)
from xccgen.spec.source import PathKey, Source


class Problems(Exception):
    """Raised internally to abandon one part of the spec after recording why."""


class ResolverBase:
    def __init__(self, spec: m.Spec, source: Source):
        self.spec = spec
        self.source = source
        self.problems: list[str] = []
        self.structs: dict[str, ir.Struct] = {}
        self.state: dict[str, ir.StateField] = {}
        self.externals: dict[str, ir.External] = {}
        self.hook_paths: dict[str, PathKey] = {}  # each hook's name, where the spec names it

    def fail(self, path: PathKey, message: str) -> None:
        self.problems.append(self.source.error(path, message))

    def abort(self, path: PathKey, message: str) -> Problems:
        self.fail(path, message)
        return Problems()

    def check_identifier(self, path: PathKey, name: str, what: str) -> bool:
        problem = identifier_problem(name, what)
        if problem:
            self.fail(path, problem)
        return problem is None

    def check_wire_name(self, path: PathKey, name: str, what: str) -> None:
        problem = wire_name_problem(name, what)
        if problem:
            self.fail(path, problem)
