"""Parts of the sandbox API that need no engine: errors, the plugin's import, amount parsing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xccgen.errors import ToolchainMissing
from xccgen.sandbox import Sandbox
from xccgen.units import parse_deposit, parse_gas


def test_missing_engine_names_the_install_command(tmp_path):
    with pytest.raises(ToolchainMissing, match="xccgen toolchain install sandbox"):
        Sandbox(binary=tmp_path / "no-such-engine")


def test_plugin_imports_cheaply_without_an_engine(tmp_path):
    # An empty cache: no engine built. Importing the plugin must still work and stay light.
    heavy = ("rich", "click", "xccgen.toolchain.sandbox")
    code = (
        "import sys, xccgen.sandbox.pytest_plugin; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    env = {"XCCGEN_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "gas"),
    [("300 Tgas", 300 * 10**12), ("10 Tgas", 10**13), ("0.5 Tgas", 5 * 10**11), (42, 42)],
)
def test_parse_gas(text, gas):
    assert parse_gas(text) == gas


@pytest.mark.parametrize(
    ("text", "yocto"),
    [("1 NEAR", 10**24), ("0.5 NEAR", 5 * 10**23), (0, 0), ("7", 7), (10**30, 10**30)],
)
def test_parse_deposit(text, yocto):
    assert parse_deposit(text) == yocto


@pytest.mark.parametrize("bad", ["1 FOO", "-1", "1.5", "NEAR", "0.0000000000000000000000001 NEAR"])
def test_parse_deposit_rejects(bad):
    with pytest.raises(ValueError):
        parse_deposit(bad)
