# ruff: noqa: E501 (the spec snippets are YAML lines, kept whole to read as specs)
"""Run-time targets, run-time fan-outs, reductions and Map state: what each accepts, and the
located error each misuse gets."""

from __future__ import annotations

import textwrap

import pytest

from xccgen import ir
from xccgen.errors import SpecError
from xccgen.pipeline import load_contract

BASE = """\
contract:
  name: demo
  state:
    totals: {type: "Map<AccountId, U128>", default: "0"}
    names: {type: "Map<u32, string>"}
    counts: {type: "Map<string, u64>"}
    count: {type: u64, default: 0}
    routes: {type: "Map<string, AccountId>"}
types:
  Quote: {amount_out: U128, fee: u32, ok: bool}
externals:
  pool:
    methods:
      get_quote: {args: {amount_in: U128}, returns: U128}
      quote: {args: {amount_in: U128}, returns: Quote}
      swap: {args: {amount_in: U128}, returns: U128, kind: call, payable: true}
flows:
%s
"""

GOOD = """
best:
  payable: true
  params: {pools: Vec<AccountId>, amount_in: U128}
  update:
    totals[{caller}]: {add: "{amount_in}"}
  fan_out:
    over: "{pools}"
    max: 4
    as: pool
    call: {call: pool.quote, account: "{pool}", args: {amount_in: "{amount_in}"}}
  then:
    collect: Quote
    gas: 40 Tgas
    reduce:
      best_pool: {argmax: results.amount_out}
      cheapest: {argmin: results.fee}
      total: {sum: results.amount_out}
      n: {count: results}
      all_ok: {all: results.ok}
    on_success: {log: "{n} {total} {cheapest} {all_ok}"}
    on_failure: {return: {value: "0"}}
    next:
      call: {call: pool.swap, account: "{best_pool}", args: {amount_in: "{amount_in}"}, deposit: attached}
      then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
"""


def load(write_spec, flows: str):
    return load_contract(write_spec(BASE % textwrap.indent(textwrap.dedent(flows), "  ")))


def problems(write_spec, flows: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load(write_spec, flows)
    return info.value.problems


def test_the_forms_resolve_to_typed_ir(write_spec):
    contract = load(write_spec, GOOD)
    (flow,) = contract.flows
    fan_out = flow.step.fan_out
    assert fan_out.runtime and fan_out.count == 4 and fan_out.type == ir.ACCOUNT_ID
    assert flow.step.calls[0].account.name == "pool"
    reductions = {r.name: r for r in flow.step.callback.reductions}
    assert reductions["best_pool"].type == ir.ACCOUNT_ID
    assert reductions["cheapest"].key_type == ir.Type("u32")
    assert reductions["total"].type == ir.U128 and reductions["total"].can_fail
    assert reductions["n"].type == ir.Type("u32") and not reductions["n"].can_fail
    assert reductions["all_ok"].type == ir.BOOL
    (update,) = flow.updates
    assert update.key.name == "caller" and update.type == ir.U128
    # The callback gets the list, to pair each result with its item.
    assert "pools" in [p.name for p in flow.step.callback.params]
    assert flow.step.callback.success.next.calls[0].account.name == "best_pool"


CASES = {
    "interface call without a target": (
        "f: {call: {call: pool.get_quote, args: {amount_in: '1'}}, then: {return: result, "
        "on_failure: {return: {value: '0'}}}}",
        "f.call: external 'pool' has no fixed account, so the call needs `account: \"{name}\"`",
    ),
    "target of the wrong type": (
        "f: {params: {n: u32}, call: {call: pool.get_quote, account: '{n}', "
        "args: {amount_in: '1'}}}",
        "f.call.account: {n} is u32; a call's target must be an AccountId",
    ),
    "target that is not a placeholder": (
        "f: {call: {call: pool.get_quote, account: pool.near, args: {amount_in: '1'}}}",
        "`account:` names the value that holds the target",
    ),
    "run-time fan-out without max": (
        """
        f:
          params: {pools: Vec<AccountId>}
          fan_out: {over: "{pools}", as: p, call: {call: pool.get_quote, account: "{p}", args: {amount_in: "1"}}}
          then: {collect: U128}
        """,
        "f.fan_out.over: a fan_out over {pools} needs `max: <n>`",
    ),
    "fan-out over a parameter that is not a list": (
        """
        f:
          params: {pool: AccountId}
          fan_out: {over: "{pool}", max: 2, as: p, call: {call: pool.get_quote, account: "{p}", args: {amount_in: "1"}}}
          then: {collect: U128}
        """,
        "{pool} is AccountId (param); a run-time fan_out goes over a Vec parameter",
    ),
    "max on a literal list": (
        """
        f:
          fan_out: {over: [a.near], max: 2, as: p, call: {call: pool.get_quote, account: "{p}", args: {amount_in: "1"}}}
          then: {collect: U128}
        """,
        "f.fan_out.max: `max` bounds a run-time list; this one is literal",
    ),
    "argmax of booleans": (
        """
        f:
          params: {pools: Vec<AccountId>}
          fan_out: {over: "{pools}", max: 2, as: p, call: {call: pool.quote, account: "{p}", args: {amount_in: "1"}}}
          then: {collect: Quote, reduce: {b: {argmax: results.ok}}, on_success: {log: "{b}"}}
        """,
        "f.then.reduce.b.argmax: `argmax` needs numbers; results.ok is bool",
    ),
    "reduced field that does not exist": (
        """
        f:
          params: {pools: Vec<AccountId>}
          fan_out: {over: "{pools}", max: 2, as: p, call: {call: pool.quote, account: "{p}", args: {amount_in: "1"}}}
          then: {collect: Quote, reduce: {b: {max: results.amount}}, on_success: {log: "{b}"}}
        """,
        "Quote has no field 'amount' (did you mean 'amount_out'?)",
    ),
    "reduced value never used": (
        """
        f:
          params: {pools: Vec<AccountId>}
          fan_out: {over: "{pools}", max: 2, as: p, call: {call: pool.get_quote, account: "{p}", args: {amount_in: "1"}}}
          then: {collect: U128, reduce: {b: {max: results}}}
        """,
        "f.then.reduce.b: the reduced value 'b' is never used",
    ),
    "results reduced outside a fan-out": (
        "f: {call: {call: pool.get_quote, account: '{caller}', args: {amount_in: '1'}}, "
        "then: {reduce: {b: {max: results}}, on_success: {return: b}, on_failure: {return: {value: '0'}}}}",
        "`max: results` reduces `results` (a fan_out's)",
    ),
    "map updated as a whole": (
        "f: {update: {totals: {set: '1'}}, call: {call: pool.get_quote, account: '{caller}', "
        "args: {amount_in: '1'}}}",
        "f.update.totals: 'totals' is a Map: update one entry, e.g. `totals[{caller}]`",
    ),
    "add to a map without a default": (
        "f: {update: {'names[{n}]': {add: 1}}, params: {n: u32}, call: {call: pool.get_quote, "
        "account: '{caller}', args: {amount_in: '1'}}}",
        "`add` needs a numeric state field",
    ),
    "add to a numeric map without a default": (
        """
        f:
          update: {'counts["daily"]': {add: 1}}
          call: {call: pool.get_quote, account: "{caller}", args: {amount_in: "1"}}
        """,
        "`add` on a missing entry needs a start value: give 'counts' a `default:`",
    ),
    "map key of the wrong type": (
        "f: {update: {'totals[{n}]': {add: '1'}}, params: {n: u32}, call: {call: pool.get_quote, "
        "account: '{caller}', args: {amount_in: '1'}}}",
        "{n} is u32, expected AccountId",
    ),
    "a map as a parameter": (
        "f: {params: {m: 'Map<string, u8>'}, call: {call: pool.get_quote, account: '{caller}', "
        "args: {amount_in: '1'}}}",
        "Map<string, u8> is a kind of state field, not a value",
    ),
    "target field that does not exist": (
        """
        f:
          params: {qs: Vec<Quote>}
          fan_out: {over: "{qs}", max: 2, as: q, call: {call: pool.get_quote, account: "{q.owner}", args: {amount_in: "1"}}}
          then: {collect: U128, on_success: {return: results}}
        """,
        "f.fan_out.call.account: {q} is Quote, which has no field 'owner'",
    ),
    "target field that is not an account": (
        """
        f:
          params: {qs: Vec<Quote>}
          fan_out: {over: "{qs}", max: 2, as: q, call: {call: pool.get_quote, account: "{q.fee}", args: {amount_in: "1"}}}
          then: {collect: U128, on_success: {return: results}}
        """,
        "{q.fee} is u32; a call's target must be an AccountId",
    ),
    "target entry of a field that is not a map": (
        "f: {params: {k: string}, call: {call: pool.get_quote, account: '{count[k]}', args: {amount_in: '1'}}}",
        "'count' is not a Map field, so it has no entries to read",
    ),
    "target entry of a map of amounts": (
        "f: {call: {call: pool.get_quote, account: '{totals[caller]}', args: {amount_in: '1'}}}",
        "{totals[caller]} is U128; a call's target must be an AccountId",
    ),
    "storage: caller without a deposit": (
        "f: {storage: caller, update: {'totals[{caller}]': {add: '1'}}, call: {call: pool.get_quote, "
        "account: '{caller}', args: {amount_in: '1'}}}",
        "f.storage: `storage: caller` pays from the attached deposit: add `payable: true`",
    ),
    "storage: caller forwarding the deposit": (
        "f: {storage: caller, payable: true, update: {'totals[{caller}]': {add: '1'}}, call: {call: pool.swap, "
        "account: '{caller}', args: {amount_in: '1'}, deposit: attached}, then: {on_success: {return: result}, "
        "on_failure: {return: {value: '0'}}}}",
        "f.call.deposit: with `storage: caller` the attached deposit pays for storage, so no call forwards it",
    ),
    "storage: caller reading the deposit in an update": (
        "f: {storage: caller, payable: true, update: {'totals[{caller}]': {add: '{deposit}'}}, "
        "call: {call: pool.get_quote, account: '{caller}', args: {amount_in: '1'}}}",
        "f.storage: with `storage: caller`, {deposit} is what the storage costs",
    ),
    "a field updated twice": (
        "f: {update: {'totals[{caller}]': {add: '1'}, 'totals[alice.near]': {add: '2'}}, "
        "call: {call: pool.get_quote, account: '{caller}', args: {amount_in: '1'}}}",
        "'totals' is updated twice; a flow updates each field once",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(write_spec, name):
    flows, expected = CASES[name]
    found = problems(write_spec, flows)
    assert any(expected in p for p in found), found
    assert all("spec.yaml:" in p for p in found), found


def test_map_types_are_checked_where_declared(write_spec):
    base = BASE.replace('names: {type: "Map<u32, string>"}', 'names: {type: "Map<Quote, string?>"}')
    path = write_spec(
        base % "  f: {call: {call: pool.get_quote, account: '{caller}', args: {amount_in: '1'}}}"
    )
    with pytest.raises(SpecError) as info:
        load_contract(path)
    assert any(
        "a Map's key is text, an account id or a number; got Quote" in p
        for p in info.value.problems
    )


def test_a_run_time_fan_out_over_max_is_finding_xcc109(write_spec, cli):
    flows = """
    f:
      params: {pools: Vec<AccountId>}
      fan_out: {over: "{pools}", max: 17, as: p, call: {call: pool.get_quote, account: "{p}", args: {amount_in: "1"}}}
      then: {collect: U128, on_success: {return: results}}
    """
    path = write_spec(BASE % textwrap.indent(textwrap.dedent(flows), "  "))
    result = cli("check", str(path))
    assert result.exit_code != 0
    assert "XCC109" in result.output and "fan_out.max" in result.output


def test_a_map_entry_names_a_target_in_the_first_step_only(write_spec):
    flows = """
    f:
      params: {pair: string}
      call: {call: pool.get_quote, account: "{routes[pair]}", args: {amount_in: "1"}}
      then:
        gas: 40 Tgas
        on_failure: {return: {value: "0"}}
        next:
          call: {call: pool.get_quote, account: "{routes[pair]}", args: {amount_in: "{result}"}}
          then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
    """
    found = problems(write_spec, flows)
    assert any(
        "f.then.next.call.account: a map entry names a target only in the flow's first step" in p
        for p in found
    ), found
