"""The generated projects compile for real: clippy-clean Rust whose unit tests pass, and
TypeScript that type-checks against near-sdk-js 2.0.0's own types."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, SPECS
from xccgen.output import generate, write
from xccgen.paths import cache_dir

# Specs made for testing the generator itself: hostile strings, and every branch it has.
EXTRA_SPECS = sorted((REPO / "tests" / "generator" / "specs").glob("*.yaml"))
pytestmark = [pytest.mark.toolchain, pytest.mark.slow]


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"`{' '.join(cmd)}` failed in {cwd}:\n{output[-6000:]}"
    return output


def cargo_env() -> dict:
    # One shared target directory: near-sdk and its dependencies compile once for all projects.
    return {**os.environ, "CARGO_TARGET_DIR": str(cache_dir() / "target" / "native")}


ALL_SPECS = SPECS + EXTRA_SPECS


@pytest.fixture(scope="module")
def generated_extra(tmp_path_factory) -> Path:
    """The test-only specs, generated for both targets (the examples are committed)."""
    out = tmp_path_factory.mktemp("generated")
    write(generate(EXTRA_SPECS, out, ("rust", "ts")), out, ("rust", "ts"), force=False)
    return out


def project_of(spec: Path, target: str, generated_extra: Path) -> Path:
    root = REPO / "generated" if spec in SPECS else generated_extra
    return root / spec.stem / target


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda p: p.stem)
def test_rust_project_is_clippy_clean_and_its_unit_tests_pass(spec, generated_extra):
    if shutil.which("cargo") is None:
        pytest.fail("cargo is not installed: run `xccgen toolchain install rust`")
    project = project_of(spec, "rust", generated_extra)
    run(["cargo", "fmt", "--check"], project)
    run(["cargo", "clippy", "--all-targets", "--", "-D", "warnings"], project, cargo_env())
    output = run(["cargo", "test"], project, cargo_env())
    passed = [int(n) for n in re.findall(r"test result: ok\. (\d+) passed", output)]
    assert passed and passed[0] >= 3, f"the generated unit tests must run:\n{output[-3000:]}"


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda p: p.stem)
def test_typescript_project_type_checks_against_near_sdk_js(spec, tmp_path, generated_extra):
    """`tsc --noEmit` with near-sdk-js 2.0.0's own types (installed with --ignore-scripts)."""
    from xccgen.toolchain.ts import node_modules_dir

    modules = node_modules_dir()
    if not (modules / "near-sdk-js").is_dir():
        pytest.fail("near-sdk-js is not installed: run `xccgen toolchain install ts`")
    project = tmp_path / "ts"
    shutil.copytree(project_of(spec, "ts", generated_extra), project)
    (project / "node_modules").symlink_to(modules)
    run([str(modules / ".bin" / "tsc"), "--noEmit", "-p", "tsconfig.json"], project)
    # The ava + near-workspaces tests only run online, but they must type-check here.
    run([str(modules / ".bin" / "tsc"), "--noEmit", "-p", "sandbox-test"], project)


def test_generated_sandbox_tests_compile(tmp_path):
    """The near-workspaces tests are only run online, but they must compile offline."""
    project = REPO / "generated" / SPECS[0].stem / "rust" / "sandbox-tests"
    # near-workspaces' build script downloads the sandbox node unless told where one is; the
    # tests are not run here, so any path will do.
    env = {
        **cargo_env(),
        "CARGO_TARGET_DIR": str(cache_dir() / "target" / "workspaces"),
        "NEAR_SANDBOX_BIN_PATH": "/bin/true",
    }
    run(["cargo", "test", "--no-run"], project, env)
