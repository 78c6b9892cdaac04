"""The project's own Python is black-formatted and ruff-clean (cheap, so part of the suite)."""

from __future__ import annotations

import ast
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


def test_no_test_skips_itself():
    """A skipped test hides a defect: a missing tool or fixture must fail, naming the fix."""
    skips = {"skip", "skipif", "importorskip"}
    found = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in skips:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.attr}")
    assert not found, "\n".join(found)
