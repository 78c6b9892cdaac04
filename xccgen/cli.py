"""The `xccgen` command: one click group, each subcommand in its own module under commands/."""

from __future__ import annotations

import sys

import click

from xccgen import __version__
from xccgen.errors import SpecError, XccgenError


class XccgenGroup(click.Group):
    """Reports every XccgenError as `error: ...` and exit 1, never as a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SpecError as exc:
            for problem in exc.problems:  # one problem a line, each its own error
                click.secho(f"error: {problem}", fg="red", err=True)
            sys.exit(1)
        except XccgenError as exc:
            # One error; the lines after its first are detail (a compiler's output, say).
            first, *detail = str(exc).splitlines() or [""]
            click.secho(f"error: {first}", fg="red", err=True)
            for line in detail:
                click.echo(f"  {line}" if line else "", err=True)
            sys.exit(1)


@click.group(cls=XccgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xccgen")
def main() -> None:
    """Generate, build and test NEAR contracts that orchestrate cross-contract calls.

    \b
    A spec (YAML or Python) describes the external contracts and the flows;
    xccgen writes a near-sdk-rs and a near-sdk-js project for it.

    \b
    Example:
      xccgen init my_contract && xccgen generate my_contract.yaml -o generated
    """


# Subcommands register themselves here, one import and one line each.
from xccgen.commands import abi as _abi  # noqa: E402
from xccgen.commands import build as _build  # noqa: E402
from xccgen.commands import check as _check  # noqa: E402
from xccgen.commands import generate as _generate  # noqa: E402
from xccgen.commands import graph as _graph  # noqa: E402
from xccgen.commands import spec_tools as _spec_tools  # noqa: E402
from xccgen.commands import test as _test  # noqa: E402
from xccgen.commands import toolchain as _toolchain  # noqa: E402

main.add_command(_generate.generate_command)
main.add_command(_generate.validate_command)
main.add_command(_check.check_command)
main.add_command(_spec_tools.init_command)
main.add_command(_spec_tools.schema_command)
main.add_command(_spec_tools.convert_command)
main.add_command(_spec_tools.templates_group)
main.add_command(_graph.graph_command)
main.add_command(_abi.import_abi_command)
main.add_command(_test.test_command)

main.add_command(_toolchain.doctor)
main.add_command(_toolchain.toolchain)
main.add_command(_build.build)

from xccgen.commands import sandbox as _sandbox  # noqa: E402

main.add_command(_sandbox.sandbox)
