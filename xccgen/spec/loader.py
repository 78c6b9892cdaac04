"""Load a spec file (YAML or Python DSL) into the validated `Spec` model."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from xccgen.errors import SpecError
from xccgen.spec import python_file
from xccgen.spec.model import Spec
from xccgen.spec.source import PathKey, Source

YAML_SUFFIXES = (".yaml", ".yml")
# Bounds on what one spec may expand to. Real specs are far below both; a spec past them is a
# mistake or an attack (an alias "billion laughs" expands 9 aliases 9 levels deep to 9^9 values).
MAX_VALUES = 100_000  # keys, items and scalars, counting each alias as often as it is used
MAX_DEPTH = 64  # mappings and lists inside each other


def load(path: Path) -> tuple[Spec, Source]:
    """Parse and validate one spec file; every problem becomes a SpecError naming path and line."""
    path = Path(path)
    source = Source(path)
    if not path.is_file():
        raise SpecError([f"{source.display}: no such spec file"])
    if path.suffix in YAML_SUFFIXES:
        spec = validate(_read_yaml(path, source), source)
    elif path.suffix == ".py":
        spec = python_file.read(path, source)
    else:
        raise SpecError([f"{source.display}: a spec is a .yaml, .yml or .py file"])
    problems = [source.error(where, why) for where, why in _text_problems(spec)]
    if problems:
        raise SpecError(problems)
    return spec, source


def _text_problems(spec: Spec) -> list[tuple[PathKey, str]]:
    """Strings that are not Unicode text: a lone UTF-16 surrogate (`"\\ud83d"` written
    JSON-style) cannot be written to a file, so no generated code could hold it."""
    found: list[tuple[PathKey, str]] = []
    stack: list[tuple[PathKey, Any]] = [((), spec.model_dump(by_alias=True, exclude_unset=True))]
    while stack:
        path, node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items if isinstance(node, dict | list) else ():
            if isinstance(child, dict | list):
                stack.append((path + (key,), child))
            for text in (key, child):
                surrogate = _surrogate(text)
                if surrogate:
                    found.append(
                        (
                            path + (key,),
                            f"U+{ord(surrogate):04X} is half of a UTF-16 surrogate pair, not a"
                            " character; write the character itself (or \\U0001F600 style)",
                        )
                    )
                    break
    return sorted(found, key=lambda item: str(item[0]))


def _surrogate(text: Any) -> str | None:
    if isinstance(text, str):
        return next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    return None


def validate(data: Any, source: Source) -> Spec:
    if not isinstance(data, dict):
        raise SpecError([f"{source.display}: a spec is a mapping with `contract:` at the top"])
    try:
        return Spec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(pydantic_problems(exc, data, source)) from None


def _read_yaml(path: Path, source: Source) -> Any:
    text = _read_text(path, source)
    # The C-accelerated safe loader reads the data; line numbers come from a round-trip parse
    # of the same text, done only if a problem has to be reported.
    source.line_index = lambda: _line_index(text)
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError:
        data = _read_yaml_strictly(text, source)
    _check_size(data, text, source)
    return _plain(data)


def _read_yaml_strictly(text: str, source: Source) -> Any:
    """Read with ruamel's own parser (libyaml rejects some YAML 1.2 it reads), turning its
    errors into one located line."""
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError([f"{source.display}{line}: {problem}"]) from None
    except ReaderError as exc:  # a character YAML does not allow in a file, e.g. a control byte
        line = text.count("\n", 0, exc.position) + 1
        raise SpecError(
            [
                f"{source.display}:{line}: character U+{exc.character:04X} is not allowed in YAML;"
                f' write it as an escape ("\\x{exc.character:02x}") inside a double-quoted string'
            ]
        ) from None
    except YAMLError as exc:
        raise SpecError([f"{source.display}: invalid YAML: {exc}"]) from None
    except RecursionError:
        raise SpecError([_depth_error(source)]) from None


def _read_text(path: Path, source: Source) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            [
                f"{source.display}:{line}: byte 0x{data[exc.start]:02x} is not UTF-8 text; a spec"
                " is a UTF-8 text file (save it as UTF-8)"
            ]
        ) from None


def _check_size(data: Any, text: str, source: Source) -> None:
    """Refuse data nested deeper than MAX_DEPTH or expanding past MAX_VALUES through aliases,
    before anything walks it recursively. An alias shares one object, so each object's size and
    height are worked out once (an iterative post-order walk: deep data cannot overflow it)."""
    done: dict[int, tuple[int, int]] = {}  # id -> (values, height) of each finished container
    open_ids: set[int] = (
        set()
    )  # containers whose children are being walked: an alias to one is a cycle
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, dict | list) or (id(node) in done and not children_done):
            continue
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        if children_done:
            open_ids.discard(id(node))
            sub = [done.get(id(c), (1, 0)) for c in children]
            size = 1 + sum(n for n, _ in sub)
            height = 1 + max((h for _, h in sub), default=0)
            if size > MAX_VALUES:
                raise SpecError([_alias_error(text, source)])
            if height > MAX_DEPTH:
                raise SpecError([_depth_error(source)])
            done[id(node)] = (size, height)
            continue
        if id(node) in open_ids:
            raise SpecError([_alias_error(text, source, cycle=True)])
        if len(open_ids) > MAX_DEPTH:
            raise SpecError([_depth_error(source)])
        open_ids.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if isinstance(child, dict | list))


def _depth_error(source: Source) -> str:
    return (
        f"{source.display}: mappings and lists are nested more than {MAX_DEPTH} levels deep;"
        " a spec never needs that many"
    )


def _alias_error(text: str, source: Source, cycle: bool = False) -> str:
    """The located error for a spec that aliases too much, at its first alias (`*name`)."""
    line = ""
    try:
        for event in YAML(typ="safe").parse(text):
            if isinstance(event, AliasEvent):
                line = f":{event.start_mark.line + 1}"
                break
    except YAMLError:
        pass
    if cycle:
        return f"{source.display}{line}: a YAML alias refers to a value that contains it"
    return (
        f"{source.display}{line}: YAML aliases (*name) expand this spec to more than"
        f" {MAX_VALUES:,} values; write the repeated parts out, or alias fewer levels deep"
    )


def _line_index(text: str) -> dict[PathKey, int]:
    lines: dict[PathKey, int] = {}
    _record_lines(YAML(typ="rt").load(text), (), lines)
    return lines


def _record_lines(node: Any, path: PathKey, lines: dict[PathKey, int]) -> None:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            # A key merged in by `<<: *alias` has its line where the alias's mapping wrote it.
            own = node.lc.data.get(key)
            lines[path + (str(key),)] = (own[0] if own else node.lc.line) + 1
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
        msg += TYPE_FIXES[kind]
    return msg


# What to write instead, for each kind of wrong value (pydantic says only what it expected).
TYPE_FIXES = {
    "string_type": "; write text (quote it if YAML reads it as a number, a bool or null)",
    "int_type": "; write a whole number without quotes",
    "bool_type": "; write true or false",
    "dict_type": "; write a mapping of `key: value` entries",
    "model_type": "; write a mapping of `key: value` entries",
    "list_type": "; write a list (`[a, b]`, or one `- item` per line)",
}


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
