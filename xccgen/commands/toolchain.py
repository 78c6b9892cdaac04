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
    missing = 0
    for piece in tc.pieces(target):
        if piece.present():
            click.echo(f"  {click.style('ok', fg='green'):<18} {piece.target:8} {piece.name}")
        else:
            missing += 1
            click.echo(f"  {click.style('missing', fg='red'):<18} {piece.target:8} {piece.name}")
            click.echo(f"{'':14}{piece.description}; install: {piece.install_hint}")
    if missing:
        raise XccgenError(f"{missing} piece(s) missing: run `xccgen toolchain install {target}`")


@click.group()
def toolchain() -> None:
    """Install the compilers and tools that `xccgen build` and `xccgen test` need."""


@toolchain.command("install")
@click.argument("target", type=TARGET_CHOICE, default="all")
def install(target: str) -> None:
    """Install every missing piece for TARGET (idempotent; needs root for apt).

    \b
    Example:
      xccgen toolchain install rust
    """
    tc.install(target, lambda msg: click.echo(msg, err=True))
    click.echo(f"toolchain for {target}: ready")
