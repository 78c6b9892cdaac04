"""Hostile specs: seeded mutations of every example and test spec get a clear error or a
result from each command, never a Python traceback, and never invalid generated code (a spec
that validates must generate; a bad one must fail validation with a located error)."""

from __future__ import annotations

import copy
import io
import shutil

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from tests.conftest import REPO, SPECS
from tests.mutation import mutants
from xccgen.cli import main

SOURCES = SPECS + sorted((REPO / "tests" / "generator" / "specs").glob("*.yaml"))
VALUES = [None, 0, -1, 2**70, 1.5, "", "x", "state.nope", "{", "}", "{result}", [], {}, [1, "a"]]
VALUES += [{"a": 1}, True, "Vec<", "u8?", "Vec<Vec<u8>>?", "1000 NEAR", "-5 Tgas", "301 Tgas"]
VALUES += ["0 Tgas", "\x00", "é" * 70, "call", "view"]
KEYS = ["as", "call", "then", "critical", "args", "deposit", "gas", "on_failure", "return"]
KEYS += ["value", "lock", "payable", "unknown_key", 1, None]
# Errors that are xccgen's own bugs, whatever the input: a template rendered Rust that does not
# parse (caught by the rustfmt pass of `generate`). Input that would cause one must be rejected
# earlier, by validation, with a located error.
BUGS = ["generated Rust is not valid"]
# Characters that generated code must escape (control characters, DEL, line separators).
HOSTILE_TEXT = ["\x00", "\x01", "\x1b", "\x7f", "\u2028", "\u2029", "\r", "\t", "\n"]


def invoke(runner: CliRunner, command: list, spec_text: str):
    """Run `xccgen COMMAND`: a result or a clear error, never a traceback or an xccgen bug."""
    result = runner.invoke(main, [str(arg) for arg in command])
    crashed = result.exception and not isinstance(result.exception, SystemExit)
    assert not crashed, f"`xccgen {command[0]}` crashed on:\n{spec_text}"
    bug = next((b for b in BUGS if b in result.output), None)
    assert bug is None, (
        f"`xccgen {command[0]}` failed with an xccgen bug ({bug}) on:\n{spec_text}\n"
        f"{result.output}"
    )
    return result


def test_mutated_specs_never_crash(tmp_path):
    yaml = YAML()
    documents = [yaml.load(path.read_text()) for path in SOURCES]
    runner = CliRunner()
    spec = tmp_path / "spec.yaml"
    commands = [
        ["validate", spec],
        ["check", spec],
        ["graph", spec],
        ["generate", spec, "-o", tmp_path / "out", "--force"],
    ]
    for document in mutants(documents, count=100, seed=20261125, values=VALUES, keys=KEYS):
        text = io.StringIO()
        yaml.dump(document, text)
        spec.write_text(text.getvalue())
        for command in commands:
            invoke(runner, command, text.getvalue())


def strings(node, path=()):
    """The path of every string in a JSON-like document."""
    for key, child in node.items() if isinstance(node, dict) else enumerate(node):
        if isinstance(child, str):
            yield path + (key,)
        elif isinstance(child, (dict, list)):
            yield from strings(child, path + (key,))


@pytest.mark.toolchain
@pytest.mark.slow
def test_hostile_characters_in_flow_text_are_escaped_or_rejected(tmp_path):
    """Each string of each flow (log lines, text arguments, returned text...) gets one of the
    characters generated code must escape: `generate` writes valid Rust or validation refuses."""
    if shutil.which("rustfmt") is None:
        pytest.fail(
            "rustfmt is missing (it checks the generated Rust): run `rustup component "
            "add rustfmt` or `xccgen toolchain install rust`"
        )
    yaml = YAML()
    runner = CliRunner()
    spec = tmp_path / "spec.yaml"
    count = 0
    for source in SOURCES:
        document = yaml.load(source.read_text())
        for path in strings(document["flows"], ("flows",)):
            mutant = copy.deepcopy(document)
            node = mutant
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] += HOSTILE_TEXT[count % len(HOSTILE_TEXT)]
            count += 1
            text = io.StringIO()
            yaml.dump(mutant, text)
            spec.write_text(text.getvalue())
            invoke(runner, ["generate", spec, "-o", tmp_path / "out", "--force"], text.getvalue())
