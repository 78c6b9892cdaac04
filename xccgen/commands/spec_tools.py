"""Commands that help write specs: `init`, `schema`, `convert`, `templates export`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

from xccgen.convert import to_python, to_yaml
from xccgen.errors import XccgenError
from xccgen.paths import templates_dir
from xccgen.spec.loader import load
from xccgen.spec.model import Spec
from xccgen.spec.names import SNAKE

STARTER = """\
# A starter xccgen spec: one external contract, one flow with a callback.
# Validate with `xccgen validate {name}.yaml`; generate with `xccgen generate {name}.yaml`.
contract:
  name: {name}
  state:
    hello_account: {{type: AccountId, default: hello.near-examples.testnet}}
  init: {{name: init, private: true, params: [hello_account]}}

externals:
  hello:
    account: state.hello_account
    methods:
      get_greeting: {{returns: string}}

defaults: {{gas: 10 Tgas, deposit: 0}}

flows:
  greeting:
    description: Ask HelloNear for its greeting and return it, or "" if the call fails.
    call: {{call: hello.get_greeting}}
    then:
      on_success: {{log: "HelloNear says {{result}}", return: result}}
      on_failure: {{log: "HelloNear did not answer", return: ""}}
"""


@click.command("init")
@click.argument("name", default="my_contract")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def init_command(name: str, output: Path | None) -> None:
    """Write a starter spec NAME.yaml that validates and generates.

    \b
    Example:
      xccgen init greeter && xccgen generate greeter.yaml
    """
    if not SNAKE.fullmatch(name):
        raise XccgenError(f"contract name {name!r} must be snake_case, e.g. my_contract")
    path = output or Path(f"{name}.yaml")
    if path.exists():
        raise XccgenError(f"{path} already exists; choose another name or -o PATH")
    path.write_text(STARTER.format(name=name), encoding="utf-8")
    click.echo(f"wrote {path}")


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the YAML spec, for editor completion.

    \b
    Example:
      xccgen schema > xccgen.schema.json
      # then in a spec: # yaml-language-server: $schema=xccgen.schema.json
    """
    schema = Spec.model_json_schema(by_alias=True)
    schema["title"] = "xccgen spec"
    click.echo(json.dumps(schema, indent=2, sort_keys=True))


@click.command("convert")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "fmt", type=click.Choice(["yaml", "python"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def convert_command(spec: Path, fmt: str, output: Path | None) -> None:
    """Convert SPEC between YAML and the Python DSL (comments are not carried over).

    \b
    Example:
      xccgen convert specs/advanced_xcc.yaml --to python -o specs/advanced_xcc.py
    """
    model, _ = load(spec)
    text = to_yaml(model) if fmt == "yaml" else to_python(model)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@click.group("templates")
def templates_group() -> None:
    """Work with the Jinja templates behind the generated code."""


@templates_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Copy the built-in templates to DIRECTORY to customise them.

    Keep only the files you change: `xccgen generate --templates DIRECTORY` uses
    your version of each file it finds there and the built-in one otherwise.

    \b
    Example:
      xccgen templates export my-templates
      xccgen generate specs/x.yaml --templates my-templates
    """
    if directory.exists() and any(directory.iterdir()):
        raise XccgenError(f"{directory} is not empty; choose a new directory")
    shutil.copytree(templates_dir(), directory, dirs_exist_ok=True)
    count = sum(1 for p in directory.rglob("*.jinja"))
    click.echo(f"copied {count} templates to {directory}")
