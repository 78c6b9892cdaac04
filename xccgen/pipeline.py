"""The front half of the pipeline, one spec at a time: load (spec) -> resolve (IR) -> check
(analysis). Every command that needs a contract starts here."""

from __future__ import annotations

from pathlib import Path

from xccgen import ir
from xccgen.analysis.checks import Finding, check, enforce
from xccgen.ir.resolve import resolve
from xccgen.spec.loader import load
from xccgen.spec.source import Source


def load_contract(path: Path | str, strict: bool = False) -> ir.Contract:
    """Load, validate, resolve and check one spec file.

    Raises SpecError listing every problem: invalid input, and the safety checks' errors (and
    warnings too when `strict`). The checks' warnings are left to `xccgen check` to print.
    """
    return load_checked(path, strict)[0]


def load_checked(path: Path | str, strict: bool = False) -> tuple[ir.Contract, Source]:
    """`load_contract`, with the source positions for what is checked later (scenarios)."""
    contract, source = _resolve(Path(path))
    enforce(contract, source, strict)
    return contract, source


def load_with_findings(path: Path | str) -> tuple[ir.Contract, list[Finding], Source]:
    """(contract, findings, source) without enforcing: for the full `xccgen check` report."""
    contract, source = _resolve(Path(path))
    return contract, check(contract), source


def _resolve(path: Path) -> tuple[ir.Contract, Source]:
    spec, source = load(path)
    return resolve(spec, source, spec_name=path.stem), source
