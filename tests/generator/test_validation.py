"""Every validation rule reports the spec path, the YAML line and what to do."""

from __future__ import annotations

import textwrap

import pytest

from xccgen.errors import SpecError
from xccgen.pipeline import load_contract

BASE = """\
contract:
  name: demo
  state:
    hello_account: {type: AccountId, default: hello.testnet}
externals:
  hello:
    account: state.hello_account
    methods:
      get_greeting: {returns: string}
      set_greeting: {args: {greeting: string}}
      get_messages: {args: {from_index: U128?, limit: u64?}, returns: "Vec<Msg>"}
types:
  Msg: {text: string}
flows:
%s
"""


def problems(write_spec, flows: str, base: str = BASE) -> list[str]:
    path = write_spec(base % textwrap.indent(textwrap.dedent(flows), "  "))
    with pytest.raises(SpecError) as info:
        load_contract(path)
    return info.value.problems


CASES = {
    "unknown method with suggestion": (
        """
        f:
          parallel:
            - {call: hello.get_greeting, as: a, on_failure: {default: ""}}
            - {call: hello.get_mesages, as: b, on_failure: {default: []}}
          then: {return: [a, b]}
        """,
        ":19 flows.f.parallel[1].call: external 'hello' has no method 'get_mesages' "
        "(did you mean 'get_messages'?)",
    ),
    "flow name with a trailing newline": (
        '"ping\\n": {call: {call: hello.get_greeting}}',
        "flows.'ping\\n': flow 'ping\\n' must be snake_case",
    ),
    "then.log reads a result": (
        'f: {call: {call: hello.get_greeting}, then: {log: "got {result}", return: result, '
        'on_failure: {return: {value: ""}}}}',
        "flows.f.then.log: `then.log` is written before any result is read, so it cannot use "
        "{result}; log it in `on_success.log` instead",
    ),
    "result name hides a parameter": (
        """
        f:
          params: {a: string}
          parallel:
            - {call: hello.get_greeting, as: a, on_failure: {default: ""}}
            - {call: hello.get_greeting, as: b, on_failure: {default: ""}}
          then: {return: [a, b]}
        """,
        "flows.f.then: the result name 'a' hides the parameter of that name",
    ),
    "gas_weight out of range": (
        "f: {call: {call: hello.get_greeting, gas_weight: -1}}",
        "flows.f.call.gas_weight: gas_weight is a whole number from 1 to 2^64 - 1, got -1",
    ),
    "deposit above u128": (
        "f: {call: {call: hello.get_greeting, deposit: 340282366920938463463374607431768211456}}",
        "is larger",
    ),
    "deposit finer than a yoctoNEAR": (
        'f: {call: {call: hello.get_greeting, deposit: "1.0000000000000000000000001 NEAR"}}',
        "is not a whole number of the smallest deposit unit",
    ),
    "unknown external": (
        "f: {call: {call: helo.get_greeting}}",
        "flows.f.call.call: no external 'helo' (did you mean 'hello'?)",
    ),
    "unknown argument": (
        "f: {call: {call: hello.set_greeting, args: {greting: hi}}}",
        "flows.f.call.args.greting: set_greeting takes no argument 'greting' "
        "(did you mean 'greeting'?)",
    ),
    "missing argument": (
        "f: {call: {call: hello.set_greeting}}",
        "flows.f.call: set_greeting needs argument 'greeting' (string)",
    ),
    "literal of the wrong type": (
        "f: {call: {call: hello.get_messages, args: {limit: ten}}, then: {return: result, "
        "on_failure: {return: []}}}",
        "flows.f.call.args.limit: expected an integer (u64), got 'ten'",
    ),
    "U128 must be a string": (
        "f: {call: {call: hello.get_messages, args: {from_index: 5}}, then: {return: result, "
        "on_failure: {return: []}}}",
        'U128 travels as a decimal string in JSON: write "5" (quoted)',
    ),
    "unknown name in a return": (
        "f: {call: {call: hello.get_greeting}, then: {return: resutl, on_failure: {return: x}}}",
        "flows.f.then.return: no value named 'resutl' here (did you mean 'result'?)",
    ),
    "unknown placeholder in a log": (
        "f: {call: {call: hello.get_greeting}, then: {on_success: {log: 'got {reslt}'}}}",
        "flows.f.then.on_success.log: no value named 'reslt' here (did you mean 'result'?)",
    ),
    "reserved word": (
        "match: {call: {call: hello.get_greeting}}",
        "flows.match: flow 'match' is a reserved word in Rust or TypeScript",
    ),
    "not snake_case": (
        "DoIt: {call: {call: hello.get_greeting}}",
        "flows.DoIt: flow 'DoIt' must be snake_case",
    ),
    "unknown key": (
        "f: {call: {call: hello.get_greeting}, thne: {}}",
        "flows.f.thne: unknown key 'thne' (did you mean 'then'?)",
    ),
    "bad gas unit": (
        "f: {call: {call: hello.get_greeting, gas: 10 TGs}}",
        "flows.f.call.gas: unknown gas unit 'TGs'",
    ),
    "attached deposit needs payable": (
        "f: {call: {call: hello.set_greeting, args: {greeting: x}, deposit: attached}}",
        "`deposit: attached` needs a `payable: true` flow",
    ),
    "parallel call without a failure policy": (
        """
        f:
          parallel:
            - {call: hello.get_greeting, as: a}
            - {call: hello.get_greeting, as: b, critical: true}
        """,
        "flows.f.parallel[0]: say what happens when this call fails",
    ),
    "failure branch without a value": (
        "f: {call: {call: hello.get_greeting}, then: {return: result}}",
        "flows.f.then.on_failure: on_failure needs `return: <string>`",
    ),
    "fan-out item never used": (
        "f: {fan_out: {over: [a, b], as: word, call: {call: hello.get_greeting}}, "
        "then: {collect: string, return: results}}",
        "flows.f.fan_out.as: the fan_out item 'word' is not used in any call",
    ),
    "duplicate flow key": (
        "f: {call: {call: hello.get_greeting}}\nf: {call: {call: hello.get_greeting}}",
        'found duplicate key "f"',
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(write_spec, name):
    flows, expected = CASES[name]
    found = problems(write_spec, flows)
    assert any(expected in p for p in found), found
    assert all("spec.yaml:" in p for p in found), found


def test_every_problem_names_file_and_line(write_spec):
    found = problems(write_spec, "f: {call: {call: hello.get_greting}}")
    assert len(found) == 1
    assert found[0].endswith(
        "spec.yaml:15 flows.f.call.call: external 'hello' has no method 'get_greting' "
        "(did you mean 'get_greeting'?)"
    )


def test_bad_account_id(write_spec):
    spec = BASE.replace("default: hello.testnet", "default: Hello..testnet")
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", base=spec)
    expected = "contract.state.hello_account.default: 'Hello..testnet' is not a valid NEAR account"
    assert any(expected in p for p in found), found


def test_state_field_without_default_needs_init(write_spec):
    spec = BASE.replace("{type: AccountId, default: hello.testnet}", "{type: AccountId}")
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", base=spec)
    assert any("needs `init:`" in p for p in found), found


def test_all_problems_reported_at_once(write_spec):
    found = problems(
        write_spec,
        """
        a: {call: {call: hello.nope}}
        b: {call: {call: nope.get_greeting}}
        """,
    )
    assert len(found) == 2


def test_cli_reports_without_traceback(cli, write_spec):
    path = write_spec("contract: {name: x}\nflows: {f: {call: {call: a.b}}}\n")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "flows.f.call.call: no external 'a'" in result.output


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("bad.yaml", "contract: {name: x\nflows: {}\n", "bad.yaml:"),
        ("list.yaml", "- a\n- b\n", "a spec is a mapping with `contract:` at the top"),
        ("raises.py", "raise RuntimeError('boom')\n", "raises.py:1: RuntimeError: boom"),
        ("empty.py", "x = 1\n", "define `spec = Spec(...)`"),
        ("spec.txt", "contract: {}\n", "a spec is a .yaml, .yml or .py file"),
    ],
)
def test_unreadable_specs_get_one_clear_line(cli, tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    result = cli("validate", path)
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_spec_file(cli, tmp_path):
    result = cli("generate", tmp_path / "nope.yaml", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "nope.yaml: no such spec file" in result.output
    assert not (tmp_path / "out").exists(), "nothing is written for a bad spec"


@pytest.mark.parametrize(
    "flows, expected",
    [
        (
            "f: {params: {previous_total: string}, call: {call: hello.get_greeting}}",
            "parameter 'previous_total' is used by the generated code",
        ),
        (
            'f: {call: {call: hello.get_messages, args: {from_index: "²"}}, then: '
            "{return: result, on_failure: {return: []}}}",
            "U128 travels as a decimal string",
        ),
        (
            "hello_account: {call: {call: hello.get_greeting}}",
            "state field 'hello_account' has the name of a method",
        ),
    ],
)
def test_generated_name_clashes(write_spec, flows, expected):
    found = problems(write_spec, flows)
    assert any(expected in p for p in found), found


def test_struct_names_used_by_generated_typescript(write_spec):
    spec = BASE.replace("  Msg: {text: string}", "  Decoder: {text: string}").replace(
        "Vec<Msg>", "Vec<Decoder>"
    )
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", base=spec)
    assert any("type name 'Decoder' clashes" in p for p in found), found


TYPES_BASE = """\
contract:
  name: demo
  state:
    hello_account: {type: AccountId, default: hello.testnet}
types:
%s
externals:
  hello:
    account: state.hello_account
    methods:
      get_greeting: {returns: string}
flows:
  f:
    call: {call: hello.get_greeting}
    then: {on_success: {return: result}, on_failure: {return: {value: ""}}}
"""


@pytest.mark.parametrize(
    "types, expected",
    [
        (
            "  Node: {next: Node}",
            "types.Node.next: type 'Node' contains itself through 'next' with nothing to end it",
        ),
        (
            "  A: {b: B}\n  B: {a: A}",
            "types.A.b: type 'A' contains itself through 'b' with nothing to end it",
        ),
        (
            "  Entry: {someField: u8, some_field: u8}",
            "types.Entry.some_field: fields 'someField' and 'some_field' would both be the Rust "
            "field `some_field`",
        ),
        (
            "  Entry: {some-field: u8}",
            "types.Entry.some-field: field 'some-field' must be a JSON key",
        ),
    ],
)
def test_types_an_external_cannot_have(write_spec, types, expected):
    path = write_spec(TYPES_BASE % types)
    with pytest.raises(SpecError) as info:
        load_contract(path)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_external_keys_are_the_other_contracts_choice(write_spec):
    """Keywords, camelCase and names the generated code uses are fine as JSON keys, and a type
    may contain itself through a `Vec` or an optional field."""
    path = write_spec(
        TYPES_BASE
        % "  Entry: {type: string, value: U128, fromIndex: u64, next: Entry?, all: 'Vec<Entry>'}"
    )
    contract = load_contract(path)
    (entry,) = contract.structs
    assert entry.boxed == {"next"}, "Rust keeps the optional self-reference behind a Box"


@pytest.mark.parametrize("key", ["gas", "callback_gas"])
def test_a_default_gas_of_zero_is_rejected_like_a_call_gas_of_zero(write_spec, key):
    base = BASE.replace("flows:\n", f"defaults: {{{key}: 0}}\nflows:\n", 1)
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", base)
    assert any(f"defaults.{key}: gas must be between 1 gas and 300 Tgas, got 0" in p for p in found)


def test_a_python_spec_that_calls_exit_is_a_located_error(tmp_path, cli):
    spec = tmp_path / "quits.py"
    spec.write_text("import sys\n\nsys.exit(3)\n", encoding="utf-8")
    result = cli("validate", spec)
    assert result.exit_code == 1
    assert f"{spec}:3: the spec called exit(3); a spec file only defines `spec`" in result.output


def test_a_python_spec_that_ends_the_process_is_a_located_error(tmp_path, cli):
    spec = tmp_path / "vanishes.py"
    spec.write_text("import os\n\nos._exit(0)\n", encoding="utf-8")
    result = cli("validate", spec)
    assert result.exit_code == 1
    assert "the spec ended the Python process (exit status 0) before defining `spec`" in (
        result.output
    )


def _alias_bomb(levels: int) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\ncontract: {name: x}\n"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"\xff\xfebinary", "spec.yaml:1: byte 0xff is not UTF-8 text"),
        (b"contract: {name: a\x01b}\n", "spec.yaml:1: character U+0001 is not allowed in YAML"),
        (
            b"contract: {name: x}\nflows: " + b"[" * 200 + b"]" * 200 + b"\n",
            "spec.yaml: mappings and lists are nested more than 64 levels deep",
        ),
        (_alias_bomb(9).encode(), "spec.yaml:2: YAML aliases (*name) expand this spec to more"),
        (b"a: &a [*a]\ncontract: {name: x}\n", "spec.yaml:1: a YAML alias refers to a value"),
        (
            b"x: &d {call: {call: hello.get_greeting}}\ncontract: {name: x}\nflows:\n"
            b"  f:\n    <<: *d\n    bad: 1\n",
            "spec.yaml:6 flows.f.bad: unknown key 'bad'",
        ),
    ],
    ids=["not-utf8", "control-byte", "deep", "alias-bomb", "alias-cycle", "merge-key"],
)
def test_unreadable_yaml_is_one_located_line(cli, tmp_path, raw, expected):
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(raw)
    result = cli("validate", spec)
    assert result.exit_code == 1
    assert expected in result.output, result.output


def test_deeply_nested_types_are_refused(write_spec):
    spec = BASE.replace(
        "Msg: {text: string}", "Msg: {text: '%s'}" % ("Vec<" * 40 + "u8" + ">" * 40)
    )
    found = problems(write_spec, "f: {call: {call: hello.get_greeting}}", spec)
    assert any(
        "types.Msg.text: type nests Vec/optional more than 16 levels deep" in p for p in found
    )


def test_amounts_are_exact_however_many_digits():
    from xccgen.units import parse_deposit, parse_gas

    # 29 significant digits: Decimal's default context would have rounded the last one away.
    assert parse_deposit("10000.000000000000000000000001 NEAR") == 10**28 + 1
    with pytest.raises(ValueError, match="not a whole number"):
        parse_gas("1.0000000000000000000000000001 Tgas")


def test_a_log_line_over_the_protocol_log_limit_is_refused(write_spec):
    from xccgen.protocol_limits import max_log_bytes

    text = "x" * (max_log_bytes() + 1)
    found = problems(write_spec, f'f: {{log: "{text}", call: {{call: hello.get_greeting}}}}')
    assert any("flows.f.log: this log line is" in p and "limit for all logs" in p for p in found)
    # One byte less fits (placeholders aside, it is the text that counts).
    ok = "x" * max_log_bytes()
    path = write_spec(BASE % f'  f: {{log: "{ok}", call: {{call: hello.get_greeting}}}}\n')
    load_contract(path)


def test_an_out_of_range_literal_inside_a_flow_is_reported(write_spec):
    spec = BASE.replace(
        "      get_greeting: {returns: string}\n",
        "      get_greeting: {returns: string}\n      small: {args: {v: i8}}\n",
    )
    found = problems(write_spec, "f: {call: {call: hello.small, args: {v: -129}}}", spec)
    assert any("flows.f.call.args.v: -129 does not fit in i8 (-128..127)" in p for p in found)
