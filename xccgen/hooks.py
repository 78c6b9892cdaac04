"""The team's hook files (src/hooks.rs, src/hooks.ts): each hook the spec names must be there
with the signature the spec gives it. The files are the team's, so only signatures are read.

Signatures are found with a small scanner rather than a Rust or TypeScript parser: a hook is a
top-level function whose header (`pub fn name(...) -> T`, `export function name(...): T`) is
compared with the expected one, whitespace, trailing commas and a leading `_` on an argument
name aside. Nothing on PyPI parses both languages' signatures without a toolchain.
"""

from __future__ import annotations

import re
from pathlib import Path

from xccgen import ir
from xccgen.render.rust import RustApi
from xccgen.render.ts import TsApi

HOOK_FILES = {"rust": "src/hooks.rs", "ts": "src/hooks.ts"}
HEADER = {
    "rust": r"pub\s+fn\s+{name}\s*\(",
    "ts": r"export\s+function\s+{name}\s*\(",
}


def expected_signature(contract: ir.Contract, target: str, hook: ir.Hook) -> str:
    api = RustApi(contract, "hooks") if target == "rust" else TsApi(contract, "./hooks")
    return api.hook_signature(hook)


def signature_problems(contract: ir.Contract, target: str, text: str, file: Path) -> list[str]:
    """A located error for each hook `text` (the hook file's) lacks or defines otherwise."""
    problems = []
    for hook in contract.hooks:
        expected = expected_signature(contract, target, hook)
        found = _header(text, target, hook.name)
        if found is not None and _normal(found) == _normal(expected):
            continue
        if found is None:
            message = f"{file} has no hook `{hook.name}`; write it there as `{expected} {{ ... }}`"
        else:
            message = (
                f"{file} defines `{' '.join(found.split())}`, but the spec gives this hook "
                f"`{expected}`; change the file or the spec so they match"
            )
        problems.append(contract.source.error(hook.path + ("hook",), message))
    return problems


def _header(text: str, target: str, name: str) -> str | None:
    """The function's header, from its keyword to just before its body's `{`."""
    match = re.search(HEADER[target].format(name=re.escape(name)), text)
    if match is None:
        return None
    depth = 0
    for index in range(match.end() - 1, len(text)):
        if text[index] in "([<":
            depth += 1
        elif text[index] in ")]>" and not (text[index] == ">" and text[index - 1] == "-"):
            depth -= 1
        elif text[index] == "{" and depth == 0:
            return text[match.start() : index].strip()
    return None


def _normal(header: str) -> str:
    """A header without whitespace, trailing commas, or `_` before argument names."""
    compact = re.sub(r"\s+", "", header)
    compact = re.sub(r",([)\]>])", r"\1", compact)
    return re.sub(r"([(,])_+([A-Za-z])", r"\1\2", compact)
