"""Length-prefixed pickles between the server and its sandbox helper processes.

The server only unpickles what a helper sends through `SafeUnpickler`, which builds plain data types,
dates, Decimals and exceptions and nothing else: a helper runs diagram code, so its answers are
treated as data from that code, never as something that may name an arbitrary class or function.
"""

from __future__ import annotations

import builtins
import io
import os
import pickle
import struct
from typing import Any

_HEADER = struct.Struct(">Q")
_ALLOWED = {
    "builtins": {
        name for name in dir(builtins)
        if isinstance(getattr(builtins, name), type) and issubclass(getattr(builtins, name), BaseException)
    } | {"list", "dict", "set", "frozenset", "tuple", "str", "bytes", "bytearray", "int", "float", "complex",
         "bool", "range", "slice"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
    "decimal": {"Decimal"},
    "collections": {"OrderedDict"},
    "service.engine.sandbox.errors": {
        "rebuild", "SandboxError", "SandboxSecurityError", "SandboxTimeout", "SandboxMemoryError", "SandboxDataError",
    },
}  # fmt: skip


class SafeUnpickler(pickle.Unpickler):
    """Refuses every global outside the short allow-list above."""

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} may not cross the sandbox boundary")


def send(fd: int, message: Any) -> None:
    """Write one message (pickled, with its length first) to `fd`, blocking until all of it is written."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


class Reader:
    """Collects one message from a pipe in pieces, so the caller can watch the clock between reads."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self.size: int | None = None

    def feed(self) -> bool:
        """Read what is available; True once a whole message is in. EOFError if the other side closed."""
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise EOFError("sandbox helper closed its pipe")
        self.buffer += chunk
        if self.size is None and len(self.buffer) >= _HEADER.size:
            (self.size,) = _HEADER.unpack_from(self.buffer)
            del self.buffer[: _HEADER.size]
        return self.size is not None and len(self.buffer) >= self.size

    def message(self, *, safe: bool) -> Any:
        data = bytes(self.buffer[: self.size])
        return SafeUnpickler(io.BytesIO(data)).load() if safe else pickle.loads(data)  # noqa: S301 - see module doc


def receive(fd: int) -> Any:
    """Block until one whole message arrives (the helper's side: its requests come from the server)."""
    reader = Reader(fd)
    while not reader.feed():
        pass
    return reader.message(safe=False)
