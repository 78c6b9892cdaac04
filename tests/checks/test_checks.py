"""Each safety check fires on a spec made to trigger it, and only there."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import REPO, SPECS
from xccgen.errors import SpecError
from xccgen.pipeline import load_contract, load_with_findings

BASE = """\
contract:
  name: demo
  state:
    hello_account: {type: AccountId, default: hello.testnet}
    bank_account: {type: AccountId, default: bank.testnet}
    total: {type: U128, default: "0"}
externals:
  hello:
    account: state.hello_account
    methods:
      get_greeting: {returns: string}
      set_greeting: {args: {greeting: string}}
      greet: {args: {name: string}, returns: string}
  bank:
    account: state.bank_account
    methods:
      deposit: {returns: U128, kind: call, payable: true}
      balance: {returns: U128}
flows:
  f:
%s
"""

TRIGGERS = {
    "XCC101": """
        payable: true
        lock: true
        parallel:
          - {call: bank.deposit, as: paid, deposit: attached, on_failure: {default: "0"}}
          - {call: hello.get_greeting, as: greeting, on_failure: {default: ""}}
        then: {return: [paid, greeting]}
    """,
    "XCC102": """
        lock: true
        update: {total: {add: "1"}}
        parallel:
          - {call: hello.get_greeting, as: a, on_failure: {default: ""}}
          - {call: hello.get_greeting, as: b, on_failure: {default: ""}}
        then: {return: [a, b]}
    """,
    "XCC103": """
        parallel:
          - {call: hello.get_greeting, as: a, gas: 150 Tgas, critical: true}
          - {call: hello.get_greeting, as: b, gas: 150 Tgas, critical: true}
        then: {return: [a, b], on_failure: {return: ["", ""]}}
    """,
    "XCC104": """
        call: {call: hello.get_greeting}
        then:
          gas: 5 Tgas
          next: {call: {call: hello.set_greeting, args: {greeting: "{result}"}, gas: 20 Tgas}}
    """,
    "XCC105": """
        parallel:
          - {call: hello.get_greeting, as: a, on_failure: {default: ""}}
          - {call: hello.get_greeting, as: b, on_failure: {default: ""}}
        then: {return: a}
    """,
    "XCC106": """
        fan_out: {over: [x, y], as: word, call: {call: hello.greet, args: {name: "{word}"}}}
        then: {collect: U128, return: results}
    """,
    "XCC107": """
        payable: true
        call: {call: bank.deposit, deposit: attached}
        then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
    """,
    "XCC108": """
        access: [admin.near]
        call: {call: bank.balance, deposit: 1 NEAR}
        then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
    """,
    "XCC109": """
        fan_out: {over: [], as: word, call: {call: hello.greet, args: {name: "{word}"}}}
        then: {collect: string, return: results}
    """,
    "XCC110": """
        call: {call: bank.deposit, deposit: 1 NEAR}
        then: {on_success: {return: result}, on_failure: {return: {value: "0"}}}
    """,
}

# The same flows made safe: the fix each finding names, applied.
FIXED = {
    "XCC101": TRIGGERS["XCC101"]
    .replace('deposit: attached, on_failure: {default: "0"}', "deposit: attached, critical: true")
    .replace(
        "then: {return: [paid, greeting]}",
        'then: {return: [paid, greeting], on_failure: {return: ["0", ""]}}',
    ),
    "XCC102": TRIGGERS["XCC102"].replace("lock: true", "lock: true\n        rollback: none"),
    "XCC103": TRIGGERS["XCC103"].replace("150 Tgas", "100 Tgas"),
    "XCC104": TRIGGERS["XCC104"].replace("gas: 5 Tgas", "gas: 50 Tgas"),
    "XCC105": TRIGGERS["XCC105"].replace("return: a}", "return: [a, b]}"),
    "XCC106": TRIGGERS["XCC106"].replace("collect: U128", "collect: string"),
    "XCC107": TRIGGERS["XCC107"].replace("payable: true", "payable: true\n        lock: true"),
    "XCC108": TRIGGERS["XCC108"].replace(", deposit: 1 NEAR", ""),
    "XCC109": TRIGGERS["XCC109"].replace("over: []", "over: [x]"),
    "XCC110": "        access: [admin.near]\n" + TRIGGERS["XCC110"],
}


def findings(write_spec, flow: str):
    path = write_spec(BASE % textwrap.indent(textwrap.dedent(flow).strip("\n"), "    "))
    _, found, source = load_with_findings(path)
    return found, source


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_check_fires_exactly(write_spec, code):
    found, source = findings(write_spec, TRIGGERS[code])
    assert [f.code for f in found] == [code], [f.format(source) for f in found]
    line = found[0].format(source)
    assert "spec.yaml:" in line and f" {code}: " in line and ". Fix: " in line


@pytest.mark.parametrize("code", sorted(FIXED))
def test_applying_the_fix_clears_the_finding(write_spec, code):
    found, source = findings(write_spec, FIXED[code])
    assert found == [], [f.format(source) for f in found]


def test_errors_stop_generation_and_warnings_do_not_unless_strict(write_spec):
    error_spec = write_spec(BASE % textwrap.indent(textwrap.dedent(TRIGGERS["XCC108"]), "    "))
    with pytest.raises(SpecError, match="XCC108"):
        load_contract(error_spec)
    warning_spec = write_spec(
        BASE % textwrap.indent(textwrap.dedent(TRIGGERS["XCC107"]), "    "), name="w.yaml"
    )
    load_contract(warning_spec)
    with pytest.raises(SpecError, match="XCC107"):
        load_contract(warning_spec, strict=True)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_example_specs_are_clean(spec):
    _, found, source = load_with_findings(spec)
    assert found == [], [f.format(source) for f in found]


def test_broken_spec_shows_every_finding(cli):
    result = cli("check", REPO / "specs" / "broken" / "every_finding.yaml", "--no-budget")
    assert result.exit_code == 1
    for code in TRIGGERS:
        assert code in result.output
    assert "Fix: " in result.output


def test_check_report_has_a_budget_per_flow(cli):
    result = cli("check", SPECS[0])
    assert result.exit_code == 0, result.output
    assert "gas budget of" in result.output and "total prepaid" in result.output
