"""Where xccgen finds its own files and keeps its caches."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# In a source checkout the package sits in the repository root; templates, fixtures and the
# Rust crates live beside it. An installed wheel carries the templates inside the package.
REPO_ROOT = PACKAGE_DIR.parent


def templates_dir() -> Path:
    bundled = PACKAGE_DIR / "templates"
    return bundled if bundled.is_dir() else REPO_ROOT / "templates"


def cache_dir() -> Path:
    """Heavy build outputs shared by every project: `$XCCGEN_CACHE`, else ~/.cache/xccgen."""
    root = os.environ.get("XCCGEN_CACHE")
    path = Path(root) if root else Path.home() / ".cache" / "xccgen"
    path.mkdir(parents=True, exist_ok=True)
    return path


def crates_dir() -> Path:
    return REPO_ROOT / "crates"


def fixtures_dir() -> Path:
    return REPO_ROOT / "fixtures"
