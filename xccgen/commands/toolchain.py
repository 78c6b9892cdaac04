"""`xccgen doctor` and `xccgen toolchain install`."""

from __future__ import annotations

import click

from xccgen import toolchain as tc
from xccgen.errors import XccgenError

TARGET_CHOICE = click.Choice([*tc.TARGETS, "all"])


@click.command()
@click.option("--target", type=TARGET_CHOICE, default="all", show_default=True)
def doctor(target: str) -> None:
    """Report which toolchain pieces are present and how to install the missing ones.

    \b
    Example:
      xccgen doctor --target ts
    """
    missing = []
    for piece in tc.pieces(target):
        if piece.present():
            click.echo(f"  {click.style('ok', fg='green'):<18} {piece.target:8} {piece.name}")
        else:
            missing.append(piece)
            click.echo(f"  {click.style('missing', fg='red'):<18} {piece.target:8} {piece.name}")
            click.echo(f"{'':14}{piece.description}; install: {piece.install_hint}")
    if missing:
        targets = " ".join(dict.fromkeys(p.target for p in missing))
        raise XccgenError(
            f"{len(missing)} piece(s) missing: run `xccgen toolchain install {targets}`"
        )


@click.group()
def toolchain() -> None:
    """Install the compilers and tools that `xccgen build` and `xccgen test` need."""


@toolchain.command("install")
@click.argument("targets", metavar="[TARGET]...", nargs=-1, type=TARGET_CHOICE)
def install(targets: tuple[str, ...]) -> None:
    """Install every missing piece for each TARGET, default all (idempotent; needs root for apt).

    rust, ts: contract builds; sandbox: the local NEAR VM that `xccgen test` runs;
    abi: cargo-near, for `xccgen import-abi` of a Rust contract project;
    graph: Graphviz, for `xccgen graph --format svg`.

    \b
    Example:
      xccgen toolchain install rust ts sandbox
    """
    targets = targets or ("all",)
    for target in targets:
        tc.install(target, lambda msg: click.echo(msg, err=True))
    click.echo(f"toolchain for {' '.join(targets)}: ready")
