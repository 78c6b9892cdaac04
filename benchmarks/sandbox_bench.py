"""Sandbox timings: engine start-up, one simple call, one three-hop cross-contract flow.

Run: python benchmarks/sandbox_bench.py [--calls N] [--contract WASM METHOD]
(`--contract` also times a contract of your own, e.g. a ~500 KB near-sdk-js build, calling
METHOD with no arguments: its first call compiles it unless the on-disk cache has it.)
Needs the engine (`xccgen toolchain install sandbox`) and wat2wasm.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from xccgen.sandbox import Sandbox

PROBE = Path(__file__).resolve().parent.parent / "tests" / "sandbox" / "contracts" / "probe.wat"


def probe_wasm() -> bytes:
    wat2wasm = shutil.which("wat2wasm")
    if not wat2wasm:
        raise SystemExit("wat2wasm is missing: run `xccgen toolchain install sandbox`")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "probe.wasm"
        subprocess.run([wat2wasm, str(PROBE), "-o", str(out)], check=True)
        return out.read_bytes()


def per_call(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--contract", nargs=2, metavar=("WASM", "METHOD"))
    parser.add_argument(
        "--fresh-cache", action="store_true", help="start with an empty compiled-contract cache"
    )
    opts = parser.parse_args()
    n = opts.calls
    wasm = probe_wasm()

    fresh = tempfile.TemporaryDirectory() if opts.fresh_cache else None
    start = time.perf_counter()
    sb = Sandbox(cache_dir=fresh.name if fresh else None)
    startup = time.perf_counter() - start
    with sb:
        sb.create_account("user.test.near", "1000 NEAR")
        for name in ("a.test.near", "b.test.near"):
            sb.create_account(name, "10 NEAR")
            sb.deploy(name, wasm)
        first = time.perf_counter()
        sb.call("user.test.near", "a.test.near", "echo", "x")
        first_call = time.perf_counter() - first
        simple = per_call(lambda: sb.call("user.test.near", "a.test.near", "echo", "x"), n)
        out = sb.call("user.test.near", "a.test.near", "forward", "b.test.near")
        assert out.text() == "ok:relayed", out
        flow = per_call(
            lambda: sb.call("user.test.near", "a.test.near", "forward", "b.test.near"), n
        )
        reset = per_call(sb.reset, n)
        if opts.contract:
            wasm_path, method = opts.contract
            sb.create_account("user.test.near", "1000 NEAR")
            sb.create_account("c.test.near", "100 NEAR")
            sb.deploy("c.test.near", Path(wasm_path))
            first = time.perf_counter()
            out = sb.call("user.test.near", "c.test.near", method)
            contract_first = time.perf_counter() - first
            assert out.status == "success", out
            contract_call = per_call(lambda: sb.call("user.test.near", "c.test.near", method), n)
    print(f"engine start-up (process + ping):        {startup * 1000:8.2f} ms")
    print(f"first call (compiles or loads the cache): {first_call * 1000:8.2f} ms")
    print(f"simple call (tx + 1 receipt + refund):   {simple * 1000:8.2f} ms  (mean of {n})")
    print(f"three-hop flow (forward/relay/echo/cb):  {flow * 1000:8.2f} ms  (mean of {n})")
    print(f"reset to genesis:                        {reset * 1000:8.2f} ms")
    if opts.contract:
        size = Path(opts.contract[0]).stat().st_size // 1024
        first_ms = contract_first * 1000
        print(f"{opts.contract[1]} on {size} KiB contract, first call: {first_ms:8.2f} ms")
        print(
            f"{opts.contract[1]} on {size} KiB contract, per call:   {contract_call * 1000:8.2f} ms"
        )


if __name__ == "__main__":
    main()
