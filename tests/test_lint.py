"""The project's own Python is black-formatted and ruff-clean (cheap, so part of the suite)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

PATHS = ["xccgen", "tests", "benchmarks"]


def test_black():
    proc = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", *PATHS],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_ruff():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *PATHS], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout
