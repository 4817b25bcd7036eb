"""Errors raised when diagram code asks the sandbox for something it refuses.

Each error carries a Vietnamese and an English message; `str()` shows both, Vietnamese first, because
SpiffWorkflow copies `args[0]` into the WorkflowTaskException the diagram author will read.
"""

from __future__ import annotations


class SandboxError(Exception):
    """Base of every refusal by the expression/script sandbox."""

    def __init__(self, message_en: str, message_vi: str | None = None):
        self.message_en = message_en
        self.message_vi = message_vi or message_en
        text = message_en if self.message_vi == message_en else f"{self.message_vi} ({message_en})"
        super().__init__(text)

    def __reduce__(self) -> tuple:
        # The subclasses' constructors take other arguments than `args`: rebuild from the state instead,
        # so an error raised in a sandbox helper process reaches the server unchanged.
        return rebuild, (type(self), self.args, self.__dict__)


def rebuild(kind: type[SandboxError], args: tuple, state: dict) -> SandboxError:
    """Unpickle a SandboxError (see `SandboxError.__reduce__`)."""
    error = Exception.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class SandboxSecurityError(SandboxError):
    """The code uses a construct, name, attribute or builtin outside the allow-list."""

    def __init__(self, what_en: str, what_vi: str | None = None, *, lineno: int | None = None):
        self.lineno = lineno
        where_en = f" (line {lineno})" if lineno else ""
        where_vi = f" (dòng {lineno})" if lineno else ""
        super().__init__(f"{what_en} is not allowed{where_en}", f"Không được phép: {what_vi or what_en}{where_vi}")


class SandboxTimeout(SandboxError):
    """The code used more CPU time (or loop iterations) than its limit."""


class SandboxMemoryError(SandboxError):
    """The code would allocate more memory than its limit."""


class SandboxDataError(SandboxError):
    """A script left a value in the task data that cannot be stored as JSON."""
