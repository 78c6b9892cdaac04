"""Hypothesis strategies for hostile specs: documents shaped like the spec schema (so most of
them reach the resolver, the checks and the renderers, not just the YAML reader), filled with
hostile names, strings, numbers, amounts and types."""

from __future__ import annotations

from hypothesis import strategies as st

from xccgen.spec.names import RUST_KEYWORDS, TS_RESERVED, linked_symbols

# Characters generated code must escape or refuse, and ones naive escaping gets wrong.
HOSTILE_CHARS = list("\"\\'`${}*/\n\r\t\x00\x01\x1b\x7f\x85\u2028\u2029\u202e\u2066\ufeff") + [
    "é",
    "😀",
    "\U0010ffff",
    "{{",
    "}}",
    "*/",
    "${",
    "<!--",
]
SCALARS = ["string", "bool", "AccountId", "U64", "U128", "i8", "u8", "i16", "u16", "i32", "u32"]
SCALARS += ["i64", "u64"]
BOUNDARY_INTS = [0, 1, -1, 127, 128, -128, -129, 255, 256, 2**15, 2**31 - 1, 2**31, -(2**31)]
BOUNDARY_INTS += [2**53, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1, 2**64]
BOUNDARY_INTS += [2**128 - 1, 2**128, 10**40]
AMOUNT_UNITS = ["NEAR", "yoctoNEAR", "Tgas", "gas", "Ggas", "near", "TGAS", ""]
MAP_KEYS = ["AccountId", "string", "u32", "i64", "U128"]
REDUCERS = ["sum", "count", "min", "max", "argmin", "argmax", "all", "any"]
# `require:` conditions: ones every flow can have, and ones with a mistake in them.
GOOD_CONDITIONS = [
    '{caller} != "a.near"',
    "len({caller}) > 2 && !({caller} == {caller})",
    "1 > 2",
    '{caller} == "\u202e" || 7 % 3 == 1',
]
BAD_CONDITIONS = [
    "{deposit} * 2 >= {deposit} + 1",  # only a payable flow has {deposit}
    "({caller}",
    "{caller} ; drop",
    "{nope} > 1",
    "len({caller}) > 4294967296",
    "-1 < len({caller})",
]
# `access:` entries: who may call a flow.
ACCESS = ["owner", ["alice.near"], ["owner", "bob.near"], ["{caller}"], ["{nope}"], []]
# Call targets that are not an AccountId value in scope.
TARGETS = ["{deposit}", "{nope}", "alice.near", "{caller", "{results}", "state.x"]


def _no_braces(text: str) -> bool:
    return "{" not in text and "}" not in text


def rarely(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly `good`, one time in fifty `bad`: a document has dozens of fields, so that keeps
    a fair share of whole documents valid enough to reach the renderers and the compilers."""
    return st.integers(0, 49).flatmap(lambda roll: bad if roll == 0 else good)


# Text that must survive as data (escaped in code, exact in logs); `{x}` and `{}` are placeholders
# in a spec's text, so they appear only rarely, where they make a located error.
hostile_text = st.lists(
    rarely(
        st.one_of(st.sampled_from(HOSTILE_CHARS), st.text(max_size=4).filter(_no_braces)),
        st.sampled_from(["{}", "{result}", "{nope}", "{"]),
    ),
    max_size=12,
).map("".join)

plain_names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
hostile_names = st.one_of(
    plain_names,
    st.sampled_from(sorted(RUST_KEYWORDS | TS_RESERVED)),
    st.sampled_from(sorted(linked_symbols())),
    st.sampled_from(["lib", "main", "tests", "types", "outcome", "near_sdk", "new", "init"]),
    st.sampled_from(["result", "results", "caller", "deposit", "env", "state", "previous_x"]),
    plain_names.map(lambda n: n + "\n"),
    plain_names.map(lambda n: n.upper()),
    st.text(min_size=1, max_size=8),
    st.just("a" * 300),
)
names = rarely(plain_names, hostile_names)
type_names = rarely(
    st.from_regex(r"[A-Z][a-z0-9]{2,8}", fullmatch=True),
    st.one_of(
        st.sampled_from(["Box", "GasWeight", "Contract", "ContractExt", "Decoder", "Int8"]),
        st.text(max_size=6),
    ),
)


def types(struct_names: list[str]) -> st.SearchStrategy[str]:
    base = st.sampled_from(SCALARS + struct_names) if struct_names else st.sampled_from(SCALARS)
    wrapped = st.recursive(
        base,
        lambda inner: st.one_of(
            inner.map(lambda t: f"Vec<{t}>"),
            inner.filter(lambda t: not t.endswith("?")).map(lambda t: t + "?"),
        ),
        max_leaves=3,
    )
    return rarely(wrapped, st.sampled_from(["i9", "Vec<", "u8??", "Option<u8>", "", "Vec<u8"]))


numbers = st.one_of(
    st.sampled_from(BOUNDARY_INTS), st.integers(), st.floats(allow_nan=True), st.booleans()
)
literals = st.recursive(
    st.one_of(numbers, hostile_text, st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=3)),
    max_leaves=6,
)
INT_RANGES = {
    "i8": (-(2**7), 2**7 - 1),
    "u8": (0, 2**8 - 1),
    "i16": (-(2**15), 2**15 - 1),
    "u16": (0, 2**16 - 1),
    "i32": (-(2**31), 2**31 - 1),
    "u32": (0, 2**32 - 1),
    "i64": (-(2**63), 2**63 - 1),
    "u64": (0, 2**64 - 1),
}


def value_of(type_: str, structs: dict[str, dict[str, str]], depth: int = 0) -> st.SearchStrategy:
    """A literal the declared type accepts, leaning to the ends of its range and to hostile text."""
    if type_.endswith("?"):
        return st.one_of(st.none(), value_of(type_[:-1], structs, depth))
    if type_.startswith("Vec<") and type_.endswith(">"):
        return st.lists(value_of(type_[4:-1], structs, depth + 1), max_size=2 if depth < 2 else 0)
    if type_ in INT_RANGES:
        low, high = INT_RANGES[type_]
        return st.one_of(st.sampled_from([low, high, 0]), st.integers(low, high))
    if type_ in ("U64", "U128"):
        top = 2**64 - 1 if type_ == "U64" else 2**128 - 1
        return st.one_of(st.sampled_from([str(top), "0"]), st.integers(0, top).map(str))
    if type_ == "bool":
        return st.booleans()
    if type_ == "AccountId":
        return st.sampled_from(["alice.near", "a" * 64, "0x" + "0" * 40, "sub.alice.testnet"])
    if type_ == "string":
        return hostile_text
    if type_ in structs and depth < 2:
        return st.fixed_dictionaries(
            {k: value_of(t, structs, depth + 1) for k, t in structs[type_].items()}
        )
    return literals


amounts = st.one_of(
    st.builds(
        lambda n, unit: f"{n} {unit}".strip(),
        st.one_of(
            st.sampled_from(BOUNDARY_INTS),
            st.decimals(allow_nan=False, allow_infinity=False, places=30),
            st.sampled_from(["1e3", "0.5", "-1", "1_000", "²", "10000.000000000000000000000001"]),
        ),
        st.sampled_from(AMOUNT_UNITS),
    ),
    st.sampled_from(BOUNDARY_INTS),
    hostile_text,
)


@st.composite
def specs(draw) -> dict:
    """One spec document: a contract, an external with typed methods, flows that call them with
    arguments of the declared types, and failure branches with fallbacks of the result type."""
    struct_names = draw(st.lists(type_names, max_size=2, unique=True))
    structs: dict[str, dict[str, str]] = {}
    for name in struct_names:
        fields = st.dictionaries(plain_names, types(struct_names), min_size=1, max_size=3)
        structs[name] = draw(
            rarely(fields, st.dictionaries(names, types(struct_names), max_size=3))
        )
    state = {}
    for name in draw(st.lists(names, max_size=3, unique=True)):
        type_ = draw(types(struct_names))
        field: dict = {"type": type_, "default": draw(rarely(value_of(type_, structs), literals))}
        if draw(st.booleans()):
            field["description"] = draw(hostile_text)
        state[name] = field
    # State collections: a map per account (or per number, per amount), sometimes iterable.
    maps: dict[str, tuple[str, str]] = {}
    for name in draw(st.lists(names, max_size=2, unique=True)):
        if name in state:
            continue
        kind = draw(st.sampled_from(["Map", "IterableMap", "List"]))
        value = draw(types(struct_names))
        if kind == "List":
            state[name] = {"type": f"List<{value}>"}
            continue
        key = draw(rarely(st.sampled_from(MAP_KEYS), types(struct_names)))
        field = {"type": draw(rarely(st.just(f"{kind}<{key}, {value}>"), hostile_text))}
        if draw(st.integers(0, 2)) > 0:
            field["default"] = draw(rarely(value_of(value, structs), literals))
        state[name] = field
        maps[name] = (key, value)
    methods: dict[str, dict] = {}
    for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        method: dict = {}
        if draw(st.booleans()):
            method["args"] = draw(st.dictionaries(plain_names, types(struct_names), max_size=3))
        if draw(st.integers(0, 3)) > 0:
            method["returns"] = draw(types(struct_names))
        if draw(st.integers(0, 5)) == 0:
            method["payable"] = True
            method["kind"] = "call"
        methods[name] = method
    external = draw(names)
    # An interface (no fixed account): each call names its target.
    interface = draw(st.integers(0, 3)) == 0

    def call(target: str | None = None) -> tuple[dict, str | None]:
        method_name = draw(st.sampled_from(sorted(methods)))
        method = methods[method_name]
        entry: dict = {"call": draw(rarely(st.just(f"{external}.{method_name}"), hostile_text))}
        if target is not None or interface:
            entry["account"] = draw(
                rarely(st.just(target or "{caller}"), st.sampled_from(TARGETS) | hostile_text)
            )
        args = {
            k: draw(rarely(value_of(t, structs), literals))
            for k, t in method.get("args", {}).items()
        }
        if args:
            entry["args"] = args
        if draw(st.integers(0, 3)) == 0:
            entry["gas"] = draw(rarely(st.sampled_from(["5 Tgas", "1 Tgas", "20 Tgas"]), amounts))
        if method.get("payable") and draw(st.booleans()):
            entry["deposit"] = draw(rarely(st.sampled_from(["1 yoctoNEAR", "0.01 NEAR"]), amounts))
        return entry, method.get("returns")

    def fallback(returns: str | None):
        return draw(rarely(value_of(returns, structs), literals)) if returns else None

    flows = {}
    for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        flow: dict = {}
        if draw(st.booleans()):
            flow["description"] = draw(hostile_text)
        if draw(st.booleans()):
            flow["log"] = draw(hostile_text)
        if draw(st.integers(0, 3)) == 0:
            flow["payable"] = True
        shape = draw(st.sampled_from(["call", "call", "batch", "parallel", "fan_out"]))
        if maps and draw(st.booleans()):
            field_name = draw(st.sampled_from(sorted(maps)))
            key, value = maps[field_name]
            op = draw(st.sampled_from(["set", "add", "sub"]))
            written = draw(rarely(st.sampled_from(["{caller}", "7", '"a]b"']), hostile_text))
            flow["update"] = {
                f"{field_name}[{written}]": {op: draw(rarely(value_of(value, structs), literals))}
            }
        if draw(st.integers(0, 5)) == 0:
            flow["lock"] = draw(rarely(st.sampled_from([True, "caller"]), literals))
        if draw(st.integers(0, 7)) == 0:
            good = st.sampled_from(GOOD_CONDITIONS)
            bad = st.one_of(st.sampled_from(BAD_CONDITIONS), hostile_text)
            flow["require"] = draw(st.lists(rarely(good, bad), min_size=1, max_size=2))
        if draw(st.integers(0, 7)) == 0:  # who may call: the owner, an account, a field
            flow["access"] = draw(rarely(st.sampled_from(ACCESS), st.lists(hostile_text)))
            if flow["access"] == "owner" or "owner" in flow["access"]:
                state.setdefault("owner", {"type": "AccountId", "default": "owner.near"})
        if draw(st.integers(0, 9)) == 0:  # the team's own code, before the checks
            flow["before"] = {
                "hook": draw(rarely(st.just(f"{name}_before"), hostile_text)),
                "args": draw(rarely(st.just(["caller"]), st.lists(hostile_text, max_size=2))),
                "returns": draw(rarely(st.just({"seen": "AccountId"}), st.just({}))),
            }
        if shape == "fan_out":
            item_type = draw(rarely(st.just("AccountId"), types(struct_names)))
            flow["params"] = {"items": f"Vec<{item_type}>"}
            entry, returns = call("{item}")
            flow["fan_out"] = {
                "over": draw(rarely(st.just("{items}"), st.sampled_from(["{nope}", "items", ""]))),
                "max": draw(rarely(st.integers(1, 8), st.sampled_from([0, -1, 17, 2**70]))),
                "as": "item",
                "call": entry,
            }
            then: dict = {
                "collect": draw(rarely(st.just(returns or "string"), types(struct_names)))
            }
            if draw(st.booleans()):
                policy = rarely(st.sampled_from(["skip", "fail"]), st.just({"default": 0}))
                then["on_item_failure"] = draw(policy)
            if returns and draw(st.booleans()):
                op = draw(st.sampled_from(REDUCERS))
                source = draw(rarely(st.just("results"), st.sampled_from(["results.x", "nope"])))
                then["reduce"] = {"picked": {op: source}}
                then["on_success"] = {"log": "{picked}"}
            flow["then"] = then
        elif shape == "parallel":
            calls = []
            for index in range(draw(st.integers(2, 3))):
                entry, returns = call()
                entry["as"] = (
                    f"r{index}" if draw(rarely(st.just(True), st.just(False))) else draw(names)
                )
                entry["on_failure"] = {"default": fallback(returns) if returns else None}
                calls.append(entry)
            flow["parallel"] = calls
            flow["then"] = {"return": [c["as"] for c in calls]} if draw(st.booleans()) else {}
            if not flow["then"] and draw(st.integers(0, 3)) == 0:  # a condition between steps
                good = st.sampled_from(GOOD_CONDITIONS)
                bad = st.one_of(st.sampled_from(BAD_CONDITIONS), hostile_text)
                later, _ = call()
                flow["then"] = {
                    "gas": "40 Tgas",
                    "next": {"when": draw(rarely(good, bad)), "call": later},
                }
        else:
            entry, returns = call()
            if shape == "batch":  # `{method: args}` per call, all on one external
                calls = [entry, call()[0]]
                flow["batch"] = {
                    "target": external,
                    "calls": [{c["call"].split(".")[-1]: c.get("args") or None} for c in calls],
                }
            else:
                flow["call"] = entry
            if returns and draw(st.integers(0, 3)) > 0:
                success: dict = {"return": "result"}
                failure: dict = {"return": {"value": fallback(returns)}}
                for branch in (success, failure):
                    if draw(st.booleans()):
                        branch["log"] = draw(hostile_text)
                flow["then"] = {"on_success": success, "on_failure": failure}
        if not flow.get("then"):
            flow.pop("then", None)
        if state and draw(st.integers(0, 9)) == 0:  # no calls: a setter of a state field
            for kind in ("call", "batch", "parallel", "fan_out", "then", "payable", "lock"):
                flow.pop(kind, None)
            field_name = draw(st.sampled_from(sorted(state)))
            written = state[field_name].get("default")
            flow["update"] = {field_name: {"set": draw(rarely(st.just(written), literals))}}
        flows[name] = flow
    contract: dict = {"name": draw(rarely(plain_names, names))}
    if draw(st.booleans()):
        contract["description"] = draw(hostile_text)
    if state:
        contract["state"] = state
    account = draw(rarely(st.just("other.near"), st.sampled_from(["Bad..id", "state.nope", ""])))
    definition: dict = (
        {"methods": methods} if interface else {"account": account, "methods": methods}
    )
    document = {"contract": contract, "externals": {external: definition}, "flows": flows}
    if structs:
        document["types"] = structs
    return document
