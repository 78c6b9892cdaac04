"""Sandbox scenarios declared in a spec: deploy, set up, call, and check what happened.

    scenarios:
      - name: reads_three_contracts
        deploy: {hello: hello, counter: counter, guestbook: guestbook}   # alias: fixture or {wasm}
        init: {hello_account: hello, counter_account: counter, guestbook_account: guestbook}
        setup: [{call: hello.set_greeting, args: {greeting: Howdy}}]
        call: multiple_contracts
        expect: {return: [Howdy, 0, []], logs: ["..."]}

Accounts: each alias lives at `<alias>.test.near`, the contract under test at
`contract.test.near`, and calls are signed by `caller.test.near` (alias `caller`). An alias used
in `init` but not deployed is an account that does not exist: failure injection for free.
Strings in expectations may name accounts as `{caller}`, `{contract}` or `{<alias>}`.
"""

from xccgen.scenarios.compare import compare_targets
from xccgen.scenarios.model import Scenario, ScenarioStep, load_scenarios
from xccgen.scenarios.runner import Result, run

__all__ = ["Result", "Scenario", "ScenarioStep", "compare_targets", "load_scenarios", "run"]
