"""The hostile-input harness: specs drawn from the schema with hostile names, strings, numbers,
amounts and structures (tests/hostile/strategies.py). On every example:

- `validate` succeeds, or fails with exit status 1 and only `error: <spec>[:line] ...` lines,
  never a traceback;
- every spec `validate` accepts also generates (rustfmt and prettier run over the output, so a
  syntax error in either target fails here);
- a seeded sample of accepted specs compiles for real: `cargo clippy -D warnings` and `tsc`.

The default run is seeded and short; `pytest tests/hostile --hostile-long` draws many more
examples, unseeded. The figures (cases tried, by outcome) print at the end of the session.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from ruamel.yaml import YAML

from tests.generator.test_compile import cargo_env, run
from tests.hostile.strategies import specs
from xccgen.cli import main

SHORT = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
LONG = settings(SHORT, max_examples=3000, derandomize=False)
ERROR_LINE = re.compile(r"error: (?P<file>\S*spec\.yaml)(?P<line>:\d+)?[ :].+")


def settings_for(long: bool) -> settings:
    return LONG if long else SHORT


def write_spec(document: dict, directory: Path) -> tuple[Path, str]:
    text = io.StringIO()
    YAML(typ="safe").dump(document, text)
    spec = directory / "spec.yaml"
    spec.write_text(text.getvalue(), encoding="utf-8")
    return spec, text.getvalue()


def invoke(args: list) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"`xccgen {args[0]}` raised {result.exception!r}") from (
            result.exception
        )
    return result.exit_code, result.output


def check_document(document: dict, outcomes) -> Path | None:
    """Validate, and generate when valid; returns the generated root of an accepted spec."""
    directory = Path(tempfile.mkdtemp(prefix="xccgen-hostile-"))
    spec, text = write_spec(document, directory)
    outcomes["validate:tried"] += 1
    try:
        code, output = invoke(["validate", spec])
    except AssertionError as exc:
        raise AssertionError(f"{exc} on:\n{text}") from None
    if code == 1:
        lines = output.strip().splitlines()
        assert lines, f"validate failed without saying why on:\n{text}"
        for line in lines:
            match = ERROR_LINE.fullmatch(line)
            assert match, f"not one located line: {line!r}\nfor:\n{text}"
            outcomes[
                (
                    "validate:error lines with a line number"
                    if match["line"]
                    else "validate:error lines naming only the file"
                )
            ] += 1
        outcomes["validate:rejected"] += 1
        shutil.rmtree(directory)
        return None
    assert code == 0, f"validate exited {code}:\n{output}\non:\n{text}"
    outcomes["validate:accepted"] += 1
    out = directory / "out"
    code, output = invoke(["generate", spec, "-o", out])
    assert code == 0, f"an accepted spec did not generate:\n{output}\non:\n{text}"
    outcomes["validate:accepted and generated"] += 1
    return out


def test_validate_locates_every_problem_and_every_accepted_spec_generates(hostile_long, outcomes):
    @settings_for(hostile_long)
    @given(specs())
    def property_(document):
        out = check_document(document, outcomes)
        if out is not None:
            shutil.rmtree(out.parent)

    property_()


@pytest.mark.toolchain
@pytest.mark.slow
def test_a_sample_of_accepted_specs_compiles_in_both_targets(hostile_long, outcomes):
    from xccgen.toolchain.ts import node_modules_dir

    wanted = 8 if hostile_long else 1
    built: list[str] = []

    # No shrinking: the examples share `built`, so a replay would not fail the same way; the
    # first failing spec is reported as drawn.
    @settings(
        settings_for(hostile_long),
        max_examples=400 if hostile_long else 60,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    @given(specs())
    def property_(document):
        if len(built) >= wanted:
            return
        out = check_document(document, outcomes)
        if out is None:
            return
        (root,) = [p for p in out.iterdir() if p.is_dir()]
        rust, ts = root / "rust", root / "ts"
        run(["cargo", "clippy", "--all-targets", "--", "-D", "warnings"], rust, cargo_env())
        (ts / "node_modules").symlink_to(node_modules_dir())
        run([str(node_modules_dir() / ".bin" / "tsc"), "--noEmit", "-p", "tsconfig.json"], ts)
        built.append(root.name)
        outcomes["compile:tried"] += 1
        outcomes["compile:clippy and tsc clean"] += 1
        shutil.rmtree(out.parent)

    property_()
    assert built, "no accepted spec was drawn to compile; the strategies are too hostile"
