"""Load a spec file (YAML or Python DSL) into the validated `Spec` model."""

from __future__ import annotations

import difflib
import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from xccgen.errors import SpecError
from xccgen.spec.model import Spec
from xccgen.spec.source import PathKey, Source

YAML_SUFFIXES = (".yaml", ".yml")


def load(path: Path) -> tuple[Spec, Source]:
    """Parse and validate one spec file; every problem becomes a SpecError naming path and line."""
    path = Path(path)
    source = Source(path)
    if not path.is_file():
        raise SpecError([f"{source.display}: no such spec file"])
    if path.suffix in YAML_SUFFIXES:
        data = _read_yaml(path, source)
        return validate(data, source), source
    if path.suffix == ".py":
        return _read_python(path, source), source
    raise SpecError([f"{source.display}: a spec is a .yaml, .yml or .py file"])


def validate(data: Any, source: Source) -> Spec:
    if not isinstance(data, dict):
        raise SpecError([f"{source.display}: a spec is a mapping with `contract:` at the top"])
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(pydantic_problems(exc, data, source)) from None


def _read_yaml(path: Path, source: Source) -> Any:
    text = path.read_text(encoding="utf-8")
    # The C-accelerated safe loader reads the data; line numbers come from a round-trip parse
    # of the same text, done only if a problem has to be reported.
    source.line_index = lambda: _line_index(text)
    try:
        return _plain(YAML(typ="safe").load(text))
    except MarkedYAMLError:
        pass  # libyaml rejects some YAML 1.2 that ruamel's own parser reads; let that one decide
    try:
        return _plain(YAML(typ="rt").load(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError([f"{source.display}{line}: {problem}"]) from None


def _line_index(text: str) -> dict[PathKey, int]:
    lines: dict[PathKey, int] = {}
    _record_lines(YAML(typ="rt").load(text), (), lines)
    return lines


def _record_lines(node: Any, path: PathKey, lines: dict[PathKey, int]) -> None:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            lines[path + (str(key),)] = node.lc.key(key)[0] + 1
            _record_lines(value, path + (str(key),), lines)
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            lines[path + (index,)] = node.lc.item(index)[0] + 1
            _record_lines(value, path + (index,), lines)


def _plain(node: Any) -> Any:
    """ruamel's round-trip containers and scalars -> plain dict/list/str/int/float/bool."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for plain in (int, float, str):
        if isinstance(node, plain):
            return plain(node)
    return node


def _read_python(path: Path, source: Source) -> Spec:
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


def pydantic_problems(exc: ValidationError, data: Any, source: Source) -> list[str]:
    """pydantic's errors as `file:line path: message`, one per location, union noise removed."""
    by_path: dict[PathKey, list[str]] = {}
    for err in exc.errors():
        path, node = _data_path(err["loc"], data)
        by_path.setdefault(path, [])
        message = _message(err, node)
        if message not in by_path[path]:
            by_path[path].append(message)
    return [source.error(path, "; or ".join(msgs)) for path, msgs in by_path.items()]


def _data_path(loc: tuple, data: Any) -> tuple[PathKey, Any]:
    """Keep only the parts of pydantic's `loc` that are keys or indexes of the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            path.append(part)
        elif data is None and isinstance(part, str | int) and not _is_union_tag(part):
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not _is_union_tag(part):
            path.append(part)  # a missing or unknown key
            node = None
    return tuple(path), node


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and (
        part in {"str", "int", "bool", "float", "list", "dict", "none"}
        or "[" in part
        or part.startswith(("function-", "constrained-", "json-or-python"))
        or part[:1].isupper()
    )


def _message(err: dict, node: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        return f"unknown key {key!r}" + _suggest(key, err)
    if kind == "missing":
        return "this key is required"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in ("string_type", "int_type", "bool_type", "dict_type", "list_type", "model_type"):
        msg = f"{msg}, got {node!r}" if node is not None else msg
    return msg


def _suggest(key: str, err: dict) -> str:
    close = [k for k in difflib.get_close_matches(str(key), known_keys(), n=2) if k != key][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def known_keys() -> list[str]:
    """Every key any part of the spec accepts (field names as written in YAML)."""
    from xccgen.spec import model

    keys: set[str] = set()
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, model.Model):
            for name, info in value.model_fields.items():
                keys.add(info.alias or name)
    return sorted(keys)
