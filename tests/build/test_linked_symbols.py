"""The names a method may not have because a build links a function of that name in are the
toolchains' own: derived afresh from a probe contract built in both targets, they must equal
the committed list the spec's name rules read (`xccgen/spec/linked_symbols.json`)."""

from __future__ import annotations

import pytest

from xccgen.toolchain import symbols

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]


def test_committed_linked_symbols_are_what_the_toolchains_link():
    fresh = symbols.derive(progress=lambda line: None)
    committed = symbols.committed()
    for kind in ("rust", "ts", "host"):
        added = sorted(set(fresh[kind]) - set(committed[kind]))
        dropped = sorted(set(committed[kind]) - set(fresh[kind]))
        assert not added and not dropped, (
            f"{kind}: the toolchain now links {added} and no longer {dropped}; refresh the list "
            "with `python -m xccgen.toolchain.symbols`"
        )
    # The functions that caused real failures are among them.
    assert {"memcpy", "memset", "memory"} <= set(fresh["rust"])
    assert {"abort", "malloc", "free", "memcpy"} <= set(fresh["ts"])
    assert {"panic", "log_utf8", "storage_write"} <= set(fresh["host"])
