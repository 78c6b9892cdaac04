"""Hostile specs: seeded mutations of every example and test spec get a clear error or a
result from each command, never a Python traceback."""

from __future__ import annotations

import io

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
            result = runner.invoke(main, [str(arg) for arg in command])
            crashed = result.exception and not isinstance(result.exception, SystemExit)
            assert not crashed, f"`xccgen {command[0]}` crashed on:\n{text.getvalue()}"
