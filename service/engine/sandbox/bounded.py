"""Which code the static guards alone bound, so it may run in the server's process without the backstop.

What no guard can size is a single C operation (a comparison, a hash, a sort) on a value whose parts
are shared so often that walking it takes exponential time: `a = [a, a]` forty times, `[[1] * 2] * 2`
nested forty deep, a recursive lambda. Building such a value takes a binding that is read again
(assignment, `:=`, a lambda's or comprehension's variable) or repetition of a container (`*`).

An expression (a gateway condition, a DMN entry, a timer) without bindings, whose repetitions (`*`)
repeat no container it builds itself, and whose calls all go to a short list of builtins and methods
that copy or measure at most what they are given, only ever holds task data (a JSON tree) and values
each of its nodes builds once from it, nested no deeper than the source: every operation on them is
linear or size-checked. Such an expression runs in the server; everything else (every script) in a helper.
"""

from __future__ import annotations

import ast

_BINDING_OR_LOOPING = (ast.NamedExpr, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_CONTAINER_DISPLAYS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
_CALLABLE_NAMES = frozenset(
    {"len", "str", "int", "float", "bool", "abs", "round", "min", "max", "sum", "any", "all", "isinstance",
     "Decimal", "date", "datetime", "timedelta", "list", "dict", "set", "tuple"}
)  # fmt: skip
_CALLABLE_METHODS = frozenset(
    {"get", "keys", "values", "items", "lower", "upper", "strip", "lstrip", "rstrip", "startswith", "endswith",
     "isdigit", "isalpha", "isoformat", "date", "weekday", "total_seconds", "split", "join", "replace", "count",
     "index", "find", "fromisoformat", "today", "now", "casefold", "title", "capitalize", "zfill", "ljust", "rjust",
     "center"}
)  # fmt: skip


def is_bounded(tree: ast.AST, mode: str) -> bool:
    """True if `tree` (already validated) is an expression the static guards alone keep within the budgets."""
    if mode != "eval":
        return False  # statements bind names: `a = [a, a]` repeated needs no loop
    for node in ast.walk(tree):
        if isinstance(node, _BINDING_OR_LOOPING):
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _builds_container(node):
            return False  # [[1] * 2] * 2 nested forty deep: the repeated container is shared 2^40 times
        if isinstance(node, ast.Call) and not _known_call(node.func):
            return False
    return True


def _builds_container(node: ast.BinOp) -> bool:
    return any(
        isinstance(part, _CONTAINER_DISPLAYS) or (isinstance(part, ast.Call) and _is_name(part.func, "dict"))
        for side in (node.left, node.right)
        for part in ast.walk(side)
    )


def _is_name(func: ast.expr, name: str) -> bool:
    return isinstance(func, ast.Name) and func.id == name


def _known_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _CALLABLE_NAMES
    return isinstance(func, ast.Attribute) and func.attr in _CALLABLE_METHODS
