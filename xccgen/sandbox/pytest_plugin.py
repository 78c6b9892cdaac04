"""pytest plugin (entry point `xccgen_sandbox`): the `sandbox` fixture, a fresh local NEAR chain
per test. One engine process serves the whole session and is reset between tests, so a test
pays milliseconds, not a process start. Importing this module imports nothing heavy and never
fails when the engine is not built; the fixture then fails with the command that builds it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def _xccgen_sandbox_engine():
    from xccgen.sandbox import Sandbox

    engine = Sandbox()
    yield engine
    engine.close()


@pytest.fixture
def sandbox(_xccgen_sandbox_engine):
    """A `xccgen.sandbox.Sandbox` at an empty genesis (compiled contracts stay cached)."""
    _xccgen_sandbox_engine.reset()
    return _xccgen_sandbox_engine
