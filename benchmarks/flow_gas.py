"""Gas burnt by each example spec's flows in the sandbox, per target, beside the static estimate.

For every scenario of every spec in specs/, the gas its call burnt on the Rust and on the
TypeScript build, the TypeScript/Rust ratio, and the static estimate `xccgen check` uses (an
upper bound of the prepaid gas: its error is visible here).

Then, for specs/dex_aggregator.yaml, the gas of `best_swap`'s own receipt (the method that checks
the list, updates the map and schedules one call per pool) for 1, 4 and 8 pools on each target:
it should grow linearly with the pool count, so the per-pool increments are printed too.

Run: python benchmarks/flow_gas.py [SPEC...]     (builds what is missing, as `xccgen test`)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    specs = sys.argv[1:] or sorted(str(p) for p in (REPO / "specs").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "xccgen", "test", *specs, "--json", "--build-dir", tmp],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if not rows:
        raise SystemExit(f"xccgen test printed no results:\n{proc.stderr[-3000:]}")
    gas: dict[tuple[str, str], dict[str, dict]] = {}
    for row in rows:
        gas.setdefault((row["spec"], row["scenario"]), {})[row["target"]] = row
    columns = ("rust Tgas", "ts Tgas", "ts/rust", "estimate")
    print(f"{'spec':16} {'scenario':30} " + " ".join(f"{c:>10}" for c in columns))
    for (spec, scenario), runs in gas.items():
        rust, ts = runs.get("rust"), runs.get("ts")
        r = rust["gas_burnt"] / 1e12 if rust else float("nan")
        t = ts["gas_burnt"] / 1e12 if ts else float("nan")
        estimate = (rust or ts).get("estimate")
        guess = f"{estimate / 1e12:.0f}" if estimate else "-"
        print(f"{spec:16} {scenario:30} {r:10.2f} {t:10.2f} {t / r:10.2f} {guess:>10}")
    fan_out_gas()
    if proc.returncode != 0:
        raise SystemExit("some scenarios failed; the figures above are still what they burnt")


def fan_out_gas(pool_counts=(1, 4, 8)) -> None:
    """Own-receipt gas of dex_aggregator's best_swap per pool count, per target."""
    from xccgen.compile import TARGETS, build_contract, build_fixture
    from xccgen.pipeline import load_checked
    from xccgen.sandbox import Sandbox

    spec = REPO / "specs" / "dex_aggregator.yaml"
    contract, _ = load_checked(spec)
    pools = [f"p{i}.test.near" for i in range(1, max(pool_counts) + 1)]
    own: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pool_wasm = build_fixture("pool", "rust")
        for target in TARGETS:
            wasm = build_contract(
                REPO / "generated" / "dex_aggregator" / target,
                target,
                contract.spec_name,
                contract.exported_methods(),
                Path(tmp),
            ).path
            with Sandbox() as sandbox:
                sandbox.create_account("alice.test.near", "1000 NEAR")
                sandbox.create_account("contract.test.near", "50 NEAR")
                sandbox.deploy("contract.test.near", wasm)
                for index, pool in enumerate(pools):
                    sandbox.create_account(pool, "10 NEAR")
                    sandbox.deploy(pool, pool_wasm)
                    quote = {"quote": str(100 + index), "quote_mode": "Ok", "swap_fails": False}
                    sandbox.call("alice.test.near", pool, "new", quote)
                for count in pool_counts:
                    out = sandbox.call(
                        "alice.test.near",
                        "contract.test.near",
                        "best_swap",
                        {"pools": pools[:count], "amount_in": str(10**24), "min_out": "0"},
                        deposit="1 NEAR",
                    )
                    if out.status != "success":
                        raise SystemExit(f"{target}: best_swap over {count} pools: {out.error}")
                    own.setdefault(target, []).append(out.receipts[0].gas_burnt)
    print()
    print("dex_aggregator best_swap: gas of its own receipt (Tgas), by pool count")
    header = " ".join(f"{n:>6} pool{'s' if n > 1 else ' '}" for n in pool_counts)
    print(f"{'target':8} {header}   per pool added")
    for target in TARGETS:
        figures = own[target]
        steps = [
            (figures[i + 1] - figures[i]) / (pool_counts[i + 1] - pool_counts[i]) / 1e12
            for i in range(len(pool_counts) - 1)
        ]
        cells = " ".join(f"{g / 1e12:11.2f}" for g in figures)
        print(f"{target:8} {cells}   " + ", ".join(f"{s:.2f}" for s in steps))
    ratios = " ".join(f"{t / r:11.2f}" for r, t in zip(own["rust"], own["ts"], strict=True))
    print(f"{'ts/rust':8} {ratios}")


if __name__ == "__main__":
    main()
