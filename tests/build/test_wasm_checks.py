"""`xccgen.compile.wasm`: the contract checks reject what the NEAR runtime would reject, with a
message that names the problem, and `stub_wasi` removes WASI imports without breaking the module.

Test modules are WebAssembly text; `xccgen-wasm` assembles .wat itself (the `wat` crate)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from xccgen.compile.wasm import check_module, stub_wasi

pytestmark = pytest.mark.toolchain

HOST_IMPORT = '(import "env" "value_return" (func $ret (param i64 i64)))'


def wat(tmp_path, body: str, name: str = "m.wat"):
    path = tmp_path / name
    path.write_text(f"(module {body})")
    return path


def test_accepts_a_minimal_contract(tmp_path):
    report = check_module(
        wat(
            tmp_path,
            HOST_IMPORT + '(memory 1) (func (export "hello") i64.const 0 i64.const 0 call $ret)',
        ),
        ["hello"],
    )
    assert report.ok, report.problems
    assert report.imports == ["env.value_return"]
    assert report.exports == ["hello"]
    assert report.size > 0


def test_rejects_a_wasi_import(tmp_path):
    report = check_module(
        wat(
            tmp_path,
            '(import "wasi_snapshot_preview1" "fd_write" '
            "(func (param i32 i32 i32 i32) (result i32)))",
        )
    )
    assert not report.ok
    assert report.imports == ["wasi_snapshot_preview1.fd_write"]
    [problem] = report.problems
    assert "`wasi_snapshot_preview1.fd_write` is not from module `env`" in problem
    assert "stub" in problem


def test_rejects_an_env_import_that_is_not_a_host_function(tmp_path):
    report = check_module(wat(tmp_path, '(import "env" "memcpy" (func (param i32 i32 i32)))'))
    assert report.problems == ["import `env.memcpy` is not a NEAR host function"]


@pytest.mark.parametrize(
    ("body", "feature"),
    [
        ("(memory 1) (func i32.const 0 i32.const 0 i32.const 8 memory.fill)", "bulk-memory"),
        ("(memory 1) (func i32.const 0 i32.const 8 i32.const 8 memory.copy)", "bulk-memory"),
        ("(func (param i32) (result i32) local.get 0 i32.extend8_s)", "sign-extension"),
        ("(func (result i32 i32) i32.const 1 i32.const 2)", "multi-value"),
        ("(func (result v128) v128.const i32x4 0 0 0 0)", "simd"),
        ("(table 1 externref)", "reference-types"),
        ("(memory 1 1 shared) (func (result i32) i32.const 0 i32.atomic.load)", "threads"),
    ],
)
def test_rejects_post_mvp_features_by_name(tmp_path, body, feature):
    report = check_module(wat(tmp_path, body))
    assert not report.ok
    [problem] = report.problems
    assert f"uses post-MVP feature `{feature}`" in problem, problem
    assert "NEAR runtime rejects" in problem


def test_rejects_a_missing_export(tmp_path):
    report = check_module(
        wat(tmp_path, '(func (export "get_num")) (func (export "increment"))'),
        ["get_num", "increment", "reset"],
    )
    assert report.problems == [
        "required export `reset` is missing (exported functions: get_num, increment)"
    ]


def test_reports_a_file_that_is_not_wasm(tmp_path):
    path = tmp_path / "junk.wasm"
    path.write_bytes(b"\0asm\x01\0\0\0\x01\xff")
    report = check_module(path)
    assert not report.ok
    assert report.problems[0].startswith("not a valid WebAssembly module")


# A module whose WASI imports sit between host imports, called directly and through the table,
# with a start function and names: every function index shifts when the imports become stubs.
STUB_ME = """
  (import "env" "log_utf8" (func $log (param i64 i64)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "env" "value_return" (func $ret (param i64 i64)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $started (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $seven $clock)
  (type $to_i32 (func (result i32)))
  (func $seven (result i32) i32.const 7)
  (func $init i32.const 1 global.set $started)
  (start $init)
  (func (export "compute") (result i32)
    ;; 7 (through the table) + 0 (stubbed fd_write) + 0 (stubbed clock) + 1 (start ran)
    (call_indirect (type $to_i32) (i32.const 0))
    (call $fd_write (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    i32.add
    (call $clock (i32.const 0) (i64.const 0) (i32.const 0))
    i32.add
    global.get $started
    i32.add)
  (func (export "say") i64.const 0 i64.const 0 call $log)
"""


def test_stub_wasi_replaces_imports_and_keeps_the_module_working(tmp_path):
    src = wat(tmp_path, STUB_ME, "in.wat")
    out = tmp_path / "out.wasm"
    stubbed = stub_wasi(src, out)
    assert stubbed == ["wasi_snapshot_preview1.clock_time_get", "wasi_snapshot_preview1.fd_write"]

    report = check_module(out, ["compute", "say"])
    assert report.ok, report.problems
    assert report.imports == ["env.log_utf8", "env.value_return"]

    node = shutil.which("node")
    assert node, "node is needed to run the stubbed module (xccgen toolchain install ts)"
    script = f"""
      const fs = require("fs");
      const logged = [];
      const env = {{ log_utf8: () => logged.push("log"), value_return: () => {{}} }};
      const mod = new WebAssembly.Module(fs.readFileSync({json.dumps(str(out))}));
      const names = WebAssembly.Module.customSections(mod, "name").length;
      const {{ exports }} = new WebAssembly.Instance(mod, {{ env }});
      exports.say();
      console.log(JSON.stringify({{ compute: exports.compute(), logged, names }}));
    """
    proc = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout) == {"compute": 8, "logged": ["log"], "names": 1}


def test_stub_wasi_leaves_a_module_without_wasi_valid(tmp_path):
    src = wat(tmp_path, HOST_IMPORT + '(func (export "f"))', "in.wat")
    out = tmp_path / "out.wasm"
    assert stub_wasi(src, out) == []
    assert check_module(out, ["f"]).ok
