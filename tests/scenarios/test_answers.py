"""Both builds read other contracts' answers by one rule, serde_json's (docs/spec.md, "How answers
are read"), and carry 64-bit integers exactly.

specs/answers.yaml has a `read_<type>` flow for every kind of declared type; each calls a stub
contract (contracts/stub.wat) that answers with whatever bytes it was given. Every row of
ANSWERS below is fed to the Rust and the TypeScript build in the sandbox: each must come out
as the row expects (the value serde_json reads, written back as serde_json writes it, or the
"invalid response format" path), so a build that parts from the rule, or from the other build,
fails. The expectations were established with serde_json 1.0.154 and near-sdk 5.29 themselves.

The spec's own scenarios (64-bit parameters, state, call arguments, fallback defaults, overflow)
run through `xccgen test`, which also fails when the two builds disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from xccgen.compile import TARGETS, build_contract
from xccgen.output import generate_for_build
from xccgen.pipeline import load_checked
from xccgen.scenarios.runner import wasm_code

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

SPEC = Path(__file__).parent / "specs" / "answers.yaml"
STUB = Path(__file__).parent / "contracts" / "stub.wat"
STUB_ACCOUNT = "stub.test.near"  # the spec's default `stub_account`
CALLER = "alice.test.near"
INVALID = "invalid"  # "<ext.method> returned an invalid response format"
FAILED = "failed"  # "<ext.method> failed": the answer is longer than 64 KiB


@dataclass(frozen=True)
class Answer:
    flow: str  # the `read_<type>` flow that reads it
    answer: bytes  # what the stub returns
    expect: str  # the JSON the flow returns (serde_json's value, as serde_json writes it), or
    # INVALID / FAILED

    @property
    def id(self) -> str:
        text = self.answer.decode("utf-8", "backslashreplace")
        text = text if len(text) <= 40 else f"{text[:30]}...({len(self.answer)} bytes)"
        return f"{self.flow}:{text}"


def rows(flow: str, *cases: tuple[bytes | str, str]) -> list[Answer]:
    return [
        Answer(flow, answer.encode() if isinstance(answer, str) else answer, expect)
        for answer, expect in cases
    ]


def nested(open_: str, close: str, depth: int, inner: str = "") -> str:
    return open_ * depth + inner + close * depth


def tree(levels: int) -> str:
    text = '{"value":1,"children":[]}'
    for _ in range(levels - 1):
        text = '{"value":1,"children":[' + text + "]}"
    return text


def chain(levels: int) -> str:
    return '{"next":' * (levels - 1) + '{"next":null}' + "}" * (levels - 1)


# What serde_json makes of a number, the same for every integer type: only an integer token in
# range is a value; a fraction or exponent makes it a float (even when integral), and so does -0.
NOT_INTEGERS = [
    ("-0", INVALID),
    ("1e2", INVALID),
    ("1E2", INVALID),
    ("100.0", INVALID),
    ("1.0", INVALID),
    ("1.5", INVALID),
    ("01", INVALID),
    ("+1", INVALID),
    ("1.", INVALID),
    (".5", INVALID),
    ("-", INVALID),
    ('"1"', INVALID),
    ("null", INVALID),
    ("true", INVALID),
    ("[1]", INVALID),
    ("", INVALID),
    ("1 x", INVALID),
    ("1\x00", INVALID),
    ("\x0c1", INVALID),  # form feed is not JSON whitespace
    (b"\xef\xbb\xbf1", INVALID),  # nor is a byte order mark
    (" \t\r\n1 \t\r\n", "1"),
    ("0", "0"),
]

ANSWERS = [
    *rows("read_i8", ("-128", "-128"), ("127", "127"), ("-129", INVALID), ("128", INVALID)),
    *rows("read_i16", ("-32768", "-32768"), ("32767", "32767"), ("32768", INVALID)),
    *rows(
        "read_i32",
        ("-2147483648", "-2147483648"),
        ("2147483647", "2147483647"),
        ("-2147483649", INVALID),
        ("2147483648", INVALID),
    ),
    *rows(
        "read_i64",
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775807", "9223372036854775807"),
        ("9007199254740993", "9007199254740993"),  # 2^53 + 1: no JS number is this
        ("-9223372036854775809", INVALID),
        ("9223372036854775808", INVALID),
        ("-9.223372036854776e18", INVALID),
    ),
    *rows("read_u8", ("255", "255"), ("256", INVALID), ("-1", INVALID)),
    *rows("read_u16", ("65535", "65535"), ("65536", INVALID)),
    *rows("read_u32", ("4294967295", "4294967295"), ("4294967296", INVALID)),
    *rows(
        "read_u64",
        ("18446744073709551615", "18446744073709551615"),
        ("18446744073709551614", "18446744073709551614"),
        ("9007199254740993", "9007199254740993"),
        ("18446744073709551616", INVALID),
        ("1" + "0" * 400, INVALID),
        ("1.8446744073709552e19", INVALID),
        ("-1", INVALID),
    ),
    *[
        Answer(flow, answer.encode() if isinstance(answer, str) else answer, expect)
        for flow in ("read_i8", "read_u8", "read_i32", "read_i64", "read_u64")
        for answer, expect in NOT_INTEGERS
    ],
    *rows(
        "read_big_u64",  # near-sdk's U64: a string, then Rust's u64::from_str
        ('"18446744073709551615"', '"18446744073709551615"'),
        ('"18446744073709551616"', INVALID),
        ('"+5"', '"5"'),
        ('"007"', '"7"'),
        ('"\\u0035"', '"5"'),
        ('"-0"', INVALID),
        ('"-1"', INVALID),
        ('" 5"', INVALID),
        ('"5 "', INVALID),
        ('""', INVALID),
        ('"+"', INVALID),
        ('"1e2"', INVALID),
        ('"0x10"', INVALID),
        ('"\xd9\xa1"', INVALID),  # ARABIC-INDIC DIGIT ONE
        ("5", INVALID),
        ("null", INVALID),
    ),
    *rows(
        "read_big_u128",
        (
            '"340282366920938463463374607431768211455"',
            '"340282366920938463463374607431768211455"',
        ),
        ('"340282366920938463463374607431768211456"', INVALID),
        ('"' + "0" * 50 + '1"', '"1"'),
        ("340282366920938463463374607431768211455", INVALID),
    ),
    *rows(
        "read_bool",
        ("true", "true"),
        (" false ", "false"),
        ("True", INVALID),
        ('"true"', INVALID),
        ("1", INVALID),
        ("tru", INVALID),
        ("truex", INVALID),
        ("null", INVALID),
    ),
    *rows(
        "read_string",
        ('"a"', '"a"'),
        ('"\\u0041\\u00e9\\u00E9"', '"Aéé"'),
        ('"\\ud83d\\ude00"', '"😀"'),
        (b'"\xf0\x9f\x98\x80"', '"😀"'),
        ('"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\"\\\\/\\b\\f\\n\\r\\t"'),
        ('"\\u0000\\u001f"', '"\\u0000\\u001f"'),
        ('"a\x7f"', '"a\x7f"'),  # DEL is no control character to JSON
        ('"\u2028"', '"\u2028"'),
        ('"\\ud800"', INVALID),  # a lone surrogate cannot be a Rust String
        ('"\\udc00"', INVALID),
        ('"\\ud800\\u0041"', INVALID),
        ('"\\ud800\\ud800\\udc00"', INVALID),
        ('"\\ud800x"', INVALID),
        (b'"\xed\xa0\x80"', INVALID),  # a surrogate in UTF-8
        (b'"\xed\xa0\xbd\xed\xb8\x80"', INVALID),  # a surrogate pair in UTF-8 (CESU-8)
        (b'"\xc0\x80"', INVALID),  # overlong
        (b'"\xf4\x90\x80\x80"', INVALID),  # past U+10FFFF
        (b'"\xff"', INVALID),
        (b'"\xe2\x82"', INVALID),  # truncated
        ('"a\x01"', INVALID),  # a raw control character
        ('"a\nb"', INVALID),
        ('"\\x41"', INVALID),
        ('"\\U0041"', INVALID),
        ('"\\u004"', INVALID),
        ('"\\u004g"', INVALID),
        ('"\\\'"', INVALID),
        ("'a'", INVALID),
        ('"a', INVALID),
        ('"a"x', INVALID),
        ('"a" "b"', INVALID),
        ("null", INVALID),
        ('"' + "x" * 65534 + '"', '"' + "x" * 65534 + '"'),  # 64 KiB exactly
        ('"' + "x" * 65535 + '"', FAILED),  # one byte more: near-sdk's limit, a failed call
    ),
    *rows(
        "read_account",
        ('"alice.near"', '"alice.near"'),
        ('"alice\\u002enear"', '"alice.near"'),
        ('"a-b_c.d0"', '"a-b_c.d0"'),
        ('"' + "a" * 64 + '"', '"' + "a" * 64 + '"'),
        ('"' + "a" * 65 + '"', INVALID),
        ('"a"', INVALID),
        ('"Alice.near"', INVALID),
        ('"a..b"', INVALID),
        ('"-a"', INVALID),
        ('"a-"', INVALID),
        ('"a b"', INVALID),
        ('"\xc3\xa9t\xc3\xa9"', INVALID),
    ),
    *rows(
        "read_list",
        ("[1,2,3]", "[1,2,3]"),
        ("[ ]", "[]"),
        (" [ 1 , 2 ] ", "[1,2]"),
        ("[1,]", INVALID),
        ("[,1]", INVALID),
        ("[1 2]", INVALID),
        ("[1,,2]", INVALID),
        ("[256]", INVALID),
        ("[-0]", INVALID),
        ("[1e0]", INVALID),
        ("[[1]]", INVALID),
        ('{"0":1}', INVALID),
        ("[1]]", INVALID),
        ("[1", INVALID),
        ("null", INVALID),
    ),
    *rows(
        "read_matrix",
        ("[[1],[],[2,3]]", "[[1],[],[2,3]]"),
        ("[[[1]]]", INVALID),
        ("[1]", INVALID),
    ),
    *rows(
        "read_wide_list",
        (
            "[9223372036854775807,-9223372036854775808,9007199254740993]",
            "[9223372036854775807,-9223372036854775808,9007199254740993]",
        ),
        ("[9223372036854775808]", INVALID),
    ),
    *rows(
        "read_maybe",
        ("null", "null"),
        ("5", "5"),
        ("nul", INVALID),
        ("nulll", INVALID),
        ("-0", INVALID),
        ("[]", INVALID),
        ('"5"', INVALID),
    ),
    *rows(
        "read_pair",  # {a: u8, b: string?}
        ('{"a":1,"b":"x"}', '{"a":1,"b":"x"}'),
        ('{"b":"x","a":1}', '{"a":1,"b":"x"}'),
        ('{"a":1}', '{"a":1,"b":null}'),  # a missing optional field is null
        ('{"a":1,"b":null}', '{"a":1,"b":null}'),
        (' { "a" : 1 , "b" : null } ', '{"a":1,"b":null}'),
        ('{"\\u0061":1}', '{"a":1,"b":null}'),  # keys are compared after their escapes
        ('{"b":"x"}', INVALID),  # a missing field
        ('{"a":1,"a":2}', INVALID),  # a duplicate field
        ('{"a":1,"b":null,"b":"x"}', INVALID),
        ('{"A":1}', INVALID),
        ('{"a":null}', INVALID),
        # Unknown keys are skipped: any well-formed JSON, repeated or not, however deep.
        ('{"a":1,"zz":1,"zz":2}', '{"a":1,"b":null}'),
        ('{"a":1,"zz":{"b":[true,null,-0,1e999999,"\\ud800"]}}', '{"a":1,"b":null}'),
        (b'{"a":1,"zz":"\xff"}', '{"a":1,"b":null}'),  # a skipped string is not checked
        (b'{"a":1,"zz":{"\xff\\udc00":0}}', '{"a":1,"b":null}'),
        ('{"a":1,"zz":' + nested("[", "]", 200) + "}", '{"a":1,"b":null}'),
        ('{"a":1,"zz":' + nested("[", "]", 20000) + "}", '{"a":1,"b":null}'),
        ('{"a":1,"zz":' + nested('{"x":', "}", 3000, "1") + "}", '{"a":1,"b":null}'),
        # ... but the keys of the struct itself are read as strings, and skipped values must
        # still be JSON.
        (b'{"a":1,"\xff":2}', INVALID),
        ('{"a":1,"\\ud800":2}', INVALID),
        ('{"a":1,"zz":"\x01"}', INVALID),
        ('{"a":1,"zz":"\\x"}', INVALID),
        ('{"a":1,"zz":01}', INVALID),
        ('{"a":1,"zz":[1,]}', INVALID),
        ('{"a":1,"zz":{"k"}}', INVALID),
        ('{"a":1,"zz":' + nested("[", "]", 300)[:-1] + "}", INVALID),
        ('{"a":1,"zz":nan}', INVALID),
        ('{"a":1,}', INVALID),
        ('{,"a":1}', INVALID),
        ('{"a":1 "b":null}', INVALID),
        ('{"a" 1}', INVALID),
        ("{a:1}", INVALID),
        ('{"a":1}}', INVALID),
        # A struct also reads from an array of exactly its fields, in order.
        ('[1,"x"]', '{"a":1,"b":"x"}'),
        ("[1,null]", '{"a":1,"b":null}'),
        ("[1]", INVALID),
        ('[1,"x",3]', INVALID),
        ('[1,"x",]', INVALID),
        ("[]", INVALID),
        ('["x",1]', INVALID),
        ("null", INVALID),
        ('"x"', INVALID),
    ),
    *rows(
        "read_maybe_pair",
        ("null", "null"),
        ("[2,null]", '{"a":2,"b":null}'),
        ("{}", INVALID),
    ),
    *rows(
        "read_keys",  # {type: u8, fromIndex: u64?}: keys the other contract chose
        (
            '{"type":1,"fromIndex":18446744073709551615}',
            '{"type":1,"fromIndex":18446744073709551615}',
        ),
        ('{"type":1,"fromIndex":9007199254740993}', '{"type":1,"fromIndex":9007199254740993}'),
        ('{"type":1,"from_index":5}', '{"type":1,"fromIndex":null}'),
        ('{"r#type":1}', INVALID),
        ('{"type":1,"fromIndex":1e3}', INVALID),
    ),
    # serde_json refuses the 128th nested array or object of a typed value: a Tree level is
    # two (its object and its `children`), a Chain level one.
    *rows("read_tree", (tree(63), tree(63)), (tree(64), INVALID)),
    *rows(
        "read_chain",
        (chain(127), chain(127)),
        (chain(128), INVALID),
        ('{"next":{"next":null,"zz":' + nested("[", "]", 500) + "}}", '{"next":{"next":null}}'),
    ),
]


# A call's arguments are read by the same rule: near-sdk reads a struct of the method's parameters
# (here `echo_params(low: i64, high: u64)`), which echoes them back through the stub.
REJECTED = "Failed to deserialize input from JSON"
INPUTS = [
    ('{"low":1,"high":2}', '{"low":1,"high":2}'),
    (' {"high":2,"low":1} ', '{"low":1,"high":2}'),
    ("[1,2]", '{"low":1,"high":2}'),  # a struct reads from an array of its fields too
    ('{"low":1,"high":2,"x":[[[{"y":"\\ud800"}]]]}', '{"low":1,"high":2}'),
    (
        '{"low":-9223372036854775808,"high":18446744073709551615}',
        '{"low":-9223372036854775808,"high":18446744073709551615}',
    ),
    ('{"low":1,"high":9007199254740993}', '{"low":1,"high":9007199254740993}'),
    ('{"low":1,"high":2,"low":3}', REJECTED),
    ('{"low":1}', REJECTED),
    ('{"low":-0,"high":1}', REJECTED),
    ('{"low":1e0,"high":1}', REJECTED),
    ('{"low":"1","high":2}', REJECTED),
    ('{"low":1,"high":18446744073709551616}', REJECTED),
    ('{"low":1,"high":2,}', REJECTED),
    ('{"low":1,"high":2} x', REJECTED),
    ("null", REJECTED),
    ("", REJECTED),
]


def _built(tmp_path_factory) -> tuple[Path, Path, dict[str, Path]]:
    out_root = tmp_path_factory.mktemp("generated")
    build_dir = tmp_path_factory.mktemp("build")
    contract, _source = load_checked(SPEC)
    generated = generate_for_build(SPEC, TARGETS, out_root, contract)
    wasm = {
        target: build_contract(
            generated.project_dirs[target],
            target,
            contract.spec_name,
            generated.methods,
            build_dir / contract.spec_name,
            lambda _msg: None,
        ).path
        for target in TARGETS
    }
    return out_root, build_dir, wasm


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(generated dir, build dir, {target: wasm}): both builds of the spec, once."""
    return _built(tmp_path_factory)


@pytest.fixture(scope="module")
def chain_of_both(built):
    """One chain with the stub and both builds deployed: `<target>.test.near`."""
    from xccgen.sandbox import Sandbox

    _, _, wasm = built
    with Sandbox() as sandbox:
        sandbox.create_account(CALLER, "1000 NEAR")
        sandbox.create_account(STUB_ACCOUNT, "50 NEAR")
        sandbox.deploy(STUB_ACCOUNT, wasm_code(STUB))
        for target in TARGETS:
            sandbox.create_account(f"{target}.test.near", "50 NEAR")
            sandbox.deploy(f"{target}.test.near", wasm[target])
        yield sandbox


def outcome(sandbox, target: str, flow: str) -> str:
    """What the `target` build made of the stub's answer: the JSON it returned, INVALID or
    FAILED (each comes with its log line and the flow's fallback value)."""
    out = sandbox.call(CALLER, f"{target}.test.near", flow)
    assert out.status == "success", f"{target}: {flow} failed: {out.error}"
    method = "stub.get_" + flow.removeprefix("read_")
    if out.logs == [f"{method} returned an invalid response format"]:
        return INVALID
    if out.logs == [f"{method} failed"]:
        return FAILED
    if flow == "read_account":  # it logs the account id it read instead of returning it
        assert len(out.logs) == 1 and not out.value, f"{target}: {flow}: {out!r} {out.logs!r}"
        return json.dumps(out.logs[0])
    assert out.logs == [], f"{target}: {flow} logged {out.logs!r}"
    return out.value.decode()


@pytest.mark.parametrize("case", ANSWERS, ids=lambda c: c.id)
def test_both_builds_read_an_answer_as_serde_json_does(chain_of_both, case):
    sandbox = chain_of_both
    assert sandbox.call(CALLER, STUB_ACCOUNT, "set", case.answer).status == "success"
    got = {target: outcome(sandbox, target, case.flow) for target in TARGETS}
    assert got["rust"] == got["ts"], f"the builds disagree on {case.answer[:200]!r}"
    assert got["rust"] == case.expect


@pytest.mark.parametrize(
    "args, expect", INPUTS, ids=[f"echo_params:{args}"[:60] for args, _ in INPUTS]
)
def test_both_builds_read_arguments_as_near_sdk_does(chain_of_both, args, expect):
    outs = {
        target: chain_of_both.call(CALLER, f"{target}.test.near", "echo_params", args.encode())
        for target in TARGETS
    }
    for target, out in outs.items():
        if expect == REJECTED:
            assert out.status == "failure" and REJECTED in str(out.error), (target, out)
        else:
            assert out.status == "success", (target, out.error)
            assert out.value.decode() == expect, target
    assert outs["rust"].logs == outs["ts"].logs


def test_every_read_flow_has_answers():
    contract, _ = load_checked(SPEC)
    reads = {f.name for f in contract.flows if f.name.startswith("read_")}
    assert reads == {case.flow for case in ANSWERS}


def test_the_spec_scenarios_pass_and_the_builds_agree(built, cli, monkeypatch):
    out_root, build_dir, _ = built
    monkeypatch.chdir(REPO)
    result = cli("test", SPEC.relative_to(REPO), "-o", out_root, "--build-dir", build_dir)
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


# Random answers: JSON-shaped text with the tokens readers disagree on, and plain noise.
_TOKENS = [
    "-0",
    "1e2",
    "100.0",
    "01",
    "+1",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "127",
    "-129",
    '"\\ud800"',
    '"\\u00e9"',
    '"\\x41"',
    "true",
    "null",
    '"a.near"',
    '"+007"',
    " ",
    "\t",
    "\ufeff",
]


@st.composite
def _answers(draw) -> bytes:
    atom = st.one_of(
        st.sampled_from(_TOKENS),
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.text(max_size=6).map(json.dumps),
    )
    value = st.recursive(
        atom,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda items: "[" + ",".join(items) + "]"),
            st.lists(
                st.tuples(
                    st.sampled_from(['"value"', '"next"', '"children"', '"a"', '"b"']), inner
                ),
                max_size=3,
            ).map(lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}"),
        ),
        max_leaves=8,
    )
    text = draw(st.one_of(atom, atom, value)).encode()  # scalars often: most flows read one
    if draw(st.integers(0, 9)) == 0:  # now and then, raw bytes: truncated UTF-8, NUL, noise
        text += draw(st.binary(max_size=4))
    return text


def test_both_builds_agree_on_random_answers(chain_of_both, hostile_long, outcomes):
    """The differential property itself, on answers nobody wrote down: for every `read_<type>`
    flow, the Rust and TypeScript builds make the same of the same bytes."""
    sandbox = chain_of_both
    flows = sorted({case.flow for case in ANSWERS})

    @settings(
        max_examples=1500 if hostile_long else 120,
        derandomize=not hostile_long,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(flow=st.sampled_from(flows), answer=_answers())
    def property_(flow, answer):
        assert sandbox.call(CALLER, STUB_ACCOUNT, "set", answer).status == "success"
        got = {target: outcome(sandbox, target, flow) for target in TARGETS}
        outcomes["differential answers:tried"] += 1
        assert got["rust"] == got["ts"], f"{flow}: the builds disagree on {answer!r}: {got}"
        kind = "invalid, both" if got["rust"] in (INVALID, FAILED) else "read as a value"
        outcomes[f"differential answers:{kind}"] += 1

    property_()
