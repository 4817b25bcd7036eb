"""Check diagram code against an allow-list of syntax and rewrite it to run through the guards.

The checks refuse whole constructs (imports, classes, `global`, async, `with`, `match`...) and every
name or attribute starting with an underscore, which closes all dunder paths (`__class__`,
`__subclasses__`, `__globals__`...) at compile time. The rewrite then routes what the syntax alone
cannot judge through guard functions named `_sb_*` (names user code can never spell):

- `obj.attr` -> `_sb_getattr(obj, 'attr')`: only public attributes of known-safe types;
- `f(...)` -> `_sb_call(f, ...)`: constructors and reducers that could allocate a lot are checked;
- `a * b`, `a + b`, `a ** b`, `a << b`, `a % b` (and their `op=` forms), `x[i:j]`, `*a`, `**a`, the list
  of a slice assignment (`x[:0] = x`) -> size predictions;
- f-string fields -> `_sb_format(...)` (width limits, no `str.format` attribute tricks);
- loop bodies, comprehensions and function entries -> `_sb_tick()` (CPU time and memory sampling);
- `except` bodies start with `_sb_reraise()`, so user code cannot swallow a sandbox refusal.

Compiled code does not depend on the limits, so it is cached per source string for every environment.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType

from .bounded import is_bounded
from .errors import SandboxSecurityError
from .numeric import MAX_LITERAL_BITS

GUARD_PREFIX = "_sb_"
FILENAME = "<string>"  # SpiffWorkflow looks for this name to report the failing line

_ALLOWED_NODES: frozenset[type] = frozenset(
    {
        # modules
        ast.Module, ast.Expression,
        # statements
        ast.FunctionDef, ast.Return, ast.Delete, ast.Assign, ast.AugAssign, ast.For, ast.While, ast.If,
        ast.Raise, ast.Try, ast.Assert, ast.Expr, ast.Pass, ast.Break, ast.Continue,
        # expressions
        ast.BoolOp, ast.NamedExpr, ast.BinOp, ast.UnaryOp, ast.Lambda, ast.IfExp, ast.Dict, ast.Set,
        ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Compare, ast.Call,
        ast.FormattedValue, ast.JoinedStr, ast.Constant, ast.Attribute, ast.Subscript, ast.Starred,
        ast.Name, ast.List, ast.Tuple, ast.Slice,
        # helpers
        ast.Load, ast.Store, ast.Del, ast.comprehension, ast.ExceptHandler, ast.arguments, ast.arg,
        ast.keyword, ast.And, ast.Or,
        ast.Add, ast.Sub, ast.Mult, ast.MatMult, ast.Div, ast.Mod, ast.Pow, ast.LShift, ast.RShift,
        ast.BitOr, ast.BitXor, ast.BitAnd, ast.FloorDiv,
        ast.Invert, ast.Not, ast.UAdd, ast.USub,
        ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn,
    }
)  # fmt: skip

# Readable names for the constructs people are most likely to try.
_CONSTRUCT_NAMES = {
    ast.Import: ("import", "lệnh import"),
    ast.ImportFrom: ("import", "lệnh import"),
    ast.ClassDef: ("class definition", "định nghĩa lớp (class)"),
    ast.Global: ("'global'", "khai báo 'global'"),
    ast.Nonlocal: ("'nonlocal'", "khai báo 'nonlocal'"),
    ast.AsyncFunctionDef: ("async code", "mã bất đồng bộ (async)"),
    ast.AsyncFor: ("async code", "mã bất đồng bộ (async)"),
    ast.AsyncWith: ("async code", "mã bất đồng bộ (async)"),
    ast.Await: ("async code", "mã bất đồng bộ (async)"),
    ast.With: ("'with' statement", "câu lệnh 'with'"),
    ast.Yield: ("'yield'", "'yield'"),
    ast.YieldFrom: ("'yield'", "'yield'"),
    ast.Match: ("'match' statement", "câu lệnh 'match'"),
    ast.AnnAssign: ("type annotation", "chú thích kiểu"),
}

_GUARDED_BINOPS = {
    ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Pow: "pow", ast.LShift: "lshift", ast.Mod: "mod",
}  # fmt: skip


@dataclass(frozen=True)
class CompiledCode:
    code: CodeType
    guards: frozenset[str]  # guard names the code calls; empty means it can run without a budget
    bounded: bool = False  # the static guards alone bound it (`bounded.is_bounded`): no backstop needed


def _refuse(what_en: str, what_vi: str, node: ast.AST) -> SandboxSecurityError:
    return SandboxSecurityError(what_en, what_vi, lineno=getattr(node, "lineno", None))


def _check_identifier(name: str, node: ast.AST) -> None:
    if name.startswith("_") and name != "_":
        raise _refuse(f"name '{name}'", f"tên '{name}' (tên bắt đầu bằng '_')", node)


class _Validator(ast.NodeVisitor):
    """Raises SandboxSecurityError at the first construct outside the allow-list."""

    def generic_visit(self, node: ast.AST) -> None:
        kind = type(node)
        if kind not in _ALLOWED_NODES:
            en, vi = _CONSTRUCT_NAMES.get(kind, (f"syntax '{kind.__name__}'", f"cú pháp '{kind.__name__}'"))
            raise _refuse(en, vi, node)
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        _check_identifier(node.id, node)

    def visit_Constant(self, node: ast.Constant) -> None:
        # A hexadecimal literal escapes Python's 4,300-digit limit; `//` on it would run in C for seconds.
        if isinstance(node.value, int) and node.value.bit_length() > MAX_LITERAL_BITS:
            raise _refuse(
                f"integer literal of {node.value.bit_length()} bits (limit {MAX_LITERAL_BITS})",
                f"hằng số nguyên {node.value.bit_length()} bit (giới hạn {MAX_LITERAL_BITS})",
                node,
            )

    def visit_arg(self, node: ast.arg) -> None:
        if node.annotation is not None:
            raise _refuse("type annotation", "chú thích kiểu", node)
        _check_identifier(node.arg, node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)  # report the innermost (first written) attribute first
        if node.attr.startswith("_"):
            raise _refuse(f"attribute '{node.attr}'", f"thuộc tính '{node.attr}'", node)
        if not isinstance(node.ctx, ast.Load):
            raise _refuse(f"assigning attribute '{node.attr}'", f"gán thuộc tính '{node.attr}'", node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.decorator_list:
            raise _refuse("decorator", "decorator", node)
        if node.returns is not None:
            raise _refuse("type annotation", "chú thích kiểu", node)
        _check_identifier(node.name, node)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            _check_identifier(node.name, node)
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        for statement in node.finalbody:
            _check_finally(statement, in_loop=False)
        self.generic_visit(node)


def _check_finally(node: ast.AST, *, in_loop: bool) -> None:
    """`return`/`break`/`continue` in a `finally` would swallow a sandbox refusal in flight."""
    if isinstance(node, (ast.FunctionDef, ast.Lambda)):
        return
    if isinstance(node, ast.Return) or (isinstance(node, (ast.Break, ast.Continue)) and not in_loop):
        raise _refuse("leaving a 'finally' block early", "thoát sớm khỏi khối 'finally'", node)
    nested_loop = in_loop or isinstance(node, (ast.For, ast.While))
    for child in ast.iter_child_nodes(node):
        _check_finally(child, in_loop=nested_loop)


def _guard_call(name: str, args: list[ast.expr], like: ast.AST, keywords: list | None = None) -> ast.Call:
    call = ast.Call(func=ast.Name(id=GUARD_PREFIX + name, ctx=ast.Load()), args=args, keywords=keywords or [])
    return ast.copy_location(call, like)


class _Rewriter(ast.NodeTransformer):
    """Routes attribute access, calls, growing operators and loops through the `_sb_*` guards."""

    def __init__(self) -> None:
        self.guards: set[str] = set()
        self._temps = 0

    def _guard(self, name: str, args: list[ast.expr], like: ast.AST, keywords: list | None = None) -> ast.Call:
        self.guards.add(GUARD_PREFIX + name)
        return _guard_call(name, args, like, keywords)

    def _tick(self, like: ast.AST) -> ast.Call:
        return self._guard("tick", [], like)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        return self._guard("getattr", [node.value, ast.Constant(node.attr)], node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        for keyword in node.keywords:
            if keyword.arg is None:  # f(**a) copies `a`
                keyword.value = self._guard("unpack", [keyword.value], keyword.value)
        return self._guard("call", [node.func, *node.args], node, node.keywords)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        name = _GUARDED_BINOPS.get(type(node.op))
        return self._guard(name, [node.left, node.right], node) if name else node

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and isinstance(node.slice, ast.Slice):
            parts = [part or ast.Constant(None) for part in (node.slice.lower, node.slice.upper, node.slice.step)]
            return self._guard("slice", [node.value, *parts], node)
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):  # x[:0] = x grows x
            node.value = self._guard("slice_target", [node.value], node)
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):  # [*a, *b], f(*a): size the copies
            node.value = self._guard("unpack", [node.value], node)
        return node

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        node.values = [
            self._guard("unpack", [value], value) if key is None else value  # {**a, **b}
            for key, value in zip(node.keys, node.values, strict=True)
        ]
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        self.generic_visit(node)
        spec = node.format_spec or ast.Constant(None)
        value = self._guard("format", [node.value, ast.Constant(node.conversion), spec], node)
        return ast.copy_location(ast.FormattedValue(value=value, conversion=-1, format_spec=None), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST | list[ast.stmt]:
        if isinstance(node.target, ast.Subscript):  # its parts only: the store is built (and guarded) below
            node.target.value = self.visit(node.target.value)
            node.target.slice = self.visit(node.target.slice)
        node.value = self.visit(node.value)
        name = _GUARDED_BINOPS.get(type(node.op))
        if name is None:
            if isinstance(node.target, ast.Subscript) and isinstance(node.target.slice, ast.Slice):
                node.target.value = self._guard("slice_target", [node.target.value], node)
            return node
        target = node.target
        prelude: list[ast.stmt] = []
        if isinstance(target, ast.Subscript):
            # Evaluate the container (and a plain index) once, as `a[i] += x` does.
            container = self._temp(target.value, prelude, node)
            index = target.slice if isinstance(target.slice, ast.Slice) else self._temp(target.slice, prelude, node)
            sliced = isinstance(index, ast.Slice)
            holder = self._guard("slice_target", [container], node) if sliced else container
            store = ast.Subscript(value=holder, slice=index, ctx=ast.Store())
            load = ast.Subscript(value=container, slice=index, ctx=ast.Load())
        else:
            store = target
            load = ast.Name(id=target.id, ctx=ast.Load())
        value = self._guard("i" + name, [load, node.value], node)
        assign = ast.copy_location(ast.Assign(targets=[store], value=value), node)
        return [*prelude, assign]

    def _temp(self, value: ast.expr, prelude: list[ast.stmt], like: ast.AST) -> ast.Name:
        name = f"{GUARD_PREFIX}t{self._temps}"
        self._temps += 1
        prelude.append(ast.copy_location(ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=value), like))
        return ast.Name(id=name, ctx=ast.Load())

    def _loop(self, node: ast.For | ast.While) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(self._tick(node)), node))
        return node

    visit_For = visit_While = _loop

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(self._tick(node)), node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self.generic_visit(node)
        node.body = ast.copy_location(ast.BoolOp(op=ast.And(), values=[self._tick(node), node.body]), node.body)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        self.generic_visit(node)
        node.ifs.insert(0, self._tick(node.iter))
        return node

    def visit_NamedExpr(self, node: ast.NamedExpr) -> ast.AST:
        # `(x := [x, x])` repeated builds, without a call, a value sharing its parts 2^n times, which one
        # comparison then walks in C: such code must not count as guard-free (it runs under the backstop).
        self.generic_visit(node)
        self.guards.add(GUARD_PREFIX + "tick")
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(self._guard("reraise", [], node)), node))
        return node


@lru_cache(maxsize=2048)
def compile_sandboxed(source: str, mode: str) -> CompiledCode:
    """Check and compile `source` ('eval' for expressions, 'exec' for scripts); cached per source."""
    if mode == "eval":
        source = source.lstrip(" \t")  # as eval() does
    tree = ast.parse(source, filename=FILENAME, mode=mode)
    _Validator().visit(tree)
    bounded = is_bounded(tree, mode)  # before the rewrite turns every call into a guard call
    rewriter = _Rewriter()
    tree = ast.fix_missing_locations(rewriter.visit(tree))
    return CompiledCode(compile(tree, FILENAME, mode), frozenset(rewriter.guards), bounded)


def check_source(source: str, mode: str = "exec") -> None:
    """Raise SyntaxError or SandboxSecurityError if `source` would be refused; for deploy-time checks."""
    compile_sandboxed(source, mode)
