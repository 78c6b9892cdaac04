"""`access:` and flows without calls: what resolves, the located error every mistake gets, and
what the generated unit tests assume about who calls."""

from __future__ import annotations

import pytest

from xccgen.errors import SpecError
from xccgen.pipeline import load_contract
from xccgen.render import samples

BASE = """\
contract:
  name: demo
  state:
    owner: {type: AccountId}
    operator: {type: AccountId, default: ops.near}
    members: {type: "Map<AccountId, bool>"}
    scores: {type: "Map<string, u32>"}
    limit: {type: u32, default: 5}
  init: {params: [owner]}
externals:
  pool:
    account: pool.near
    methods:
      get_quote: {args: {amount_in: U128}, returns: U128}
flows:
  quote:
    call: {call: pool.get_quote, args: {amount_in: "1"}}
    then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
  set_limit:
    access: %s
    params: {limit: u32}
    update: {limit: {set: "{limit}"}}
"""


def load(write_spec, access: str):
    return load_contract(write_spec(BASE % access))


def problems(write_spec, text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_contract(write_spec(text))
    return info.value.problems


def test_access_resolves_every_kind_of_entry(write_spec):
    contract = load(write_spec, '[owner, alice.near, "{operator}", "{members}"]')
    flow = next(f for f in contract.flows if f.name == "set_limit")
    assert flow.access.owner and flow.access.accounts == ("alice.near",)
    assert [f.name for f in flow.access.fields] == ["operator", "members"]
    assert flow.access.message == (
        "set_limit: only the owner, alice.near, `operator` or an account in `members` may call this"
    )
    assert flow.step is None and flow.returns is None
    assert contract.owned and "transfer_ownership" in contract.exported_methods()


BAD_ACCESS = {
    "empty": ("[]", "flows.set_limit.access", "lets nobody call"),
    "not an account": ('["Not An Account"]', "flows.set_limit.access[0]", "not a valid NEAR"),
    "unknown field": ('["{ownr}"]', "flows.set_limit.access[0]", "did you mean 'owner'"),
    "not an account field": ('["{limit}"]', "flows.set_limit.access[0]", "is u32"),
    "map not keyed by account": ('["{scores}"]', "flows.set_limit.access[0]", "keyed by AccountId"),
    "twice": ("[alice.near, alice.near]", "flows.set_limit.access[1]", "listed twice"),
}


@pytest.mark.parametrize("name", list(BAD_ACCESS))
def test_a_bad_access_entry_is_a_located_error(write_spec, name):
    access, where, expected = BAD_ACCESS[name]
    found = problems(write_spec, BASE % access)
    assert any(where in p and expected in p and "spec.yaml:" in p for p in found), found


def test_owner_access_needs_an_owner_field(write_spec):
    text = (BASE % "owner").replace("    owner: {type: AccountId}\n", "").replace("[owner]", "[]")
    found = problems(write_spec, text)
    assert any("flows.set_limit.access" in p and "owner: {type: AccountId}" in p for p in found)


OTHER_FLOW = """\
  transfer_ownership:
    call: {call: pool.get_quote, args: {amount_in: "1"}}
    then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
"""


def test_transfer_ownership_is_a_reserved_name(write_spec):
    text = (BASE % "owner").replace("  set_limit:", OTHER_FLOW + "  set_limit:")
    found = problems(write_spec, text)
    assert any("'transfer_ownership' is already used" in p for p in found), found


NO_CALLS = {
    "payable": ("    payable: true\n", "flows.set_limit.payable", "keep the deposit"),
    "lock": ("    lock: true\n", "flows.set_limit.lock", "nothing is pending"),
    "then without a step": (
        "    then: {return: {value: 1}}\n",
        "flows.set_limit",
        "needs exactly one of",
    ),
}


@pytest.mark.parametrize("name", list(NO_CALLS))
def test_a_flow_without_calls_refuses_what_needs_calls(write_spec, name):
    extra, where, expected = NO_CALLS[name]
    text = (BASE % "owner").replace(
        "    params: {limit: u32}\n", "    params: {limit: u32}\n" + extra
    )
    found = problems(write_spec, text)
    assert any(where in p and expected in p for p in found), found


def test_a_flow_without_calls_or_updates_does_nothing(write_spec):
    text = (BASE % "owner").replace('    update: {limit: {set: "{limit}"}}\n', "")
    found = problems(write_spec, text)
    assert any("flows.set_limit" in p and "no `update:`" in p for p in found), found


def test_a_contract_of_only_setters_is_refused(write_spec):
    text = BASE % "owner"
    text = text[: text.index("  quote:")] + text[text.index("  set_limit:") :]
    found = problems(write_spec, text)
    assert any("make cross-contract calls" in p for p in found), found


def test_unit_tests_call_as_an_allowed_account(write_spec):
    contract = load(write_spec, "owner")
    flow = next(f for f in contract.flows if f.name == "set_limit")
    state = samples.initial_state(contract, {})
    assert state["owner"] == samples.CALLER
    assert samples.flow_args(flow, {}, state)[1] is None
    literal = next(f for f in load(write_spec, "[bob.near]").flows if f.name == "set_limit")
    assert samples.flow_args(literal, {}, state)[1] == "set_limit: only bob.near may call this"
