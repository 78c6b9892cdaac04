"""Contracts built by the official SDKs run in the sandbox: the fixture contracts (near-sdk-rs
and near-sdk-js builds of hello, counter and guest-book), built by `xccgen.compile`."""

from __future__ import annotations

import pytest

from xccgen.compile import build_fixture

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

USER = "user.test.near"
TARGETS = ["rust", "ts"]


def fixture_wasm(name: str, target: str):
    """Every fixture these tests use exists: a missing one fails the test (a BuildError)."""
    return build_fixture(name, target)


@pytest.mark.parametrize("target", TARGETS)
def test_hello(sandbox, target):
    wasm = fixture_wasm("hello", target)
    sandbox.create_account(USER, "100 NEAR")
    sandbox.create_account("hello.test.near", "10 NEAR")
    sandbox.deploy("hello.test.near", wasm)
    assert sandbox.view("hello.test.near", "get_greeting") == "Hello"
    out = sandbox.call(USER, "hello.test.near", "set_greeting", {"greeting": "howdy"})
    assert out.status == "success", out.error
    assert sandbox.view("hello.test.near", "get_greeting") == "howdy"
    # a second call reuses the compiled module
    out = sandbox.call(USER, "hello.test.near", "get_greeting")
    assert out.json() == "howdy"


@pytest.mark.parametrize("target", TARGETS)
def test_counter(sandbox, target):
    wasm = fixture_wasm("counter", target)
    sandbox.create_account(USER, "100 NEAR")
    sandbox.create_account("counter.test.near", "10 NEAR")
    sandbox.deploy("counter.test.near", wasm)
    assert sandbox.view("counter.test.near", "get_num") == 0
    for _ in range(3):
        assert sandbox.call(USER, "counter.test.near", "increment").status == "success"
    sandbox.call(USER, "counter.test.near", "decrement")
    assert sandbox.view("counter.test.near", "get_num") == 2
    sandbox.call(USER, "counter.test.near", "reset")
    assert sandbox.view("counter.test.near", "get_num") == 0


@pytest.mark.parametrize("target", TARGETS)
def test_guestbook(sandbox, target):
    wasm = fixture_wasm("guestbook", target)
    sandbox.create_account(USER, "100 NEAR")
    sandbox.create_account("guestbook.test.near", "10 NEAR")
    sandbox.deploy("guestbook.test.near", wasm)
    out = sandbox.call(USER, "guestbook.test.near", "add_message", {"text": "hi"})
    assert out.status == "success", out.error
    out = sandbox.call(
        USER, "guestbook.test.near", "add_message", {"text": "rich"}, deposit="1 NEAR"
    )
    assert out.status == "success", out.error
    messages = sandbox.view("guestbook.test.near", "get_messages", {})
    assert [(m["text"], m["premium"], m["sender"]) for m in messages] == [
        ("hi", False, USER),
        ("rich", True, USER),
    ]
    assert sandbox.view("guestbook.test.near", "total_messages") == 2


def test_attached_deposit_is_credited_once(sandbox):
    """The VM adds the attached deposit to the balance it starts from; the engine must not
    add it again (a bug the escrow scenarios caught through money conservation)."""
    wasm = fixture_wasm("guestbook", "rust")
    sandbox.create_account(USER, "100 NEAR")
    sandbox.create_account("guestbook.test.near", "10 NEAR")
    sandbox.deploy("guestbook.test.near", wasm)
    before = sandbox.balance("guestbook.test.near")
    supply = sandbox.total_supply() + sandbox.tokens_burnt_total()
    out = sandbox.call(USER, "guestbook.test.near", "add_message", {"text": "x"}, deposit="1 NEAR")
    assert out.status == "success", out.error
    gained = sandbox.balance("guestbook.test.near") - before
    # The deposit plus the contract's share of the gas it burnt, and nothing more.
    assert 10**24 <= gained < 10**24 + 10**21
    assert sandbox.total_supply() + sandbox.tokens_burnt_total() == supply


def test_concurrent_calls_interleave_block_by_block(sandbox):
    """Two transactions in one block: both run, each reports only its own receipts."""
    wasm = fixture_wasm("counter", "rust")
    sandbox.create_account(USER, "100 NEAR")
    sandbox.create_account("counter.test.near", "10 NEAR")
    sandbox.deploy("counter.test.near", wasm)
    first, second = sandbox.call_concurrently(
        [
            {"signer": USER, "receiver": "counter.test.near", "method": "increment"},
            {"signer": USER, "receiver": "counter.test.near", "method": "increment"},
        ]
    )
    assert first.status == second.status == "success"
    assert sandbox.view("counter.test.near", "get_num") == 2
    assert first.root.executor == second.root.executor == "counter.test.near"
    assert {r.id for r in first.root.walk()}.isdisjoint({r.id for r in second.root.walk()})
