"""Real builds of the Rust fixture contracts: wasm the NEAR VM accepts, cached rebuilds, and
clear errors for a missing toolchain or a compiler failure."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from xccgen.cli import main
from xccgen.compile import FIXTURE_EXPORTS, build_contract, build_fixture, fixture_project
from xccgen.compile.rust import build_rust
from xccgen.compile.wasm import check_module
from xccgen.errors import BuildError, ToolchainMissing
from xccgen.toolchain import rust as tc

pytestmark = pytest.mark.toolchain

# Every post-MVP feature the NEAR VM rejects, or that this toolchain must not emit anyway.
MVP_ONLY = [
    "--disable-bulk-memory",
    "--disable-reference-types",
    "--disable-multi-value",
    "--disable-sign-extension",
    "--disable-saturating-float-to-int",
    "--disable-simd",
]


def copy_project(name: str, dest: Path) -> Path:
    return Path(shutil.copytree(fixture_project(name, "rust"), dest / name, ignore=_no_target))


def _no_target(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "target"]


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPORTS))
def test_fixture_builds_to_mvp_wasm_with_its_exports(name: str, tmp_path: Path) -> None:
    artifact = build_contract(
        fixture_project(name, "rust"), "rust", name, FIXTURE_EXPORTS[name], tmp_path
    )
    report = check_module(artifact.path, FIXTURE_EXPORTS[name])
    assert report.ok, report.problems
    assert set(FIXTURE_EXPORTS[name]) <= set(report.exports)
    assert all(imp.startswith("env.") for imp in report.imports), report.imports
    # Independent of check_module: WABT's validator with every post-MVP feature switched off.
    validate = subprocess.run(
        ["wasm-validate", *MVP_ONLY, str(artifact.path)], capture_output=True, text=True
    )
    assert validate.returncode == 0, validate.stderr
    assert artifact.size == artifact.path.stat().st_size < 200_000  # stripped and optimised

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entry = manifest["artifacts"][f"rust/{name}"]
    assert entry["sha256"] == artifact.sha256 and entry["size"] == artifact.size

    again = build_contract(
        fixture_project(name, "rust"), "rust", name, FIXTURE_EXPORTS[name], tmp_path
    )
    assert again.cached and not artifact.cached
    assert again.sha256 == artifact.sha256
    assert again.build_seconds < 5


def test_build_fixture_caches_in_the_shared_cache() -> None:
    first = build_fixture("counter", "rust")
    mtime = first.stat().st_mtime_ns
    assert build_fixture("counter", "rust") == first
    assert first.stat().st_mtime_ns == mtime  # not rebuilt, not rewritten


def test_changed_source_rebuilds_and_same_package_name_does_not_clobber(tmp_path: Path) -> None:
    fixture = build_contract(
        fixture_project("hello", "rust"), "rust", "hello", ["get_greeting"], tmp_path / "a"
    )
    project = copy_project("hello", tmp_path)
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("pub fn get_greeting", "pub fn fetch_greeting"))
    changed = build_contract(project, "rust", "hello", ["fetch_greeting"], tmp_path / "b")
    assert not changed.cached
    assert "fetch_greeting" in check_module(changed.path, []).exports
    assert "fetch_greeting" not in check_module(fixture.path, []).exports

    # Same crate (package hello_near) in the shared target dir: the fixture's build is intact.
    rebuilt = build_contract(
        fixture_project("hello", "rust"), "rust", "hello", ["get_greeting"], tmp_path / "c"
    )
    assert rebuilt.sha256 == fixture.sha256


def test_missing_export_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no_such_method"):
        build_contract(
            fixture_project("counter", "rust"), "rust", "counter", ["no_such_method"], tmp_path
        )
    assert not (tmp_path / "manifest.json").exists()
    assert not (tmp_path / "rust" / "counter.wasm").exists()  # a module that failed is not left


def test_compiler_error_is_reported_with_its_message(tmp_path: Path) -> None:
    project = copy_project("counter", tmp_path)
    lib = project / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("self.val += 1;", "self.val += undefined_thing;"))
    with pytest.raises(BuildError) as failure:
        build_rust(project, tmp_path / "out.wasm", lambda _msg: None)
    message = str(failure.value)
    assert "undefined_thing" in message and "error" in message
    assert len(message.splitlines()) < 80


def test_missing_linker_is_one_clear_line(tmp_path: Path, monkeypatch) -> None:
    # Whatever compiler this machine has, check the Debian pieces with rust-lld pointed away.
    monkeypatch.setattr(tc, "rustup_wasm", lambda: None)
    monkeypatch.setattr(tc, "PIECES", tc._pieces())
    monkeypatch.setattr(tc, "RUST_LLD", tmp_path / "no-rust-lld")
    with pytest.raises(ToolchainMissing) as missing:
        build_rust(fixture_project("hello", "rust"), tmp_path / "out.wasm", lambda _msg: None)
    message = str(missing.value)
    assert len(message.splitlines()) == 1
    assert message.startswith("rust-lld is missing")
    assert "xccgen toolchain install rust" in message and "apt-get install -y lld-22" in message
    assert not (tmp_path / "out.wasm").exists()


def test_cli_builds_fixture_dirs_and_reports_cached(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(fixture_project("counter", "rust").parent), "--target", "rust"]
    first = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert (out / "rust" / "counter.wasm").is_file()
    assert json.loads((out / "manifest.json").read_text())["artifacts"]["rust/counter"]["exports"]
    second = CliRunner().invoke(main, [*args, "-o", str(out)])
    assert second.exit_code == 0, second.output
    assert "unchanged" in second.output and "yes" in second.output


def test_cli_rejects_a_dir_without_a_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--target", "rust"])
    assert result.exit_code == 1
    assert "no Cargo.toml or package.json" in result.output


def test_rust_lld_install_links_lld_only_when_missing(tmp_path: Path, monkeypatch) -> None:
    installed: list[list[str]] = []
    monkeypatch.setattr(tc, "apt_install", lambda pkgs, _progress: installed.append(pkgs))
    monkeypatch.setattr(tc, "RUST_LLD", tmp_path / "rust-lld")
    piece = next(p for p in tc._pieces_debian() if p.name == "rust-lld")
    assert not piece.present()
    piece.install(lambda _msg: None)
    assert installed == [["lld-22", "rust-web-llvm"]]
    assert piece.present() and (tmp_path / "rust-lld").resolve().name == "lld"
    link = (tmp_path / "rust-lld").readlink()
    piece.install(lambda _msg: None)  # idempotent: the existing link is kept
    assert (tmp_path / "rust-lld").readlink() == link


def test_panics_carry_their_message(tmp_path):
    """A contract's panic reaches the chain as its message, not as an `unreachable` trap."""
    from xccgen.compile import build_fixture
    from xccgen.sandbox import Sandbox

    wasm = build_fixture("faulty", "rust")
    with Sandbox() as sandbox:
        sandbox.create_account("faulty.test.near", "10 NEAR")
        sandbox.deploy("faulty.test.near", wasm)
        sandbox.create_account("alice.test.near", "10 NEAR")
        out = sandbox.call("alice.test.near", "faulty.test.near", "get_greeting")
    assert out.status == "failure"
    assert "get_greeting fails on purpose" in str(out.error)
