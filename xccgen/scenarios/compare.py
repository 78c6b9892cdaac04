"""Cross-target comparison: the Rust and TypeScript builds of one spec must agree."""

from __future__ import annotations

from xccgen.scenarios.runner import Result


def compare_targets(results: list[tuple[str, Result]]) -> list[str]:
    """Rust and TypeScript builds of one spec must return and log the same things."""
    by_key: dict[tuple[str, str], dict[str, Result]] = {}
    for spec_name, r in results:
        by_key.setdefault((spec_name, r.scenario), {})[r.target] = r
    out = []
    for (spec_name, scenario), runs in by_key.items():
        first, *rest = runs.values()
        for other in rest:
            where = f"{spec_name}/{scenario}: {first.target} vs {other.target}:"
            if (first.status, first.value) != (other.status, other.value):
                out.append(
                    f"{where} {first.status} {first.value!r} vs {other.status} {other.value!r}"
                )
            if first.logs != other.logs:
                out.append(f"{where} logs {first.logs!r} vs {other.logs!r}")
    return out
