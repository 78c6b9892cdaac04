"""A run-time fan-out rejects a list it cannot take before anything happens (docs/spec.md,
"Fan-outs over run-time lists"): the flow's own receipt fails, it creates no receipt but the
refunds, and the caller is out of pocket by exactly the gas that receipt burnt."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from xccgen.compile import TARGETS, build_contract, build_fixture
from xccgen.pipeline import load_checked

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

SPEC = REPO / "specs" / "dex_aggregator.yaml"
CALLER = "alice.test.near"
CONTRACT = "contract.test.near"
POOLS = [f"p{i}.test.near" for i in range(1, 10)]
AMOUNT = str(10**24)

REJECTIONS = {
    "too many items": (
        POOLS,
        "300 Tgas",
        "best_swap: `pools` has 9 items, more than the 8 it allows",
    ),
    "empty list": ([], "300 Tgas", "best_swap: `pools` is empty; pass at least one item"),
    "too little gas": (POOLS[:8], "150 Tgas", "best_swap: 8 items in `pools` need"),
}


@pytest.fixture(scope="module")
def wasm(tmp_path_factory) -> dict[str, object]:
    contract, _ = load_checked(SPEC)
    build_dir = tmp_path_factory.mktemp("build")
    built = {
        target: build_contract(
            REPO / "generated" / "dex_aggregator" / target,
            target,
            contract.spec_name,
            contract.exported_methods(),
            build_dir,
        ).path
        for target in TARGETS
    }
    return {**built, "pool": build_fixture("pool", "rust")}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", list(REJECTIONS))
def test_a_rejected_list_creates_no_receipt_and_costs_only_its_gas(wasm, target, case):
    from xccgen.sandbox import Sandbox

    pools, gas, message = REJECTIONS[case]
    with Sandbox() as sandbox:
        sandbox.create_account(CALLER, "100 NEAR")
        sandbox.create_account(CONTRACT, "50 NEAR")
        sandbox.deploy(CONTRACT, wasm[target])
        for pool in POOLS:  # real pools, so that a call, had one been made, would succeed
            sandbox.create_account(pool, "10 NEAR")
            sandbox.deploy(pool, wasm["pool"])
            sandbox.call(
                CALLER, pool, "new", {"quote": "5", "quote_mode": "Ok", "swap_fails": False}
            )
        before = sandbox.balance(CALLER)
        out = sandbox.call(
            CALLER,
            CONTRACT,
            "best_swap",
            {"pools": pools, "amount_in": AMOUNT, "min_out": "0"},
            gas=gas,
            deposit="1 NEAR",
        )
        assert out.status == "failure" and message in out.error, out.error
        flow_receipt = out.receipts[0]
        assert flow_receipt.receiver == CONTRACT and flow_receipt.status == "failure"
        made = [r for r in out.all_receipts if r is not flow_receipt and not r.is_refund]
        assert made == [], f"the rejected call created receipts: {[r.to_dict() for r in made]}"
        assert all(sandbox.view(pool, "swaps") == 0 for pool in POOLS)
        assert sandbox.balance(CALLER) == before - out.tokens_burnt
        assert out.tokens_burnt > 0
