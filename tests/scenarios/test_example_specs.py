"""Every example spec's scenarios, and those of the feature test specs, on both builds, in the
sandbox (`xccgen test`)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, SPECS

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_scenarios_pass_on_every_target(spec, cli, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    result = cli("test", spec.relative_to(REPO), "--build-dir", tmp_path / "build")
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


# Test specs whose scenarios exercise a feature on both builds (the generator tests compile them).
FEATURE_SPECS = [
    REPO / "tests" / "generator" / "specs" / f"{name}.yaml"
    for name in ("registry", "guards", "conditions")
]


@pytest.mark.parametrize("spec", FEATURE_SPECS, ids=lambda p: p.stem)
def test_feature_spec_scenarios_pass_on_every_target(spec, cli, tmp_path):
    result = cli("test", spec, "-o", tmp_path / "generated", "--build-dir", tmp_path / "build")
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output
