"""The sandbox engine follows NEAR's runtime rules: each test drives the WAT probe contract
(tests/sandbox/contracts/probe.wat) through one rule."""

from __future__ import annotations

import json

import pytest

from xccgen.sandbox import SandboxError

pytestmark = pytest.mark.toolchain

USER, A, B = "user.test.near", "a.test.near", "b.test.near"
NEAR = 10**24
TGAS = 10**12


def conserved(sb) -> bool:
    """Every token handed out at genesis is either in an account or burnt."""
    return sb.total_supply() + sb.tokens_burnt_total() == sb.minted()


def test_call_returns_value_and_logs(chain):
    out = chain.call(USER, A, "log_input", "hello")
    assert out.status == "success", out.error
    assert out.value == b"hello"
    assert out.logs == ["hello"]
    assert out.root.receiver == A and out.root.predecessor == USER
    assert out.root.methods == ["log_input"]


def test_json_result_and_view(chain):
    chain.call(USER, A, "write", json.dumps({"n": 7}))
    assert chain.view(A, "read") == {"n": 7}
    assert chain.state(A) == {b"k": b'{"n": 7}'}
    assert chain.call(USER, A, "echo", {"x": [1, 2]}).json() == {"x": [1, 2]}


def test_failed_receipt_reverts_all_its_state_changes(chain):
    chain.call(USER, A, "write", "first")
    out = chain.call(USER, A, "write_then_panic", "second")
    assert out.status == "failure"
    assert out.error == "Smart contract panicked: boom"
    assert out.error_kind["ActionError"]["kind"]["FunctionCallError"] == {
        "ExecutionError": "Smart contract panicked: boom"
    }
    assert chain.state(A) == {b"k": b"first"}


def test_failed_receipt_drops_the_receipts_it_created(chain):
    out = chain.call(USER, A, "call_then_fail", B)
    assert out.status == "failure"
    executed = [r.receiver for r in out.all_receipts if not r.is_refund]
    assert executed == [A]
    assert chain.state(B) == {}


def test_deposit_is_refunded_when_the_receipt_fails(chain):
    before = chain.balance(USER)
    out = chain.call(USER, B, "panic", deposit="1 NEAR")
    assert out.status == "failure"
    refunds = [r for r in out.all_receipts if r.is_refund]
    deposit_refund = [r for r in refunds if r.actions[0]["deposit"] == str(NEAR)]
    assert deposit_refund and deposit_refund[0].receiver == USER
    assert deposit_refund[0].predecessor == "system"
    # The user pays exactly the burnt gas; the deposit and unused gas come back.
    assert before - chain.balance(USER) == out.tokens_burnt
    assert conserved(chain)


def test_cross_contract_deposit_goes_back_to_the_predecessor(chain):
    before = chain.balance(A)
    out = chain.call(USER, A, "pay_panic", B)
    assert out.status == "success"
    failed = out.receipt_failures()
    assert [r.receiver for r in failed] == [B]
    refund = [r for r in out.all_receipts if r.is_refund and r.receiver == A]
    assert refund and refund[0].actions[0]["deposit"] == str(NEAR)
    # A gets its 1 NEAR back (plus its share of the gas its call burnt).
    assert chain.balance(A) >= before
    assert conserved(chain)


def test_callback_runs_with_failed_result_when_the_call_fails(chain):
    out = chain.call(USER, A, "forward", "missing.test.near")
    assert out.status == "success"
    assert out.text() == "failed"
    failed = out.receipt_failures()
    assert [r.receiver for r in failed] == ["missing.test.near"]
    assert failed[0].message == (
        "Can't complete the action because account missing.test.near doesn't exist"
    )
    assert [r.methods for r in out.root.children if not r.is_refund] == [["relay"], ["on_result"]]


def test_promise_and_results_arrive_in_join_order(chain):
    out = chain.call(USER, A, "join", B)
    assert out.status == "success", out.error
    # echo("1"), panic() -> Failed, echo("3")
    assert out.text() == "1F3"


def test_promise_return_forwards_the_result_to_the_caller(chain):
    out = chain.call(USER, A, "forward", B)
    assert out.text() == "ok:relayed"
    forward = out.root
    relay, callback = (r for r in forward.children if not r.is_refund)
    assert (relay.receiver, relay.methods) == (B, ["relay"])
    assert relay.return_receipt is not None  # it returned a promise, not a value
    (echo,) = (r for r in relay.children if not r.is_refund)
    assert (echo.receiver, echo.methods, echo.value) == (B, ["echo"], b"relayed")
    assert (callback.receiver, callback.methods) == (A, ["on_result"])


def test_receipts_run_one_block_per_hop(chain):
    out = chain.call(USER, A, "forward", B)
    forward = out.root
    relay, callback = (r for r in forward.children if not r.is_refund)
    (echo,) = (r for r in relay.children if not r.is_refund)
    h = forward.block_height
    assert out.transaction["block_height"] == h - 1  # the transaction's receipt goes to A next
    assert (relay.block_height, echo.block_height, callback.block_height) == (h + 1, h + 2, h + 3)
    # the logs come in execution order too
    order = [r.methods[0] for r in out.all_receipts if not r.is_refund]
    assert order == ["forward", "relay", "echo", "on_result"]


def test_unused_gas_goes_to_weighted_calls(chain):
    out = chain.call(USER, A, "weighted", B, gas="300 Tgas")
    (child,) = (r for r in out.root.children if not r.is_refund)
    gas = int(child.actions[0]["gas"])
    assert gas > 290 * TGAS  # almost all of the 300 Tgas: a's own run burns only a little
    assert out.root.gas_burnt < 10 * TGAS


def test_gas_refund_and_money_conservation(chain):
    minted = chain.minted()
    before = chain.balance(USER)
    out = chain.call(USER, A, "forward", B, gas="300 Tgas")
    assert out.status == "success"
    assert out.gas_burnt > 0 and out.tokens_burnt > 0
    # Gas is bought at the purchase price and the unused part comes back: the user ends up
    # paying what all the receipts burnt, at the block's gas price.
    assert before - chain.balance(USER) == out.tokens_burnt
    assert (
        sum(r.tokens_burnt for r in out.all_receipts) + int(out.transaction["tokens_burnt"])
        == out.tokens_burnt
    )
    assert chain.minted() == minted
    assert conserved(chain)


def test_transfer_from_a_contract(chain):
    before = chain.balance(B)
    out = chain.call(USER, A, "send", B)
    assert out.status == "success"
    assert chain.balance(B) == before + NEAR
    assert conserved(chain)


def test_out_of_gas(chain):
    out = chain.call(USER, A, "burn", gas="5 Tgas")
    assert out.status == "failure"
    assert out.error == "Exceeded the prepaid gas."
    assert out.root.gas_burnt >= 5 * TGAS
    assert conserved(chain)


def test_call_to_missing_account_fails_and_refunds(chain):
    before = chain.balance(USER)
    out = chain.call(USER, "missing.test.near", "echo", deposit="2 NEAR")
    assert out.status == "failure"
    assert out.error_kind["ActionError"]["kind"] == {
        "AccountDoesNotExist": {"account_id": "missing.test.near"}
    }
    assert before - chain.balance(USER) == out.tokens_burnt
    assert conserved(chain)


def test_missing_method_and_trap(chain):
    out = chain.call(USER, A, "no_such_method")
    assert out.status == "failure"
    assert out.error_kind["ActionError"]["kind"]["FunctionCallError"] == {
        "MethodResolveError": "MethodNotFound"
    }
    out = chain.call(USER, A, "trap")
    assert out.error == "WebAssembly trap: An `unreachable` opcode was executed."


def test_engine_survives_garbage(chain):
    chain.create_account("junk.test.near", "5 NEAR")
    chain.deploy("junk.test.near", b"\x00asm this is not wasm")
    out = chain.call(USER, "junk.test.near", "echo")
    assert out.status == "failure"
    assert "CompilationError" in out.error_kind["ActionError"]["kind"]["FunctionCallError"]
    with pytest.raises(SandboxError, match="unknown op"):
        chain.request("explode")
    with pytest.raises(SandboxError, match="invalid account id"):
        chain.call(USER, "NOT VALID", "echo")
    # a line that is not JSON at all
    chain._proc.stdin.write(b"}{ not json\n")
    assert b"invalid JSON request" in chain._proc.stdout.readline()
    assert chain.call(USER, A, "echo", "still alive").value == b"still alive"


def test_block_height_timestamp_and_seed_are_deterministic(chain, probe_wasm):
    first = chain.call(USER, A, "env_info").value
    second = chain.call(USER, A, "env_info").value
    h1, h2 = int.from_bytes(first[:8], "little"), int.from_bytes(second[:8], "little")
    t1, t2 = int.from_bytes(first[8:16], "little"), int.from_bytes(second[8:16], "little")
    assert h2 > h1 and t2 > t1
    assert first[16:] != second[16:]  # a new seed per block
    chain.reset()
    chain.create_account(USER, "100 NEAR")
    for name in (A, B):
        chain.create_account(name, "10 NEAR")
        chain.deploy(name, probe_wasm)
    assert chain.call(USER, A, "env_info").value == first


def test_storage_staking_is_enforced(chain, probe_wasm):
    chain.create_account("poor.test.near", "0.05 NEAR")
    chain.deploy("poor.test.near", probe_wasm)
    out = chain.call(USER, "poor.test.near", "write", "x" * 10_000)
    assert out.status == "failure"
    assert "LackBalanceForState" in out.error_kind["ActionError"]["kind"]
    assert chain.state("poor.test.near") == {}


def test_invalid_transaction_costs_nothing(chain):
    out = chain.call("nobody.test.near", A, "echo")
    assert out.status == "failure"
    assert "SignerDoesNotExist" in out.error_kind["InvalidTxError"]
    before = chain.balance(USER)
    out = chain.call(USER, A, "echo", deposit="1000 NEAR")
    assert "NotEnoughBalance" in out.error_kind["InvalidTxError"]
    assert chain.balance(USER) == before


def test_batch_receipt_runs_all_actions_or_none(chain):
    out = chain.call(USER, A, "batch_ok", B)
    assert out.text() == "ok:last"  # the callback sees the last action's result
    assert chain.state(B) == {b"k": b"2"}
    chain.call(USER, B, "write", "1")
    out = chain.call(USER, A, "batch_fail", B)
    assert out.text() == "failed"
    (failed,) = out.receipt_failures()
    assert failed.error["ActionError"]["index"] == 1  # the second action failed ...
    assert chain.state(B) == {b"k": b"1"}  # ... and the first one's write is gone


def test_yield_is_resumed_by_a_later_transaction(chain):
    assert chain.call(USER, A, "yield_start").status == "success"
    out = chain.call(USER, A, "yield_resume", "hello")
    assert out.text() == "1"
    callback = [r for r in out.all_receipts if r.methods == ["on_result"]]
    assert [r.value for r in callback] == [b"ok:hello"]
    assert chain.call(USER, A, "yield_resume", "again").text() == "0"  # already resumed


def test_yield_times_out_with_a_failed_result(chain):
    created_at = chain.call(USER, A, "yield_start").root.block_height
    # nearcore's yield_timeout_length_in_blocks is 200: nothing runs until then
    assert chain.advance(created_at + 199 - chain.block()["height"]) == []
    (callback,) = (r for r in chain.advance(1) if not r.is_refund)
    assert callback.block_height == created_at + 200
    assert (callback.methods, callback.value) == (["on_result"], b"failed")
    assert chain.call(USER, A, "yield_resume", "late").text() == "0"
    assert conserved(chain)


def test_create_and_delete_a_sub_account(chain):
    sub = "sub.user.test.near"
    out = chain.transact(
        USER, sub, [{"type": "CreateAccount"}, {"type": "Transfer", "deposit": str(2 * NEAR)}]
    )
    assert out.status == "success", out.error
    assert chain.balance(sub) == 2 * NEAR
    # only the parent account may create a sub-account
    out = chain.transact(A, "x.user.test.near", [{"type": "CreateAccount"}])
    assert "CreateAccountNotAllowed" in out.error_kind["ActionError"]["kind"]
    before = chain.balance(USER)
    out = chain.transact(sub, sub, [{"type": "DeleteAccount", "beneficiary": USER}])
    assert out.status == "success", out.error
    with pytest.raises(SandboxError, match="does not exist"):
        chain.balance(sub)
    assert chain.balance(USER) > before + NEAR  # the remainder went to the beneficiary
    assert conserved(chain)
