"""A property test of `require:` conditions: random well-typed expressions over random values
give the same outcome on the Rust build, on the TypeScript build (in the sandbox), and in the
reference evaluator (`samples.evaluate_condition`).

One spec holds FLOWS flows, each guarded by one random condition over its parameters (and a few
state fields, `{caller}` and `{deposit}`); each flow is called with VALUE_SETS value sets, picked
from many random ones so that a flow's calls pass, fail and abort (overflow, division by zero)
where its condition allows. The reference evaluator gives each call's expected outcome: the
pool's quote when the guard passes, else a failure with the guard's message or the overflow
message. `xccgen test` runs every call on both builds and compares the two builds too.

Reproducible: everything follows from SEED (`XCCGEN_PROPERTY_SEED=<n>` tries another); when it
fails, the message lists each call that went wrong with its condition, values, expected outcome
and what each build did (or a build's errors, with the condition each is in), and the spec is
kept in the test's tmp_path. FIXED_BUGS and KNOWN_BUGS list the generator bugs it found: each
runs at a seed that showed it (a known one expected to fail, until it is fixed).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from xccgen.errors import SpecError
from xccgen.pipeline import load_contract
from xccgen.render import samples
from xccgen.scenarios import model as scenario_model

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

SEED = int(os.environ.get("XCCGEN_PROPERTY_SEED", "20250607"))
FLOWS = 24
VALUE_SETS = 6
CANDIDATES = 60  # random value sets tried per flow, VALUE_SETS of them kept
QUOTE = "5"  # what the pool answers: a flow whose guard passes returns it
# Who signs a scenario's call: `caller.test.near` (docs/spec.md says alice.test.near).
CALLER = scenario_model.account(scenario_model.CALLER)
POOL_ARGS = {"quote": QUOTE, "quote_mode": "Ok", "swap_fails": False}

# The values a condition can name, by type: the flow's parameters, fields of a struct parameter,
# state fields, `{caller}`, `{deposit}` (U128, in a payable flow) and `len(...)` (u32).
PARAMS = {
    "u_a": "u64",
    "u_b": "u64",
    "w_a": "U128",
    "w_b": "U128",
    "h_a": "U64",
    "h_b": "U64",
    "i_a": "i32",
    "i_b": "i32",
    "l_a": "i64",
    "l_b": "i64",
    "b_a": "u8",
    "b_b": "u8",
    "g_a": "i8",
    "g_b": "i8",
    "t_a": "string",
    "t_b": "string",
    "flag": "bool",
    "rec": "Rec",
}
REC = {"label": "string", "n": "i64", "amt": "U128", "size": "u32"}
STATE = {  # type, default: above 2**53, near a bound, negative
    "count": ("u64", 2**53 + 1),
    "cap": ("U128", str(2**127 + 12345)),
    "floor": ("i64", -7),
}
ATOMS = {
    "u64": ["{u_a}", "{u_b}", "{count}"],
    "U128": ["{w_a}", "{w_b}", "{rec.amt}", "{cap}", "{deposit}"],
    "U64": ["{h_a}", "{h_b}"],
    "i32": ["{i_a}", "{i_b}"],
    "i64": ["{l_a}", "{l_b}", "{rec.n}", "{floor}"],
    "u8": ["{b_a}", "{b_b}"],
    "i8": ["{g_a}", "{g_b}"],
    "u32": ["{rec.size}", "len({t_a})", "len({t_b})", "len({rec.label})"],
    "string": ["{t_a}", "{t_b}", "{rec.label}", "{caller}"],
}
NUMERIC = {"u64": 4, "U128": 4, "U64": 2, "i32": 4, "i64": 4, "u8": 2, "i8": 2, "u32": 2}  # weights
BITS = {"i8": 8, "u8": 8, "u32": 32, "u64": 64, "i32": 32, "i64": 64, "U64": 64, "U128": 128}

# Text, multibyte UTF-8 included (len counts bytes), and characters a string literal escapes.
TEXTS = ["", "a", "ab", "NEAR", "é", "😀", "日本語", "naïve", "a😀é", " ", 'q"x', "b\\s", CALLER]
# The first value sets tried of each flow have their integers at the corners of their types.
CORNERS = ["low", "minus_one", "high", "zero"] + ["any"] * 6
DEPOSITS = [0, 1, 7, 2**53 + 1, 10**24]


def value_range(t: str) -> tuple[int, int]:
    bits = BITS[t]
    return (-(2 ** (bits - 1)), 2 ** (bits - 1)) if t[0] == "i" else (0, 2**bits)


def interesting(t: str) -> list[int]:
    """Values at and around a type's bounds, 2**53 and the square roots of the bounds."""
    lo, end = value_range(t)
    root = math.isqrt(end - 1)
    out = [0, 1, 2, 3, 7, 10, end - 1, end - 2, end // 2, root, root + 1, 2**53, 2**53 + 1]
    if lo < 0:
        out += [-1, -2, -7, lo, lo + 1, -root, -root - 1, -(2**53) - 1]
    return sorted({v for v in out if lo <= v < end})


class Generator:
    """Random well-typed conditions: every operator's operands have one type, a literal always
    meets a typed value (two literals would both be i64), no comparison is constant."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def literal(self, t: str, divisor: bool = False) -> str:
        rng = self.rng
        lo, end = value_range(t)
        roll = rng.random()
        if divisor and roll < 0.05:
            return "0"
        if roll < 0.45:
            value = rng.choice([v for v in range(-3, 11) if lo <= v < end and (v or not divisor)])
        elif roll < 0.8:
            value = rng.choice(interesting(t))
        else:
            value = rng.randrange(lo, end)
        return str(value)

    def number(self, t: str, depth: int) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.35:
            return rng.choice(ATOMS[t])
        op = rng.choice("++--**//%")
        left = self.number(t, depth - 1)
        roll = rng.random()
        if roll < 0.4:
            right = self.literal(t, divisor=op in "/%")
        elif roll < 0.5:
            left, right = self.literal(t), left
        else:
            right = self.number(t, depth - 1)
        return f"({left} {op} {right})"

    def comparison(self, depth: int) -> str:
        rng = self.rng
        t = rng.choices(list(NUMERIC), weights=list(NUMERIC.values()))[0]
        op = rng.choice(["==", "!=", "<", "<=", ">", ">="])
        left = self.number(t, depth)
        if rng.random() < 0.5:
            literal = self.literal(t)
            lo, end = value_range(t)
            # `{x} >= 0` of an unsigned type is always true: the resolver refuses it.
            if (op, int(literal)) in ((">=", lo), ("<", lo), ("<=", end - 1), (">", end - 1)):
                op = rng.choice(["==", "!="])
            if rng.random() < 0.3:
                mirror = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
                return f"{literal} {mirror.get(op, op)} {left}"
            return f"{left} {op} {literal}"
        return f"{left} {op} {self.number(t, depth)}"

    def text(self) -> str:
        rng = self.rng
        op = rng.choice(["==", "!="])
        left = rng.choice(ATOMS["string"])
        if rng.random() < 0.5:
            right = rng.choice([a for a in ATOMS["string"] if a != left])
        else:
            literal = rng.choice(TEXTS)
            right = '"' + literal.replace("\\", "\\\\").replace('"', '\\"') + '"'
            self.literals.setdefault(left, set()).add(right)
        return f"{left} {op} {right}"

    def condition(self) -> tuple[str, set[str]]:
        """A random condition, and the KNOWN_BUGS it runs into."""
        self.literals: dict[str, set[str]] = {}  # the literals each value is compared with
        self.bugs: set[str] = set()
        text, _ = self._condition(2)
        if any(len(literals) > 1 for literals in self.literals.values()):
            self.bugs.add("ts_narrowing")
        return text, self.bugs

    def _condition(self, depth: int) -> tuple[str, bool]:
        """A condition, and whether it is a comparison (`!(a < b)` is one: `a >= b`)."""
        rng = self.rng
        roll = rng.random()
        if depth > 0 and roll < 0.3:
            op = rng.choice(["&&", "||"])
            (left, _), (right, _) = self._condition(depth - 1), self._condition(depth - 1)
            return f"({left}) {op} ({right})", False
        if depth > 0 and roll < 0.38:
            inner, compares = self._condition(depth - 1)
            return f"!({inner})", compares
        if depth > 0 and roll < 0.43:  # booleans compare too
            op = rng.choice(["==", "!="])
            (left, chained), (right, also) = self._condition(depth - 1), self._condition(depth - 1)
            if chained or also:
                self.bugs.add("unparenthesized_bool_comparison")
            return f"({left}) {op} ({right})", True
        if roll < 0.52:
            return self.text(), True
        if roll < 0.58 and depth < 2:  # a whole condition of one bool says little
            form = rng.choice(["{flag}", "!{flag}", "{flag} == true", "{flag} != false"])
            if " " in form:
                self.literals.setdefault("{flag}", set()).add(form.split()[-1])
            return form, " " in form
        return self.comparison(rng.choice([1, 2, 2, 3])), True


def used_params(condition: str) -> list[str]:
    names = {m.group(1) for m in re.finditer(r"\{([a-z_]+)", condition)}
    return [p for p in PARAMS if p in names]


def random_value(t: str, rng: random.Random, corner: str | None = None):
    """A random value of `t`; with `corner`, every integer in it at one corner of its type
    (`low`, `minus_one`, `high`, `zero`) or each at a random one (`any`)."""
    if t == "bool":
        return rng.random() < 0.5
    if t == "string":
        return rng.choice(TEXTS) if rng.random() < 0.8 else "".join(rng.choices(TEXTS, k=2))
    if t == "Rec":
        return {field: random_value(ft, rng, corner) for field, ft in REC.items()}
    lo, end = value_range(t)
    roll = rng.random()
    if corner is not None:
        corners = {"low": lo, "minus_one": -1 if lo else 1, "high": end - 1, "zero": 0}
        value = corners.get(corner) if corner in corners else rng.choice(list(corners.values()))
    elif roll < 0.45:
        value = rng.choice(interesting(t))
    elif roll < 0.75:
        value = rng.randrange(max(lo, -20), min(end, 21))
    else:
        value = rng.randrange(lo, end)
    return str(value) if t in ("U64", "U128") else value


def flow_spec(condition: str, index: int) -> dict:
    flow = {
        "params": {p: PARAMS[p] for p in used_params(condition)},
        "require": [condition],
        "call": {"call": "pool.get_quote", "args": {"amount_in": "1"}},
        "then": {"on_success": {"return": "result"}, "on_failure": {"return": {"value": "0"}}},
    }
    if index % 3 == 0:  # some with their own message, the rest with the default one
        flow["require"] = [{"if": condition, "else": f"guard {index} refused"}]
    if "{deposit}" in condition:
        flow["payable"] = True
    return flow


def condition_of(flow: dict) -> str:
    (entry,) = flow["require"]
    return entry if isinstance(entry, str) else entry["if"]


def spec_document(flows: dict[str, dict], scenarios: list[dict]) -> dict:
    return {
        "contract": {
            "name": "expression_property",
            "state": {name: {"type": t, "default": d} for name, (t, d) in STATE.items()},
        },
        "types": {"Rec": REC},
        "externals": {
            "pool": {
                "account": "p1.test.near",
                "methods": {"get_quote": {"args": {"amount_in": "U128"}, "returns": "U128"}},
            }
        },
        "flows": flows,
        "scenarios": scenarios,
    }


def write(path: Path, document: dict) -> Path:
    # JSON is YAML: no quoting rules to get wrong for the conditions' quotes and backslashes.
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def accepted_flows(
    rng: random.Random, spec: Path, bugs: frozenset[str]
) -> tuple[dict, object, list[str]]:
    """FLOWS random flows the resolver accepts, none running into a KNOWN_BUGS entry but those
    in `bugs`; a condition the resolver refuses is replaced (and kept, with the resolver's
    words, in the returned list)."""
    gen = Generator(rng)

    def fresh(index: int) -> dict:
        while True:
            condition, hits = gen.condition()
            if used_params(condition) and len(condition) <= 900 and hits <= bugs:
                return flow_spec(condition, index)

    flows = {f"guard_{i:02d}": fresh(i) for i in range(FLOWS)}
    refused: list[str] = []
    for _ in range(20):
        try:
            return flows, load_contract(write(spec, spec_document(flows, []))), refused
        except SpecError as exc:
            bad = {m.group(1) for p in exc.problems for m in re.finditer(r"flows\.(guard_\d+)", p)}
            assert bad, exc.problems  # a problem not of one flow's condition: the spec is wrong
            for name in sorted(bad):
                refused += [f"{name}: {p}" for p in exc.problems if f"flows.{name}." in p]
                flows[name] = fresh(int(name.split("_")[1]))
    raise AssertionError(f"the resolver keeps refusing conditions: {refused}")


def expected_outcome(requirement, env: dict) -> tuple[str, str | None]:
    """("pass", None), ("fail", the guard's message) or ("abort", the overflow message)."""
    try:
        holds = samples.evaluate_condition(requirement.condition, env)
    except samples.ConditionAbort as abort:
        return "abort", str(abort)
    assert isinstance(holds, bool), (requirement.condition, env, holds)
    return ("pass", None) if holds else ("fail", requirement.message)


def pick_calls(flow, state: dict, rng: random.Random) -> list[dict]:
    """VALUE_SETS calls of the flow: one of each outcome its condition reaches among CANDIDATES
    random value sets, then others, the expected outcome of each from the reference evaluator."""
    (requirement,) = flow.requires
    candidates: dict[str, dict] = {}  # by their values: each value set once
    for index in range(CANDIDATES):
        corner = CORNERS[index] if index < len(CORNERS) else None
        args = {name: random_value(str(t.spec), rng, corner) for name, t in flow.params}
        deposit = rng.choice(DEPOSITS) if flow.payable else 0
        env = {**state, "caller": CALLER, "deposit": str(deposit), **args}
        outcome, message = expected_outcome(requirement, env)
        key = json.dumps([args, deposit], sort_keys=True)
        candidates[key] = {"args": args, "deposit": deposit, "outcome": outcome, "message": message}
    keys = list(candidates)
    rng.shuffle(keys)
    picked = [
        next(k for k in keys if candidates[k]["outcome"] == outcome)
        for outcome in ("pass", "fail", "abort")
        if any(candidates[k]["outcome"] == outcome for k in keys)
    ]
    rest = [k for k in keys if k not in picked]
    picked += rng.sample(rest, min(len(rest), VALUE_SETS - len(picked)))
    return [candidates[k] for k in picked]


def scenario(flow_name: str, index: int, call: dict) -> dict:
    step = {"call": flow_name, "args": call["args"]}
    if call["deposit"]:
        step["deposit"] = call["deposit"]
    if call["outcome"] == "pass":
        expect = {"return": QUOTE}
    else:
        expect = {"status": "failure", "error": call["message"]}
    return {
        "name": f"{flow_name}_v{index}",
        "deploy": {"p1": "pool"},
        "setup": [{"call": "p1.new", "args": POOL_ARGS}],
        "call": step,
        "expect": expect,
    }


def report(results: list[dict], cases: dict[str, tuple[str, dict]]) -> list[str]:
    """Each call a build got wrong, or the builds disagree on: condition, values, expected, and
    what each build did."""
    by_name: dict[str, dict[str, dict]] = {}
    for r in results:
        by_name.setdefault(r["scenario"], {})[r["target"]] = r
    lines = []
    for name, targets in sorted(by_name.items()):
        outcomes = {t: (r["status"], r["value"]) for t, r in targets.items()}
        if all(r["passed"] for r in targets.values()) and len(set(outcomes.values())) == 1:
            continue
        condition, call = cases[name]
        lines.append(
            f"{name}: require {condition!r}\n  args {json.dumps(call['args'], ensure_ascii=False)}"
            f" deposit {call['deposit']}\n  expected {call['outcome']}"
            + (f": {call['message']}" if call["message"] else f" (returns {QUOTE!r})")
        )
        for t, r in sorted(targets.items()):
            lines.append(
                f"  {t}: status {r['status']}, value {r['value']!r}, problems {r['problems']}"
            )
    return lines


def build_errors(output: str, generated: Path, flows: dict[str, dict]) -> list[str]:
    """A build that failed: its compiler's errors, each with the flow and condition it is in."""
    lines, error = [], False
    ts_source = generated / "expression_property" / "ts" / "src" / "contract.ts"
    for line in output.splitlines():
        flow, text = None, line.strip()
        if re.match(r"(error|warning)\b", text):  # a message; what follows is its detail
            error = text.startswith("error")
        rust = re.search(r"src/(guard_\d+)\.rs:\d+", text)
        ts = re.search(r"src/contract\.ts\((\d+),\d+\): error", text)
        if ts and ts_source.is_file():
            above = ts_source.read_text(encoding="utf-8").splitlines()[: int(ts.group(1))]
            flow = next((m[1] for m in map(MARKER.search, reversed(above)) if m), None)
        elif not error:
            continue
        elif rust:
            flow = rust.group(1)
        elif not text.startswith("error"):
            continue
        lines.append(text)
        if flow in flows:
            lines.append(f"  in {flow}: require {condition_of(flows[flow])!r}")
    return lines


MARKER = re.compile(r"// ---- (guard_\d+) ----")


def run_property(seed: int, cli, tmp_path: Path, bugs: frozenset[str] = frozenset()) -> None:
    """Generate the spec of `seed` (with conditions that run into the KNOWN_BUGS in `bugs`),
    compute every expected outcome, run `xccgen test`, and fail with each call a build got
    wrong (or a build's errors, each at its flow's condition)."""
    rng = random.Random(seed)
    spec = tmp_path / "expression_property.yaml"
    flows, contract, refused = accepted_flows(rng, spec, bugs)
    # The generator writes only well-typed conditions: the resolver accepts nearly all of them.
    assert len(refused) <= FLOWS // 4, "\n".join(refused)

    structs = {s.name: s for s in contract.structs}
    state = samples.initial_state(contract, structs)
    scenarios, cases = [], {}
    for flow in contract.flows:
        for index, call in enumerate(pick_calls(flow, state, rng)):
            scenarios.append(scenario(flow.name, index, call))
            cases[scenarios[-1]["name"]] = (condition_of(flows[flow.name]), call)
    write(spec, spec_document(flows, scenarios))

    # Every outcome occurs, often: true, false, and overflow or division by zero.
    tally = Counter(call["outcome"] for _, call in cases.values())
    assert all(tally[o] >= len(cases) // 10 for o in ("pass", "fail", "abort")), tally

    generated = tmp_path / "generated"
    result = cli("test", spec, "-o", generated, "--build-dir", tmp_path / "build", "--json")
    results = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    where = f"seed {seed}, spec {spec}"
    if not results:  # a build failed: nothing ran
        errors = build_errors(result.output, generated, flows)
        raise AssertionError(f"{where}: no scenario ran:\n" + "\n".join(errors or [result.output]))
    wrong = report(results, cases)
    assert not wrong, f"{where}:\n" + "\n".join(wrong)
    assert len(results) == 2 * len(scenarios), result.output
    assert result.exit_code == 0, result.output


# Generator bugs this test found, by the seed that showed each. Generator.condition tells which
# conditions run into which; a bug still open is listed in KNOWN_BUGS: the other runs leave its
# conditions out, and it runs on its own, expected to fail (`strict`: once fixed, its run
# passing is a failure, and it moves to FIXED_BUGS). A fixed bug's conditions are in every run,
# and its seed keeps running.
FIXED_BUGS = {
    # TS2367: a text compared with two literals (`{t} == "a" && {t} == "b"`), which tsc
    # narrowed after the first; now widened (`t as string`).
    "ts_narrowing": 29,
    # A comparison of two booleans with a comparison on a side (`{flag} == (len({t}) == 6)`),
    # once unparenthesized (a chained comparison to rustc and tsc).
    "unparenthesized_bool_comparison": 14,
}
KNOWN_BUGS: dict[str, tuple[int, str]] = {}
FIXED = frozenset(FIXED_BUGS)


@pytest.mark.parametrize(
    "seed, bugs",
    [pytest.param(SEED, FIXED, id=f"seed-{SEED}")]
    + [pytest.param(seed, FIXED, id=f"{bug}-seed-{seed}") for bug, seed in FIXED_BUGS.items()]
    + [
        pytest.param(
            seed,
            FIXED | {bug},
            id=bug,
            marks=pytest.mark.xfail(reason=why, strict=True, raises=AssertionError),
        )
        for bug, (seed, why) in KNOWN_BUGS.items()
    ],
)
def test_random_conditions_agree_on_both_builds_and_the_reference(seed, bugs, cli, tmp_path):
    run_property(seed, cli, tmp_path, bugs)
