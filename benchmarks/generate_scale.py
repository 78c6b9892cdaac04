"""Generation cost per flow for synthetic specs of 10, 100 and 1000 flows (both targets).

Prints seconds per flow for each size; the cost should stay flat (linear in the spec).
Target: 1000 flows, both targets, under 5 s. Run: python benchmarks/generate_scale.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from xccgen.output import generate

HEADER = """\
contract:
  name: scale
  state:
    hello_account: {type: AccountId, default: hello.testnet}
    counter_account: {type: AccountId, default: counter.testnet}
externals:
  hello:
    account: state.hello_account
    methods:
      get_greeting: {returns: string}
      set_greeting: {args: {greeting: string}}
  counter:
    account: state.counter_account
    methods: {get_num: {returns: i8}}
flows:
"""

FLOWS = [
    """  batch_{i}:
    batch: {{target: hello, calls: [{{set_greeting: {{greeting: "hi {i}"}}}}, get_greeting]}}
    then: {{on_success: {{return: result}}, on_failure: {{return: {{value: ""}}}}}}
""",
    """  parallel_{i}:
    parallel:
      - {{call: hello.get_greeting, as: greeting, on_failure: {{default: ""}}}}
      - {{call: counter.get_num, as: counter, on_failure: {{default: 0}}}}
    then: {{return: [greeting, counter]}}
""",
    """  fan_out_{i}:
    fan_out:
      over: [a, b, c]
      as: word
      batch: {{target: hello, calls: [{{set_greeting: {{greeting: "{{word}}"}}}}, get_greeting]}}
    then: {{collect: string, return: results}}
""",
]


def spec_text(flows: int) -> str:
    return HEADER + "".join(FLOWS[i % len(FLOWS)].format(i=i) for i in range(flows))


def main() -> None:
    print(f"{'flows':>6} {'seconds':>9} {'ms/flow':>9}")
    for size in (10, 100, 1000):
        with tempfile.TemporaryDirectory() as tmp:
            spec = Path(tmp) / "scale.yaml"
            spec.write_text(spec_text(size))
            start = time.perf_counter()
            generate([spec], Path(tmp) / "out", ("rust", "ts"))
            elapsed = time.perf_counter() - start
        print(f"{size:>6} {elapsed:>9.2f} {1000 * elapsed / size:>9.2f}")


if __name__ == "__main__":
    main()
