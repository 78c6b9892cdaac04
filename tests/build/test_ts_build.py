"""Real near-sdk-js 2.0 builds of the TypeScript fixture contracts: modules the NEAR runtime
accepts, with their methods exported, and clear errors for a compiler failure or a missing
toolchain piece."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from xccgen.compile import FIXTURE_EXPORTS, fixture_project
from xccgen.compile.ts import build_ts, work_dir
from xccgen.compile.wasm import check_module
from xccgen.errors import BuildError, ToolchainMissing

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

# The fixtures written in TypeScript too (the others are Rust-only counterparts).
TS_FIXTURES = ["counter", "guestbook", "hello"]

MVP_ONLY = [
    "--disable-bulk-memory",
    "--disable-reference-types",
    "--disable-multi-value",
    "--disable-sign-extension",
    "--disable-saturating-float-to-int",
    "--disable-simd",
]  # threads, tail calls, memory64 and the rest are off unless enabled


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, float]]:
    """Each TS fixture built once for this module: name -> (wasm, seconds)."""
    out = tmp_path_factory.mktemp("ts-wasm")
    result = {}
    for name in TS_FIXTURES:
        started = time.monotonic()
        wasm = build_ts(fixture_project(name, "ts"), out / f"{name}.wasm", lambda _msg: None)
        result[name] = (wasm, time.monotonic() - started)
    return result


@pytest.mark.parametrize("name", TS_FIXTURES)
def test_fixture_builds_to_a_contract_near_accepts(built, name):
    wasm, _seconds = built[name]
    report = check_module(wasm, FIXTURE_EXPORTS[name])
    assert report.ok, report.problems
    assert set(FIXTURE_EXPORTS[name]) <= set(report.exports)
    assert report.imports and all(i.startswith("env.") for i in report.imports), report.imports
    # near-sdk-js always binds these host functions; their presence shows builder.c is linked.
    assert {"env.input", "env.value_return", "env.storage_write"} <= set(report.imports)
    # An independent opinion: WABT's validator with the post-MVP features switched off.
    validate = subprocess.run(
        ["wasm-validate", *MVP_ONLY, str(wasm)], capture_output=True, text=True
    )
    assert validate.returncode == 0, validate.stderr
    # QuickJS plus the bytecode: an official near-sdk-js build of hello-near is 513 KB.
    assert 400_000 < report.size < 800_000


def test_build_leaves_the_project_untouched(built):
    for name in TS_FIXTURES:
        project = fixture_project(name, "ts")
        assert not (project / "node_modules").exists()
        assert not (project / "build").exists()


def test_compiler_failure_is_a_build_error_with_the_compiler_output(tmp_path):
    project = Path(shutil.copytree(fixture_project("hello", "ts"), tmp_path / "broken"))
    source = project / "src" / "contract.ts"
    source.write_text(
        source.read_text().replace('greeting: string = "Hello"', "greeting: string = 42")
    )
    with pytest.raises(BuildError) as err:
        build_ts(project, tmp_path / "broken.wasm", lambda _msg: None)
    message = str(err.value)
    assert f"near-sdk-js build of {project} failed" in message
    assert "error TS2322" in message  # tsc's own diagnostic reaches the user
    assert not (tmp_path / "broken.wasm").exists()
    shutil.rmtree(work_dir(project), ignore_errors=True)


def test_missing_toolchain_fails_fast_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("XCCGEN_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(ToolchainMissing) as err:
        build_ts(fixture_project("hello", "ts"), tmp_path / "x.wasm", lambda _msg: None)
    assert "xccgen toolchain install ts" in str(err.value)


# ---- the built modules run: a minimal NEAR host in Node (tests/build/near_host.mjs) ----------

NEAR_HOST = Path(__file__).with_name("near_host.mjs")


def run_calls(wasm: Path, calls: list[dict]) -> list[dict]:
    node = shutil.which("node")
    assert node, "node is missing: run `xccgen toolchain install ts`"
    proc = subprocess.run(
        [node, str(NEAR_HOST), str(wasm)], input=json.dumps(calls), capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def returned(result: dict):
    assert result["ok"], result
    return None if result["return"] is None else json.loads(result["return"])


def test_hello_runs(built):
    wasm, _ = built["hello"]
    first, setter, second = run_calls(
        wasm,
        [
            {"method": "get_greeting"},
            {"method": "set_greeting", "args": {"greeting": "howdy"}},
            {"method": "get_greeting"},
        ],
    )
    assert returned(first) == "Hello"
    assert setter["logs"] == ["Saving greeting: howdy"]
    assert returned(second) == "howdy"


def test_counter_runs_and_panics_past_the_i8_range(built):
    wasm, _ = built["counter"]
    calls = [{"method": m} for m in ("get_num", "increment", "increment", "decrement")]
    calls += [{"method": "get_num"}, {"method": "reset"}, {"method": "decrement"}]
    calls += [{"method": "get_num"}, {"method": "reset"}]
    calls += [{"method": "increment"}] * 128 + [{"method": "get_num"}]
    results = run_calls(wasm, calls)
    assert returned(results[0]) == 0
    assert results[1]["logs"] == ["Increased number to 1"]
    assert returned(results[4]) == 1
    assert results[6]["logs"] == ["Decreased number to -1"]
    assert returned(results[7]) == -1
    overflow = results[-2]
    assert not overflow["ok"] and "Counter overflow" in overflow["panic"]
    assert returned(results[-1]) == 127  # the failed call changed nothing


def test_guestbook_runs_with_u128_deposits(built):
    wasm, _ = built["guestbook"]
    hundredth = 10**22  # 0.01 NEAR in yocto: above 2**64, so u128 handling matters
    # Deposits whose low 64 bits are >= 2**63 go through libbf's bf_set_ui path that our
    # QuickJS edit fixes; they sit just either side of the premium threshold.
    deposits = {
        "alice.near": hundredth,
        "bob.near": hundredth - 1,
        "carol.near": hundredth - 2**62,
        "dan.near": hundredth + 2**63,
        "erin.near": 0,
    }
    calls = [
        {
            "method": "add_message",
            "args": {"text": f"from {who}"},
            "predecessor": who,
            "deposit": str(amount),
        }
        for who, amount in deposits.items()
    ]
    calls += [
        {"method": "total_messages"},
        {"method": "get_messages", "args": {}},
        {"method": "get_messages", "args": {"from_index": "1", "limit": 2}},
        {"method": "get_messages", "args": {"from_index": "99"}},
    ]
    results = run_calls(wasm, calls)
    assert all(r["ok"] for r in results[: len(deposits)]), results
    total, everything, page, beyond = (returned(r) for r in results[len(deposits) :])
    assert total == len(deposits)
    assert everything == [
        {"premium": amount >= hundredth, "sender": who, "text": f"from {who}"}
        for who, amount in deposits.items()
    ]
    assert [m["sender"] for m in everything if m["premium"]] == ["alice.near", "dan.near"]
    assert page == everything[1:3]
    assert beyond == []


def test_stage_copies_the_project_and_links_the_shared_node_modules(tmp_path):
    from xccgen.compile.ts import stage_project

    project = tmp_path / "proj"
    (project / "src").mkdir(parents=True)
    (project / "src" / "contract.ts").write_text("export {};\n")
    (project / "package.json").write_text('{"name": "p"}')
    (project / "build").mkdir()  # stale output and a local install are left behind
    (project / "node_modules").mkdir()
    shared = tmp_path / "shared_node_modules"
    shared.mkdir()
    work = tmp_path / "work"
    stage_project(project, work, shared)
    assert (work / "src" / "contract.ts").is_file()
    assert not (work / "build").exists()
    assert (work / "node_modules").resolve() == shared
    assert json.loads((work / "package.json").read_text()) == {"name": "p", "type": "module"}


def test_wasi_cc_splits_the_sdk_clang_call():
    from xccgen.toolchain.wasi_cc import _split

    deps = "node_modules/near-sdk-js/lib/cli/deps"
    engine = [f"{deps}/quickjs/{n}.c" for n in ("quickjs", "libregexp", "libbf")]
    args = [
        f"--sysroot={deps}/wasi-sdk/share/wasi-sysroot",
        "--target=wasm32-wasi",
        "-nostartfiles",
        "-Oz",
        "-flto",
        '-DCONFIG_VERSION="2021-03-27"',
        f"-I{deps}/quickjs",
        "build/builder.c",
        *engine,
        "-lm",
        "-Wl,--no-entry",
        "-o",
        "build/contract.wasm",
    ]
    compile_flags, link_flags, sources, output = _split(args)
    assert sources == ["build/builder.c", *engine]
    assert output == "build/contract.wasm"
    assert link_flags == ["-nostartfiles", "-lm", "-Wl,--no-entry"]
    assert "-flto" in compile_flags and f"-I{deps}/quickjs" in compile_flags
    assert _split(["-c", "x.c", "-o", "x.o"]) is None  # plain compiles pass straight through
