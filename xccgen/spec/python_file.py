"""Python spec files: run in a child process, so nothing a spec does ends or hangs xccgen.

A spec file is the user's own code. In-process, `os._exit(0)` would end `xccgen validate` with
no output and exit status 0 (read as success), and an endless loop would hang it. The child
runs the file and hands back the `Spec` it defines, or the located problems, as a pickle in a
file (stdout stays the spec's own, for its prints).
"""

from __future__ import annotations

import importlib.util
import pickle
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from pydantic import ValidationError

from xccgen.errors import SpecError
from xccgen.spec.model import Spec
from xccgen.spec.source import Source

TIMEOUT_SECONDS = 60


def read(path: Path, source: Source) -> Spec:
    """The `Spec` that the file at `path` defines, run in a child Python."""
    with tempfile.TemporaryDirectory(prefix="xccgen-spec-") as tmp:
        answer = Path(tmp) / "answer.pickle"
        command = [sys.executable, "-m", "xccgen.spec.python_file", str(path), str(answer)]
        try:
            child = subprocess.run(
                command, stdin=subprocess.DEVNULL, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise SpecError(
                [f"{source.display}: the spec did not finish within {TIMEOUT_SECONDS} s"]
            ) from None
        if not answer.is_file():
            raise SpecError(
                [
                    f"{source.display}: the spec ended the Python process (exit status"
                    f" {child.returncode}) before defining `spec`; a spec file only defines"
                    " `spec`"
                ]
            )
        kind, value = pickle.loads(answer.read_bytes())
    if kind == "problems":
        raise SpecError(value)
    return value


def execute(path: Path, source: Source) -> Spec:
    """Run the spec file in this process: the `Spec` it defines, or a located SpecError."""
    from xccgen.spec.loader import pydantic_problems

    module_name = f"_xccgen_spec_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ValidationError as exc:
        raise SpecError(pydantic_problems(exc, None, source)) from None
    except SpecError:
        raise
    except SystemExit as exc:  # exit() in a spec must not end xccgen as if all went well
        where = _line_in(exc, path, source.display)
        raise SpecError(
            [f"{where}: the spec called exit({exc.code!r}); a spec file only defines `spec`"]
        ) from None
    except Exception as exc:  # a user's Python file can fail in any way; report it in one line
        where = _line_in(exc, path, source.display)
        raise SpecError([f"{where}: {type(exc).__name__}: {exc}"]) from None
    finally:
        sys.modules.pop(module_name, None)
    found = getattr(module, "spec", None)
    if not isinstance(found, Spec):
        raise SpecError(
            [f"{source.display}: define `spec = Spec(...)` (from xccgen.dsl import Spec)"]
        )
    return found


def _line_in(exc: BaseException, path: Path, display: str) -> str:
    """`file:line` of the spec file's last frame in the exception's traceback (just `file`
    when the spec file is not in it)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return f"{display}:{frames[-1].lineno}" if frames else display


def _child(path: Path, answer: Path) -> None:
    source = Source(path)
    try:
        result: tuple[str, object] = ("spec", execute(path, source))
    except SpecError as exc:
        result = ("problems", exc.problems)
    try:
        data = pickle.dumps(result)
    except Exception as exc:  # a literal the spec built from its own classes
        data = pickle.dumps(
            ("problems", [f"{source.display}: the spec holds a value xccgen cannot read: {exc}"])
        )
    answer.write_bytes(data)


if __name__ == "__main__":
    _child(Path(sys.argv[1]), Path(sys.argv[2]))
