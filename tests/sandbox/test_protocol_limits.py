"""The protocol limits the spec rules enforce are the sandbox engine's own (near-parameters at
the protocol it runs): derived afresh, they equal the committed `xccgen/protocol_limits.json`."""

from __future__ import annotations

import pytest

from xccgen.protocol_limits import limits
from xccgen.toolchain import protocol

pytestmark = pytest.mark.toolchain


def test_committed_protocol_limits_are_the_engines():
    assert protocol.derive() == limits(), (
        "the sandbox engine's protocol limits changed: refresh them with "
        "`python -m xccgen.toolchain.protocol`"
    )
