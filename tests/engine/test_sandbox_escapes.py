"""One test per escape attempt: each must end in a clear SandboxSecurityError, never in a result."""

from __future__ import annotations

import pytest

from service.engine.sandbox import SandboxedEnvironment, SandboxSecurityError

EXPRESSIONS = {
    # dunder paths, written plainly or assembled
    "class_base_subclasses": ("().__class__.__base__.__subclasses__()", "'__class__'"),
    "getattr_assembled_name": ("getattr(x, '__cl' + 'ass__')", "'getattr'"),
    "dunder_name": ("__import__('os')", "'__import__'"),
    "builtins_dict": ("__builtins__['open']", "'__builtins__'"),
    "guard_name": ("_sb_getattr(1, 'real')", "'_sb_getattr'"),
    "dict_getitem_dunder": ("{}.__getitem__('a')", "'__getitem__'"),
    "dict_method_via_class": ("dict.get({'a': 1}, 'a')", "'get' of dict"),
    "lambda_globals": ("(lambda: 0).__globals__", "'__globals__'"),
    "lambda_attribute": ("(lambda: 0).func_globals", "of function"),
    "method_self": ("'a'.upper.__self__", "'__self__'"),
    # str.format and its mapping variant can read attributes by name
    "str_format_attribute": ("'{0.__class__}'.format(x)", "'format' of str"),
    "str_format_map": ("'{a.__class__}'.format_map({'a': x})", "'format_map' of str"),
    "str_format_via_class": ("str.format('{0.__class__}', x)", "'format' of str"),
    "format_builtin": ("format(x, '')", "'format'"),
    "percent_star_width": ("'%*d' % (5, 1)", "'*' width"),
    "fstring_dunder": ("f'{x.__class__}'", "'__class__'"),
    # frames reachable from generators, coroutines and tracebacks
    "generator_frame_walk": ("(y for y in []).gi_frame.f_back.f_globals", "'gi_frame' of generator"),
    "generator_code": ("(y for y in []).gi_code", "'gi_code' of generator"),
    "helper_generator_frame": ("enumerate([1]).gi_frame.f_locals", "'gi_frame' of generator"),
    "frame_builtins": ("(y for y in []).gi_frame.f_builtins", "'gi_frame'"),
    "checked_method_internals": ("'a'.center.func", "'func' of partial"),
    "checked_method_arguments": ("'a'.center.args", "'args' of partial"),
    "type_mro": ("str.mro()", "'mro' of str"),
    "int_mro_attr": ("int.mro", "'mro' of int"),
    "exception_class_attribute": ("ValueError.with_traceback", "'with_traceback' of ValueError"),
    "encode_to_bytes": ("'a'.encode()", "'encode' of str"),
    "isinstance_with_type": ("isinstance(x, type)", "isinstance()"),
    # ** unpacking passes a refused builtin as a callback
    "kwargs_unpack_callback": ("sorted([1, 2], **{'key': getattr})", "'getattr'"),
    "kwargs_unpack_min": ("min(1, 2, **{'key': eval})", "'eval'"),
}

REFUSED_BUILTINS = [
    "open('/etc/passwd')",
    "eval('1')",
    "exec('y = 1')",
    "compile('1', 'f', 'eval')",
    "globals()",
    "locals()",
    "vars()",
    "getattr(x, 'real')",
    "setattr(x, 'real', 1)",
    "delattr(x, 'real')",
    "hasattr(x, 'real')",
    "type(x)",
    "object()",
    "breakpoint()",
    "input()",
    "help()",
    "memoryview(b'')",
    "dir()",
    "id(x)",
    "iter(int, 1)",
    "super()",
    "print(x)",
    "repr(x)",
    "classmethod(len)",
    "exit()",
]

SCRIPTS = {
    "import": ("import os", "import"),
    "import_from": ("from os import path", "import"),
    "decorator": ("@len\ndef f():\n    pass", "decorator"),
    "class_definition": ("class A:\n    pass", "class definition"),
    "global": ("def f():\n    global y\n    y = 1", "'global'"),
    "nonlocal": ("def f():\n    y = 1\n    def g():\n        nonlocal y", "'nonlocal'"),
    "async_def": ("async def f():\n    pass", "async"),
    "coroutine_frame": ("async def f():\n    pass\nc = f().cr_frame", "async"),
    "await": ("async def f():\n    await g()", "async"),
    "yield": ("def f():\n    yield 1", "'yield'"),
    "with_statement": ("with open('x') as f:\n    pass", "'with'"),
    "match_statement": ("match x:\n    case int(real=r):\n        pass", "'match'"),
    "annotation": ("y: int = 1", "annotation"),
    "attribute_assignment": ("d = {}\nd.get = 1", "assigning attribute"),
    "traceback_frame": ("try:\n    1 / 0\nexcept Exception as e:\n    f = e.__traceback__.tb_frame", "'__traceback__'"),
    "exception_attribute": (
        "try:\n    1 / 0\nexcept Exception as e:\n    f = e.with_traceback(None)",
        "'with_traceback'",
    ),
    "return_in_finally": ("def f():\n    try:\n        pass\n    finally:\n        return 1", "'finally'"),
    "underscore_variable": ("_private = 1", "'_private'"),
    "underscore_parameter": ("def f(_a):\n    pass", "'_a'"),
    "try_star": ("try:\n    pass\nexcept* ValueError:\n    pass", "TryStar"),
}


@pytest.fixture(scope="module")
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment()


@pytest.mark.parametrize("expression, message", EXPRESSIONS.values(), ids=EXPRESSIONS.keys())
def test_expression_escape_is_refused(env, expression, message):
    with pytest.raises(SandboxSecurityError) as caught:
        env.evaluate(expression, {"x": 1})
    assert message in caught.value.message_en
    assert "is not allowed" in caught.value.message_en
    assert caught.value.message_vi.startswith("Không được phép")


@pytest.mark.parametrize("call", REFUSED_BUILTINS)
def test_builtin_outside_the_allow_list_is_refused(env, call):
    name = call.split("(")[0]
    with pytest.raises(SandboxSecurityError, match=f"builtin '{name}' is not allowed"):
        env.evaluate(call, {"x": 1})


@pytest.mark.parametrize("script, message", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_script_escape_is_refused(env, script, message):
    data = {"x": 1}
    with pytest.raises(SandboxSecurityError) as caught:
        env.execute(script, data)
    assert message in caught.value.message_en
    assert data == {"x": 1}  # refused before anything ran


def test_refused_builtin_in_an_except_clause_cannot_swallow_the_refusal(env):
    with pytest.raises(SandboxSecurityError, match="'open'"):
        env.execute("try:\n    open('x')\nexcept Exception:\n    ok = True", {})


def test_refusal_points_at_the_line(env):
    with pytest.raises(SandboxSecurityError) as caught:
        env.execute("a = 1\nb = 2\nc = ().__class__", {})
    assert caught.value.lineno == 3
    assert "(dòng 3)" in str(caught.value)
