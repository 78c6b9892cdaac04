"""Shared setup for the sandbox engine tests: WAT contracts compiled with wat2wasm at test time."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CONTRACTS = Path(__file__).parent / "contracts"


def compile_wat(name: str, out_dir: Path) -> Path:
    wat2wasm = shutil.which("wat2wasm")
    if wat2wasm is None:
        pytest.fail("wat2wasm is missing: run `xccgen toolchain install sandbox`")
    out = out_dir / f"{name}.wasm"
    subprocess.run([wat2wasm, str(CONTRACTS / f"{name}.wat"), "-o", str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def probe_wasm(tmp_path_factory) -> bytes:
    return compile_wat("probe", tmp_path_factory.mktemp("wat")).read_bytes()


@pytest.fixture
def chain(sandbox, probe_wasm):
    """user.test.near (a plain account) and a/b.test.near running the probe contract."""
    sandbox.create_account("user.test.near", "100 NEAR")
    for name in ("a.test.near", "b.test.near"):
        sandbox.create_account(name, "10 NEAR")
        sandbox.deploy(name, probe_wasm)
    return sandbox
