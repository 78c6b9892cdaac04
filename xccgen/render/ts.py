"""TypeScript (near-sdk-js 2.x) spellings of IR types, literals and expressions."""

from __future__ import annotations

from xccgen import ir

FILTERS: dict = {}


def plan(contract: ir.Contract) -> list[tuple[str, str, dict]]:
    return []
