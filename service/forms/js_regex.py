"""Compile a form's JavaScript `pattern` for a linear-time engine (RE2), so no value can stall a worker.

Python's `re` backtracks: `^(a+)+$` took seconds on a 30-character value and doubled with each further
character a user typed. RE2 matches in time linear in the value whatever the pattern, and refuses at
deploy (a form error, so a 422) what it cannot run that way: lookarounds and backreferences. Patterns
otherwise mean what they mean in the browser: `\\d`, `\\w` and `\\b` are ASCII, `$` is the end of the
value (RE2's, as JavaScript's without the `m` flag), `(?<name>` names a group, `\\uXXXX` is a code point.
"""

from __future__ import annotations

from typing import Protocol

import re2

from service.forms.definition import FormDefinitionError

MAX_PROGRAM_BYTES = 1 << 20  # RE2's memory for one compiled pattern; `(a{999}){999}` is refused, not built


class Pattern(Protocol):
    def search(self, text: str) -> object | None: ...

    def match(self, text: str) -> object | None: ...


def linear_options() -> re2.Options:
    """RE2 options for patterns the service runs on submitted values: bounded memory, errors raised not logged."""
    options = re2.Options()
    options.max_mem = MAX_PROGRAM_BYTES
    options.log_errors = False
    return options


def _translate(pattern: str) -> str:
    """Rewrite JavaScript's `\\uXXXX` escapes (RE2 writes `\\x{XXXX}`); everything else passes as written."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("\\u", i) and _is_hex(pattern[i + 2 : i + 6]):
            out.append(f"\\x{{{pattern[i + 2 : i + 6]}}}")
            i += 6
        elif pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _is_hex(text: str) -> bool:
    return len(text) == 4 and all(char in "0123456789abcdefABCDEF" for char in text)


def compile_js_pattern(pattern: str, *, where: str) -> Pattern:
    """Compile for RE2; a pattern it refuses (bad syntax, lookaround, backreference, too large) is a form error."""
    try:
        return re2.compile(_translate(pattern), linear_options())
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise FormDefinitionError(
            f"{where}: invalid validate.pattern {pattern!r}: {reason} (patterns run on a linear-time engine: "
            "no lookahead, lookbehind or backreference)"
        ) from None
