"""Spec front doors (YAML and the Python DSL) and their resolution into the IR."""

from __future__ import annotations

from pathlib import Path

from xccgen import ir
from xccgen.spec.loader import load
from xccgen.spec.resolve import resolve


def load_contract(path: Path | str, strict: bool = False) -> ir.Contract:
    """Load, validate, resolve and check one spec file.

    Raises SpecError listing every problem: invalid input, and the safety checks' errors (and
    warnings too when `strict`). The checks' warnings are left to `xccgen check` to print.
    """
    from xccgen.checks import enforce

    path = Path(path)
    spec, source = load(path)
    contract = resolve(spec, source, spec_name=path.stem)
    enforce(contract, source, strict)
    return contract


def load_with_findings(path: Path | str):
    """(contract, findings, source) without enforcing: for the full `xccgen check` report."""
    from xccgen.checks import check

    path = Path(path)
    spec, source = load(path)
    contract = resolve(spec, source, spec_name=path.stem)
    return contract, check(contract), source
