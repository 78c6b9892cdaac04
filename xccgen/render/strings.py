"""String literals for generated code: the escaping both targets share."""

from __future__ import annotations

from collections.abc import Callable

SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def needs_unicode_escape(code: int) -> bool:
    """Control characters, DEL, the JS line terminators U+2028/U+2029, and the bidirectional
    controls (U+202A-U+202E, U+2066-U+2069) that rustc denies in literals and comments."""
    return code < 0x20 or code == 0x7F or 0x2028 <= code <= 0x202E or 0x2066 <= code <= 0x2069


def quote(
    text: str, unicode_escape: Callable[[int], str], extra: Callable[[int], bool] = lambda c: False
) -> str:
    """A double-quoted literal reading back as exactly `text`; `unicode_escape` spells `\\u`."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in SIMPLE_ESCAPES:
            out.append(SIMPLE_ESCAPES[ch])
        elif needs_unicode_escape(code) or extra(code):
            out.append(unicode_escape(code))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
