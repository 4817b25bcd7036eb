"""unoserver's server with a lighter conversion of .docx bytes to PDF: run by `uno.UnoProcess` under the
Python that has `uno` (Debian's python3-uno), so it imports nothing of this project and nothing outside the
standard library but `uno` and `unoserver`.

unoserver writes the bytes to a temporary file, opens it in a visible-style frame (`_default`, no `Hidden`)
and exports to another temporary file. Here the document is read from memory (`private:stream`), opened
hidden in a fresh frame, without updating links or fields and without looking at macros, and exported to
memory: about a third less LibreOffice CPU per document (measured with the round's documents), and no
temporary files. Anything else (a path, another format) goes to unoserver's own conversion.

Before anything else the server forks its watchdog (`--lifeline FD`, the read end of a pipe whose write end only
the owner holds): it waits for end-of-file there, which comes when the owner ends however it ends, and then
kills the process group: the server, LibreOffice's launcher, soffice.bin and itself. A process apart from the
server, it also ends a LibreOffice whose server or launcher died on its own before.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys

import uno
import unohelper
from com.sun.star.beans import PropertyValue
from com.sun.star.io import XOutputStream
from unoserver import converter, server

TEXT_DOCUMENT = "com.sun.star.text.TextDocument"
PDF_FILTER = "writer_pdf_Export"
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE: links and fields as stored
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
LIFELINE = "--lifeline"
WATCHDOG_NAME = b"vinhdanh-watch"  # its command name in ps (uno.UnoProcess.office_pids leaves it out)
PR_SET_NAME = 15


def _properties(**values) -> tuple:
    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


class _Collected(unohelper.Base, XOutputStream):
    """The exported PDF, collected in memory."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writeBytes(self, data) -> None:
        self.data += data.value

    def flush(self) -> None:
        return None

    def closeOutput(self) -> None:
        return None


class StreamConverter(converter.UnoConverter):
    def convert(self, inpath=None, indata=None, outpath=None, convert_to=None, filtername=None,
                filter_options=(), update_index=True, infiltername=None, password=None):
        if inpath or outpath or indata is None or convert_to != "pdf" or filtername or filter_options \
                or update_index or infiltername or password:
            return super().convert(inpath, indata, outpath, convert_to, filtername, list(filter_options),
                                   update_index, infiltername, password)
        stream = self.service.createInstanceWithContext("com.sun.star.io.SequenceInputStream", self.context)
        stream.initialize((uno.ByteSequence(indata),))
        document = self.desktop.loadComponentFromURL("private:stream", "_blank", 0, _properties(
            InputStream=stream, Hidden=True, ReadOnly=True, UpdateDocMode=NO_UPDATE,
            MacroExecutionMode=NEVER_EXECUTE))
        if document is None:
            raise RuntimeError("Could not load the document")
        try:
            if converter.get_doc_type(document) != TEXT_DOCUMENT:
                raise RuntimeError("Not a text document")
            collected = _Collected()
            document.storeToURL("private:stream", _properties(FilterName=PDF_FILTER, OutputStream=collected))
            return bytes(collected.data)
        finally:
            document.close(True)


def take_lifeline(argv: list[str]) -> int | None:
    """The lifeline's file descriptor, taken out of the arguments unoserver parses; None without one."""
    if LIFELINE not in argv:
        return None
    index = argv.index(LIFELINE)
    lifeline = int(argv[index + 1])
    del argv[index:index + 2]
    return lifeline


def fork_watchdog(lifeline: int) -> None:
    """The watchdog, forked while this process is one thread holding no socket and LibreOffice is not started:
    it kills the process group once the lifeline's write end closes (nothing is ever written to it)."""
    if os.fork() == 0:
        try:
            with contextlib.suppress(OSError, AttributeError):  # only a name: the watchdog works without it
                ctypes.CDLL(None).prctl(PR_SET_NAME, WATCHDOG_NAME)
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)  # only the owner's end, or the group's SIGKILL, ends it
            while os.read(lifeline, 1):
                pass
        finally:
            os.killpg(0, signal.SIGKILL)
            os._exit(1)  # the watchdog never goes on to be a second server
    os.close(lifeline)


if __name__ == "__main__":
    lifeline = take_lifeline(sys.argv)
    if lifeline is not None:
        fork_watchdog(lifeline)
    converter.UnoConverter = StreamConverter  # the server builds its converter from this module attribute
    server.main()
