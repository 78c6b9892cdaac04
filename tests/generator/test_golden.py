"""Golden records: the test specs and a custom-templates project, compared byte for byte.

Regenerate after a reviewed change with:

    xccgen generate tests/generator/specs/*.yaml -o tests/generator/golden
    xccgen generate specs/advanced_xcc.yaml --templates tests/generator/custom_templates \\
        -o tests/generator/golden/custom_templates
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO
from xccgen.output import generate

GENERATOR = REPO / "tests" / "generator"
GOLDEN = GENERATOR / "golden"
CUSTOM = GENERATOR / "custom_templates"
TEST_SPECS = sorted((GENERATOR / "specs").glob("*.yaml"))
IGNORED = {"Cargo.lock"}


def on_disk(root: Path) -> dict[Path, str]:
    return {
        p: p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in IGNORED
    }


def assert_matches_golden(spec: Path, out_root: Path, templates: Path | None = None) -> dict:
    (output,) = generate([spec], out_root, ("rust", "ts"), templates)
    golden = on_disk(out_root / spec.stem)
    assert sorted(output.files) == sorted(golden), "files added or removed: regenerate (see top)"
    stale = [str(p.relative_to(out_root)) for p, text in output.files.items() if golden[p] != text]
    assert not stale, f"output differs from the golden files {stale}: regenerate (see top)"
    return output.files


@pytest.mark.toolchain
@pytest.mark.parametrize("spec", TEST_SPECS, ids=lambda p: p.stem)
def test_test_specs_generate_their_golden_output(spec):
    assert_matches_golden(spec, GOLDEN)


@pytest.mark.toolchain
def test_custom_templates_change_both_targets_callbacks():
    spec = REPO / "specs" / "advanced_xcc.yaml"
    files = assert_matches_golden(spec, GOLDEN / "custom_templates", CUSTOM)
    by_name = {p.relative_to(GOLDEN / "custom_templates" / spec.stem): t for p, t in files.items()}

    # TypeScript: the override of `log_text` reaches every callback's fixed failure lines ...
    contract = " ".join(by_name[Path("ts/src/contract.ts")].split())
    custom_lines = re.findall(
        r'near\.log\( ?near\.currentAccountId\(\) \+ ": " \+ "([^"]+)"', contract
    )
    assert "hello.get_greeting failed" in custom_lines
    assert "counter.get_num returned an invalid response format" in custom_lines
    # ... and nothing else: the spec's own log lines are written as before.
    assert 'near.log("The call to Counter failed");' in contract

    # Rust: the same override of the same macro, and `env` is imported for it.
    source = " ".join(by_name[Path("rust/src/multiple_contracts.rs")].split())
    assert (
        'log!( "{}: {}", env::current_account_id(), '
        '"counter.get_num returned an invalid response format" );'
    ) in source
    assert 'log!("The call to Counter failed");' in source

    # Files the override does not touch come from the built-in templates, unchanged.
    builtin = REPO / "generated" / spec.stem
    for path in ("rust/src/lib.rs", "rust/src/outcome.rs", "ts/src/types.ts"):
        assert by_name[Path(path)] == (builtin / path).read_text(encoding="utf-8"), path
