"""Spec front doors (YAML and the Python DSL) and their resolution into the IR."""

from __future__ import annotations

from pathlib import Path

from xccgen import ir
from xccgen.spec.loader import load
from xccgen.spec.resolve import resolve


def load_contract(path: Path | str) -> ir.Contract:
    """Load, validate and resolve one spec file; raises SpecError listing every problem."""
    path = Path(path)
    spec, source = load(path)
    return resolve(spec, source, spec_name=path.stem)
