"""`require:` conditions: what the expression language accepts, how it types, and the located
error every hostile or ill-typed condition gets (never a traceback)."""

from __future__ import annotations

import pytest

from xccgen import ir
from xccgen.errors import SpecError
from xccgen.pipeline import load_contract
from xccgen.render import samples

BASE = """\
contract:
  name: demo
  state:
    limit: {type: U128, default: "1000"}
    owner: {type: AccountId, default: owner.near}
types:
  Pair: {base: string, size: u32}
externals:
  pool:
    account: pool.near
    methods:
      get_quote: {args: {amount_in: U128}, returns: U128}
flows:
  f:
    payable: true
    params: {amount: U128, pair: Pair, n: i32, big: u64}
    require: %s
    call: {call: pool.get_quote, args: {amount_in: "{amount}"}}
    then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
  other:
    params: {secret: u8}
    call: {call: pool.get_quote, args: {amount_in: "1"}}
    then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
"""


def load(write_spec, require: str) -> ir.Flow:
    contract = load_contract(write_spec(BASE % require))
    return next(f for f in contract.flows if f.name == "f")


def problems(write_spec, require: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load(write_spec, require)
    return info.value.problems


def test_conditions_type_and_keep_their_messages(write_spec):
    flow = load(
        write_spec,
        '[{if: "{amount} > 0", else: "amount must be positive"}, "{deposit} >= {amount} * 2"]',
    )
    first, second = flow.requires
    assert first.message == "amount must be positive"
    assert second.message == "f: requirement failed: {deposit} >= {amount} * 2"
    product = second.condition.args[1]
    assert product.op == "*" and product.type == ir.U128  # the literal took U128
    assert product.args[1] == ir.Lit("2", ir.U128)


def test_two_literals_are_both_i64(write_spec):
    """Found by the hostile harness: `1 > 2` once crashed the typer."""
    (requirement,) = load(write_spec, '["1 > 2 || 7 % 3 == 1"]').requires
    left = requirement.condition.args[0]
    assert left.args == (ir.Lit(1, ir.Type("i64")), ir.Lit(2, ir.Type("i64")))


def test_negated_comparisons_read_as_their_inverse(write_spec):
    (requirement,) = load(write_spec, '["!({n} < 0)"]').requires
    assert requirement.condition.op == ">="


CASES = {
    "trailing garbage": (
        '"{amount} > 0 ; drop"',
        "cannot read the condition `{amount} > 0 ; drop`",
    ),
    "unbalanced parentheses": ('"({amount} > (0)"', "cannot read the condition"),
    "unknown name": ('"{amout} > 0"', "no value named 'amout' here (did you mean 'amount'?)"),
    "another flow's value": ('"{secret} > 0"', "no value named 'secret' here"),
    "unicode lookalike operator": ('"{amount} ＞ 0"', "cannot read the condition"),
    "cyrillic name": ('"{аmount} > 0"', "cannot read the condition"),
    "comparing amounts with text": ('"{amount} == \\"x\\""', "cannot compare U128 with string"),
    "mixing integer types": ('"{n} + {big} > 0"', "cannot add i32 and u64"),
    "arithmetic on text": ('"{pair.base} + 1 > 0"', "`+` is arithmetic on numbers, not string"),
    "not a condition": ('"{amount} + 1"', "a condition is true or false; `{amount} + 1` is U128"),
    "ordering text": ('"{pair.base} < \\"b\\""', "`<` compares numbers; string has only == and !="),
    "unknown field": ('"{pair.sise} > 0"', "Pair has no field 'sise' (did you mean 'size'?)"),
    "literal too big": ('"{n} > 3000000000"', "3000000000 does not fit in i32"),
    "always true": ('"{amount} >= 0"', "`{amount} >= 0` is always true"),
    "len of a number": ('"len({n}) > 0"', "len(...) is of a list or text, not i32"),
    "negating a number": ('"!{n}"', "`!` takes true or false, not i32"),
    "very long": ('"' + "{n} > 1 && " * 1000 + '{n} > 1"', "characters long (at most 1,000)"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_condition_is_one_located_error(write_spec, name):
    require, expected = CASES[name]
    found = problems(write_spec, f"[{require}]")
    assert any(expected in p for p in found), found
    assert all("spec.yaml:" in p and "flows.f.require[0]" in p for p in found), found


@pytest.mark.parametrize(
    "condition, env, expected",
    [
        ("{n} / 2 == -3", {"n": -7}, True),  # truncation toward zero, as Rust and BigInt
        ("{n} % 2 == -1", {"n": -7}, True),  # the sign of the dividend
        ("len({pair.base}) == 2", {"pair": {"base": "é", "size": 1}}, True),  # UTF-8 bytes
        (
            "{big} + 1 > 0",
            {"big": 2**64 - 1},
            "arithmetic overflow or division by zero in `{big} + 1`",
        ),
        (
            "{n} / ({n} - {n}) > 0",
            {"n": 3},
            "arithmetic overflow or division by zero in `{n} / ({n} - {n})`",
        ),
    ],
)
def test_the_reference_evaluator(write_spec, condition, env, expected):
    """samples.evaluate_condition is the rule both builds implement (and the unit tests use)."""
    (requirement,) = load(write_spec, f'["{condition}"]').requires
    if isinstance(expected, str):
        with pytest.raises(samples.ConditionAbort) as info:
            samples.evaluate_condition(requirement.condition, env)
        assert str(info.value) == expected
    else:
        assert samples.evaluate_condition(requirement.condition, env) is expected


def test_unit_tests_call_the_flow_with_values_its_guards_accept(write_spec):
    flow = load(write_spec, '["{pair.size} % 2 == 0 && {n} > 5 && {amount} >= 100"]')
    args, refused = samples.flow_args(
        flow, {s.name: s for s in load_contract(write_spec(BASE % "[]")).structs}, {}
    )
    assert refused is None
    assert args["pair"]["size"] % 2 == 0 and args["n"] > 5 and int(args["amount"]) >= 100


def test_a_guard_no_sample_passes_is_expected_to_refuse(write_spec):
    flow = load(write_spec, '[{if: "{n} == 12345", else: "n must be 12345"}]')
    structs = {s.name: s for s in load_contract(write_spec(BASE % "[]")).structs}
    assert samples.flow_args(flow, structs, {})[1] == "n must be 12345"


# ------------------------------------------------------------------ `when:` between steps

WHEN = """\
contract:
  name: demo
  state:
    floor: {type: U128, default: "10"}
externals:
  pool:
    account: pool.near
    methods:
      get_quote: {args: {amount_in: U128}, returns: U128}
flows:
  f:
    payable: true
    params: {amount: U128}
    update: {floor: {set: "{amount}"}}
    parallel:
      - {call: pool.get_quote, args: {amount_in: "{amount}"}, as: quote, critical: true}
      - {call: pool.get_quote, args: {amount_in: "1"}, as: unit, critical: true}
    then:
      gas: 40 Tgas
      on_failure: {return: {value: "0"}}
      next:
%s
        call: {call: pool.get_quote, args: {amount_in: "{unit}"}}
        then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
  other:
    params: {secret: u8}
    call: {call: pool.get_quote, args: {amount_in: "1"}}
    then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
"""


def load_when(write_spec, when: str) -> ir.Flow:
    contract = load_contract(write_spec(WHEN % when))
    return next(f for f in contract.flows if f.name == "f")


def test_a_when_condition_types_over_the_callbacks_values(write_spec):
    flow = load_when(
        write_spec,
        '        when: "{quote} * 2 >= {amount} && {quote} > {floor}"\n'
        '        otherwise: {log: "too low: {quote}", return: {value: "1"}}',
    )
    step = flow.steps()[1]
    assert step.when.text == "{quote} * 2 >= {amount} && {quote} > {floor}"
    assert step.when.otherwise.value.value == "1"
    # `amount` is carried into the first callback, which checks the condition.
    assert "amount" in {p.name for p in flow.step.callback.params}
    # Negated as a reader writes it: De Morgan, comparisons inverted.
    refused = step.when.refused
    assert refused.op == "||" and [a.op for a in refused.args] == ["<", "<="]


def test_a_when_without_otherwise_logs_the_condition(write_spec):
    flow = load_when(
        write_spec, '        when: "{quote} > 5"\n        otherwise: {return: {value: "0"}}'
    )
    (text,) = flow.steps()[1].when.otherwise.log.parts
    assert text == "f: condition failed: {quote} > 5"


WHEN_CASES = {
    "hostile text": (
        '        when: "{quote} > 0 ; drop"',
        "flows.f.then.next.when",
        "cannot read",
    ),
    "unbalanced": ('        when: "({quote} > 0"', "flows.f.then.next.when", "cannot read"),
    "another flow's value": (
        '        when: "{secret} > 0"\n        otherwise: {return: {value: "0"}}',
        "flows.f.then.next.when",
        "no value named 'secret' here",
    ),
    "lookalike": ('        when: "{quote} ＞ 0"', "flows.f.then.next.when", "cannot read"),
    "type mismatch": (
        '        when: "{quote} == \\"x\\""\n        otherwise: {return: {value: "0"}}',
        "flows.f.then.next.when",
        "cannot compare U128 with string",
    ),
    "very long": (
        '        when: "' + "{quote} > 1 && " * 700 + '{quote} > 1"',
        "flows.f.then.next.when",
        "characters long",
    ),
    "no return when the flow returns": (
        '        when: "{quote} > 5"',
        "flows.f.then.next.otherwise",
        "`otherwise:` needs `return: <U128>`",
    ),
    "otherwise alone": (
        '        otherwise: {return: {value: "0"}}',
        "flows.f.then.next.otherwise",
        "add the `when:`",
    ),
    "wrong return type": (
        '        when: "{quote} > 5"\n        otherwise: {return: {value: true}}',
        "flows.f.then.next.otherwise.return",
        "",
    ),
}


@pytest.mark.parametrize("name", list(WHEN_CASES))
def test_a_bad_when_is_one_located_error(write_spec, name):
    when, where, expected = WHEN_CASES[name]
    with pytest.raises(SpecError) as info:
        load_when(write_spec, when)
    found = info.value.problems
    assert any(expected in p and where in p and "spec.yaml:" in p for p in found), found


def test_when_on_a_flows_first_step_points_to_require(write_spec):
    text = WHEN.replace("    payable: true\n", '    payable: true\n    when: "{amount} > 0"\n', 1)
    with pytest.raises(SpecError) as info:
        load_contract(write_spec(text % '        when: "{quote} > 0"'))
    assert any("flows.f.when" in p and "`require:`" in p for p in info.value.problems)


def test_unit_tests_answer_values_that_pass_and_refuse_the_condition(write_spec):
    flow = load_when(
        write_spec,
        '        when: "{quote} % 4 == 3"\n        otherwise: {return: {value: "9"}}',
    )
    cases = {
        c["branch"]: c
        for c in samples.callback_cases(flow, {}, {"floor": "10"})
        if c["callback"] is flow.step.callback
    }
    assert cases["success"]["expect_promise"] and int(cases["success"]["results"][0][1:-1]) % 4 == 3
    refused = cases["refused"]
    assert refused["expected"] == "9" and refused["refund"] and not refused["expect_promise"]
    assert int(refused["results"][0][1:-1]) % 4 != 3


# ------------------------------------------------------------------ map entries in conditions

ENTRIES = BASE.replace(
    "    owner: {type: AccountId, default: owner.near}\n",
    "    owner: {type: AccountId, default: owner.near}\n"
    '    credit: {type: "Map<AccountId, U128>", default: "0"}\n'
    '    raw: {type: "Map<string, u32>"}\n',
)


def test_a_map_entry_reads_as_the_maps_default(write_spec):
    contract = load_contract(write_spec(ENTRIES % '["{credit[caller]} + {amount} > 10"]'))
    flow = next(f for f in contract.flows if f.name == "f")
    total = flow.requires[0].condition.args[0]
    entry = total.args[0]
    assert (
        isinstance(entry, ir.MapEntry) and entry.map.name == "credit" and entry.key.name == "caller"
    )
    assert samples.evaluate_condition(
        flow.requires[0].condition, {"caller": "a.near", "amount": "11"}
    )


ENTRY_CASES = {
    "no default": ('"{raw[\\"x\\"]} > 1"', "`raw` has no `default:`"),
    "wrong key type": ('"{credit[n]} > 1"', "`credit` is keyed by AccountId; {n} is i32"),
    "text key for an account map": (
        '"{credit[\\"Not An Id\\"]} > 1"',
        "not a valid NEAR account id",
    ),
    "not a map": ('"{limit[caller]} > 1"', "'limit' is not a Map field"),
    "number key for an account map": ('"{credit[5]} > 1"', "keyed by AccountId, not a number"),
}


@pytest.mark.parametrize("name", list(ENTRY_CASES))
def test_a_bad_map_entry_is_a_located_error(write_spec, name):
    condition, expected = ENTRY_CASES[name]
    with pytest.raises(SpecError) as info:
        load_contract(write_spec(ENTRIES % f"[{condition}]"))
    found = info.value.problems
    assert any(expected in p and "flows.f.require[0]" in p for p in found), found
