"""Compile a form's JavaScript `pattern` so that Python accepts exactly what the browser accepted."""

from __future__ import annotations

import re

from service.forms.definition import FormDefinitionError


def _translate(pattern: str) -> str:
    """Rewrite the JavaScript-only bits: named groups `(?<n>` and `$`, which in Python also matches
    before a trailing newline (so "123\\n" would pass `^\\d+$`)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"(?!\n)$"
        elif pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
            char, i = "(?P<", i + 2
        out.append(char)
        i += 1
    return "".join(out)


def compile_js_pattern(pattern: str, *, where: str) -> re.Pattern[str]:
    """Compile with JavaScript's (ASCII) meaning of \\w, \\d and \\s; a bad pattern is a form error."""
    try:
        return re.compile(_translate(pattern), re.ASCII)
    except re.error as exc:
        raise FormDefinitionError(f"{where}: invalid validate.pattern {pattern!r}: {exc}") from None
