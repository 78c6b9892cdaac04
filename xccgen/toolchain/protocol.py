"""Derive `xccgen/protocol_limits.json` from the sandbox engine, which reads them from
near-parameters' `RuntimeConfigStore` at the protocol version it runs (never copied by hand).

    python -m xccgen.toolchain.protocol      # needs `xccgen toolchain install sandbox`
"""

from __future__ import annotations

import json

from xccgen.protocol_limits import LIMITS_FILE

FIELDS = (
    "protocol_version",
    "max_total_log_length",
    "max_number_logs",
    "max_total_prepaid_gas",
    "max_gas_burnt",
    "max_arguments_length",
    "max_length_returned_data",
)


def derive() -> dict[str, int]:
    from xccgen.sandbox import Sandbox

    with Sandbox() as sandbox:
        found = sandbox.request("ping")
    return {name: int(found[name]) for name in FIELDS}


def main() -> None:
    found = derive()
    LIMITS_FILE.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {LIMITS_FILE} (protocol {found['protocol_version']})")


if __name__ == "__main__":
    main()
