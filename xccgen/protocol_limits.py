"""The NEAR protocol limits the spec's rules enforce, as the sandbox's near-parameters has them.

The numbers are not written here: `python -m xccgen.toolchain.protocol` asks the sandbox engine
(nearcore's own `RuntimeConfigStore`, at the protocol version it runs) and writes them to
`protocol_limits.json`, which a sandbox test derives again. Validation reads the file, so it
works on a machine without any toolchain.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

LIMITS_FILE = Path(__file__).with_name("protocol_limits.json")


@functools.cache
def limits() -> dict[str, int]:
    return json.loads(LIMITS_FILE.read_text(encoding="utf-8"))


def max_log_bytes() -> int:
    """All logs of one function call together (`max_total_log_length`)."""
    return limits()["max_total_log_length"]
