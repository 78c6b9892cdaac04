"""`xccgen doctor` and `xccgen toolchain install`: what they report and install, on pieces made
for the test (the real installs run in `make test`'s set-up)."""

from __future__ import annotations

import pytest

from xccgen import toolchain as tc
from xccgen.toolchain.base import Piece


def fake_piece(target: str, name: str, present: bool, installed: list[str]) -> Piece:
    state = {"present": present}

    def install(progress) -> None:
        installed.append(name)
        state["present"] = True

    return Piece(
        target=target,
        name=name,
        description=f"{name} for the test",
        present=lambda: state["present"],
        install_hint=f"install {name} by hand",
        install=install,
    )


@pytest.fixture
def installed(monkeypatch) -> list[str]:
    """Replace the real pieces: rust has one present and one missing, abi one missing."""
    log: list[str] = []
    fakes = [
        fake_piece("rust", "compiler", True, log),
        fake_piece("rust", "linker", False, log),
        fake_piece("abi", "cargo-near", False, log),
    ]
    monkeypatch.setattr(
        tc, "pieces", lambda target="all": [p for p in fakes if target in ("all", p.target)]
    )
    return log


def test_doctor_names_what_is_missing_and_the_targets_to_install(cli, installed):
    result = cli("doctor")
    assert result.exit_code == 1
    assert "install linker by hand" in result.output
    assert "install cargo-near by hand" in result.output
    assert "2 piece(s) missing: run `xccgen toolchain install rust abi`" in result.output
    assert installed == [], "doctor installs nothing"


def test_doctor_passes_once_the_target_is_installed(cli, installed):
    assert cli("doctor", "--target", "rust").exit_code == 1
    assert cli("toolchain", "install", "rust").exit_code == 0
    assert cli("doctor", "--target", "rust").exit_code == 0


def test_install_takes_several_targets_and_skips_present_pieces(cli, installed):
    result = cli("toolchain", "install", "abi", "rust")
    assert result.exit_code == 0, result.output
    assert installed == ["cargo-near", "linker"], "in the order asked, present pieces skipped"
    assert "compiler: present" in result.output
    assert "toolchain for abi rust: ready" in result.output
    assert cli("toolchain", "install").exit_code == 0
    assert installed == ["cargo-near", "linker"], "a second install is a no-op"


def test_install_rejects_an_unknown_target(cli, installed):
    result = cli("toolchain", "install", "go")
    assert result.exit_code == 2
    assert "'go' is not one of" in result.output
