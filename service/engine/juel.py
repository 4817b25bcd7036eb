"""Camunda 7 writes expressions in JUEL (`${approved}`, `${amount > 1000 && !urgent}`); this engine
evaluates Python in its sandbox. The common, side-effect-free part of JUEL — variables, literals,
comparisons, `and`/`or`/`not` in either spelling, `empty`, the ternary `a ? b : c`, and property access
— is rewritten into the Python expression of the same meaning. Anything else (method calls on beans
such as `${execution.getVariable('x')}` or `${myService.check()}`) is left as it is, so the sandbox
check refuses it with its own message: it names Java code that does not exist here.
"""

from __future__ import annotations

import re

from ..i18n import msg

_WRAPPED = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(
    r"""(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"""|(?P<op>&&|\|\||!=|==|<=|>=|!|\?|:)"""
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<other>\s+|.)""",
    re.DOTALL,
)
_WORDS = {
    "and": "and", "or": "or", "not": "not", "eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=",
    "ge": ">=", "true": "True", "false": "False", "null": "None", "div": "/", "mod": "%", "empty": "not",
}  # fmt: skip
_OPS = {"&&": " and ", "||": " or ", "!": " not "}


def is_juel(text: str | None) -> bool:
    """Whether the text is a JUEL expression (`${...}` or `#{...}` around the whole text)."""
    return bool(text and _WRAPPED.match(text))


_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\s*\(")


def java_call(text: str) -> str | None:
    """Why a JUEL expression cannot run here (it calls a method or function of Java code), or None."""
    match = _WRAPPED.match(text)
    if match is None:
        return None
    unquoted = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", match.group("body"))
    call = _CALL.search(unquoted)
    if call is None:
        return None
    return (msg("biểu thức JUEL gọi mã Java ('{call}(...)'), không chạy được ở đây",
                call=call.group().rstrip("( ")))


def juel_to_python(text: str) -> str:
    """The Python expression for a JUEL one; text that is not `${...}` is returned unchanged."""
    match = _WRAPPED.match(text)
    if match is None:
        return text
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(match.group("body"))]
    out = _translate(tokens)
    return _ternary(out).strip()


def _translate(tokens: list[tuple[str | None, str]]) -> str:
    parts: list[str] = []
    for kind, value in tokens:
        if kind == "word":
            parts.append(f" {_WORDS[value]} " if value in _WORDS else value)
        elif kind == "op":
            parts.append(_OPS.get(value, f" {value} " if value in ("?", ":") else value))
        else:
            parts.append(value)
    return re.sub(r"\s+", " ", "".join(parts))


def _ternary(expression: str) -> str:
    # `cond ? a : b` (at most one, outside strings and brackets) -> `(a if cond else b)`
    depth, question, colon, quote = 0, -1, -1, ""
    for index, char in enumerate(expression):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and char == "?" and question < 0:
            question = index
        elif depth == 0 and char == ":" and question >= 0 and colon < 0:
            colon = index
    if question < 0 or colon < 0:
        return expression
    condition, yes, no = expression[:question], expression[question + 1:colon], expression[colon + 1:]
    return f"({yes.strip()} if {condition.strip()} else {_ternary(no).strip()})"
