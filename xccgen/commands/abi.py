"""`xccgen import-abi`: an external contract's methods and types from its NEAR ABI."""

from __future__ import annotations

from pathlib import Path

import click

from xccgen.errors import XccgenError
from xccgen.importers.abi import import_abi, merge_into, to_yaml
from xccgen.importers.sources import read_abi
from xccgen.pipeline import load_contract
from xccgen.spec.names import identifier_problem


@click.command("import-abi")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--as", "name", required=True, help="The external's name in the spec.")
@click.option(
    "--account",
    help="`state.<field>` or a literal account id (default: state.<NAME>_account).",
)
@click.option(
    "--interface",
    is_flag=True,
    help='No fixed account: each call names its target (`account: "{pool}"`).',
)
@click.option(
    "--numbers",
    type=click.Choice(["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"]),
    help="The integer type for plain JSON numbers (TypeScript `number`), which have no width.",
)
@click.option(
    "--into",
    "spec",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML spec to add the external to (comments are kept); default: print it.",
)
def import_abi_command(
    source: Path,
    name: str,
    account: str | None,
    interface: bool,
    numbers: str | None,
    spec: Path | None,
) -> None:
    """Turn a NEAR ABI into an `externals:` entry with the `types:` it needs.

    SOURCE is an ABI JSON file (what `cargo near abi` or `near-sdk-js build
    --generateABI` writes), or a contract project whose SDK xccgen asks for
    the ABI: a near-sdk-rs crate (runs `cargo near abi`; `xccgen toolchain
    install abi` provides cargo-near) or a near-sdk-js project (src/contract.ts).

    Functions or types whose JSON Schema has no clean spec type are listed and
    left out, never guessed.

    \b
    Examples:
      xccgen import-abi target/near/guestbook_abi.json --as guestbook --into specs/my.yaml
      xccgen import-abi ../guest-book-rs --as guestbook --into specs/my.yaml
      xccgen import-abi pool_abi.json --as pool --interface   # called wherever a call says
    """
    problem = identifier_problem(name, "external")
    if problem:
        raise XccgenError(problem)
    if interface and account:
        raise XccgenError("give --account or --interface, not both")
    abi = read_abi(source, lambda message: click.echo(message, err=True))
    imported = import_abi(abi, None if interface else account or f"state.{name}_account", numbers)
    for line in imported.skipped:
        click.secho(f"skipped {line}", fg="yellow", err=True)
    if spec is None:
        click.echo(to_yaml(imported, name), nl=False)
        return
    merge_into(spec, imported, name)
    click.echo(f"added external {name!r} ({len(imported.external['methods'])} methods) to {spec}")
    load_contract(spec)  # the merged spec must still validate; a clear error says what to add
