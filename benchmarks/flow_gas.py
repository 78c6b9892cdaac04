"""Gas burnt by each example spec's flows in the sandbox, per target, beside the static estimate.

For every scenario of every spec in specs/, the gas its call burnt on the Rust and on the
TypeScript build, the TypeScript/Rust ratio, and the static estimate `xccgen check` uses (an
upper bound of the prepaid gas: its error is visible here).

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
    if proc.returncode != 0:
        raise SystemExit("some scenarios failed; the figures above are still what they burnt")


if __name__ == "__main__":
    main()
