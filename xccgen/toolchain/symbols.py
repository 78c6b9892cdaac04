"""Derive the symbols each contract toolchain links into every module, for the spec's name rules.

A NEAR method is a wasm export of a C-ABI function of the same name. A method named like a
function the build already links in (`memcpy` from Rust's compiler builtins, `malloc` or
`abort` from the WASI libc and QuickJS under near-sdk-js, a host function such as `log_utf8`)
replaces it or collides with it: the build fails, or worse, succeeds and traps at run time.
So the spec rejects those names, and the list comes from the toolchains themselves:

- Rust: the function names of a linked (not yet optimised) probe contract's name section,
  and its exports (`memory`, near-sdk's `contract_source_metadata`);
- TypeScript: every external symbol that the QuickJS engine objects and the WASI libc define
  (`llvm-nm`), which is what near-sdk-js links each contract's methods against;
- both: the host functions of the NEAR runtime (crates/wasmkit's list).

Only names a spec could choose (snake_case) are kept. The result is committed as
`xccgen/spec/linked_symbols.json` (validation must work without any toolchain), and a test
derives it afresh to catch a toolchain that changed. Refresh it after changing a toolchain pin:

    python -m xccgen.toolchain.symbols      # builds a probe contract in both targets
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from xccgen.errors import ToolchainMissing
from xccgen.paths import PACKAGE_DIR, cache_dir
from xccgen.toolchain.wasi_cc import KEEP_LINKED, WASI_LIBC

LINKED_SYMBOLS = PACKAGE_DIR / "spec" / "linked_symbols.json"
SPEC_NAME = re.compile(r"[a-z][a-z0-9_]*")
# The smallest contract that links everything a generated one does: a call and its callback.
PROBE_SPEC = """\
contract:
  name: probe
externals:
  other:
    account: other.near
    methods:
      ping: {returns: string}
flows:
  ask:
    call: {call: other.ping}
    then: {on_success: {return: result}, on_failure: {return: {value: ""}}}
"""


def derive(progress=print) -> dict[str, list[str]]:
    """Build the probe in both targets and collect what each links in."""
    from xccgen.compile.rust import build_rust
    from xccgen.compile.ts import build_ts
    from xccgen.compile.wasm import host_functions, symbols
    from xccgen.output import generate, write

    with tempfile.TemporaryDirectory(prefix="xccgen-symbols-") as tmp:
        root = Path(tmp)
        spec = root / "probe.yaml"
        spec.write_text(PROBE_SPEC, encoding="utf-8")
        outputs = generate([spec], root / "out")
        write(outputs, root / "out", ("rust", "ts"), force=False)
        own = set(outputs[0].contract.exported_methods())
        raw = root / "raw.wasm"
        build_rust(root / "out" / "probe" / "rust", root / "rust.wasm", progress, keep_raw=raw)
        linked = symbols(raw)
        rust = set(linked["functions"]) | set(linked["exports"])
        linked_ts = root / "linked.wasm"
        os.environ[KEEP_LINKED] = str(linked_ts)
        try:
            build_ts(root / "out" / "probe" / "ts", root / "ts.wasm", progress)
        finally:
            del os.environ[KEEP_LINKED]
        # Linked in (the libc archive's unused members are not) and visible to the linker
        # (QuickJS's static functions cannot collide with anything).
        ts = set(symbols(linked_ts)["functions"]) & _external_symbols(
            [*sorted((cache_dir() / "ts-objects").glob("*.o")), Path(WASI_LIBC)]
        )
    return {
        "rust": _spec_names(rust - own),
        "ts": _spec_names(ts - own),
        "host": _spec_names(set(host_functions())),
    }


def _external_symbols(objects: list[Path]) -> set[str]:
    from xccgen.toolchain.ts import LLVM_NM

    if not LLVM_NM.is_file():
        raise ToolchainMissing(f"{LLVM_NM} is missing: run `xccgen toolchain install ts`")
    proc = subprocess.run(
        [
            str(LLVM_NM),
            "--defined-only",
            "--extern-only",
            "--format=just-symbols",
            *map(str, objects),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.strip() for line in proc.stdout.splitlines() if line and not line.endswith(":")}


def _spec_names(names: set[str]) -> list[str]:
    return sorted(n for n in names if SPEC_NAME.fullmatch(n))


def committed() -> dict[str, list[str]]:
    return json.loads(LINKED_SYMBOLS.read_text(encoding="utf-8"))


def main() -> None:
    found = derive(progress=lambda line: print(line, file=sys.stderr))
    LINKED_SYMBOLS.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{len(v)} {k}" for k, v in found.items())
    print(f"wrote {LINKED_SYMBOLS} ({counts})")


if __name__ == "__main__":
    main()
