"""One long-lived LibreOffice, driven through unoserver, for many conversions.

unoserver (PyPI) runs LibreOffice with a UNO listener and serves conversions over XML-RPC; the server is
started through `uno_server.py`, which converts .docx bytes to PDF in memory with light loading options. It
imports `uno`, which only Debian's own Python has (package python3-uno), so the server runs under that
interpreter, seeing nothing of this virtualenv but the unoserver package; this process is only its
XML-RPC client. Each `UnoProcess` has its own ports and LibreOffice profile, so several run side by side.

A conversion that breaks the process (LibreOffice killed or crashed, the server gone) or outlives its
timeout kills the whole process group and raises `ConverterCrashed`: the caller gives the document back
and the next conversion starts a fresh LibreOffice. A document LibreOffice merely refuses raises
`PdfConversionError` and the process stays.

The converter never outlives its owner (this process), however the owner ends. Its processes are a session
and process group of their own (the server, LibreOffice's launcher `oosplash`, `soffice.bin` below it, and a
watchdog the server forks first); the owner alone holds the write end of a pipe, the lifeline, whose read end
the watchdog waits on. When the owner ends, even by SIGKILL, the kernel closes that end, the watchdog reads
end-of-file and kills the whole group. A parent-death signal is not enough: it follows the thread that
started the server rather than the process, reaches only the server, which relays it to LibreOffice only
once it has set its handler (and lingers for a minute when it comes during its start), and nothing is left
to relay it once the server or the launcher has died on its own, leaving `soffice.bin` behind.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from functools import cache
from pathlib import Path

from ..i18n import msg
from .soffice import PdfConversionError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0  # seconds for one document; a 1,000-nominee decision takes a few
STARTUP_TIMEOUT = 90.0
UNO_PYTHONS = ("/usr/bin/python3", "python3")
# Conversions are background work beside the web workers on the same cores: LibreOffice (and the slot's
# rendering thread) run at this niceness, so an officer's request gets the CPU first and the converters take
# whatever it leaves. The queue's throughput is unchanged while the cores have idle time to give.
CONVERTER_NICE = 10
SERVER_MODULE = "vinhdanh_uno_server"  # uno_server.py, beside unoserver in the server's own PYTHONPATH
WATCHDOG_NAME = "vinhdanh-watch"  # the watchdog's command name, set by uno_server.py (which imports nothing of ours)


class ConverterCrashed(RuntimeError):
    """The converter process died or hung during a document (the document itself may be fine)."""


@cache
def uno_python() -> str | None:
    """An interpreter that can import `uno` (UNO_PYTHON, else Debian's python3), or None."""
    candidates = [os.environ.get("UNO_PYTHON"), *UNO_PYTHONS]
    for candidate in filter(None, candidates):
        path = shutil.which(candidate)
        if path and subprocess.run([path, "-c", "import uno"], capture_output=True,  # noqa: S603 - fixed argv
                                   timeout=30, check=False).returncode == 0:
            return path
    return None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """True when LibreOffice, a Python with `uno` and the unoserver package are all here."""
    return bool(soffice() and uno_python() and importlib.util.find_spec("unoserver"))


@cache
def _server_path() -> str:
    """A directory holding only the unoserver package (and its metadata), for the server's PYTHONPATH."""
    package = Path(importlib.util.find_spec("unoserver").origin).parent
    isolated = Path(tempfile.mkdtemp(prefix="vinhdanh-unoserver-"))
    atexit.register(shutil.rmtree, isolated, True)
    (isolated / "unoserver").symlink_to(package)
    for metadata in package.parent.glob("unoserver-*.dist-info"):
        (isolated / metadata.name).symlink_to(metadata)
    (isolated / f"{SERVER_MODULE}.py").symlink_to(Path(__file__).with_name("uno_server.py"))
    return str(isolated)


def _lower_priority() -> None:
    """In the child before exec: the converters' lower priority (LibreOffice inherits it)."""
    os.nice(CONVERTER_NICE)


def _command_name(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout: a hung LibreOffice must not hang its caller."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class UnoProcess:
    """unoserver + LibreOffice, started on first use and restarted after a crash or a hang."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, name: str = "uno"):
        self.timeout = timeout
        self.name = name
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0  # how many LibreOffices this slot has started (tests and logs)
        self._profile: Path | None = None
        self._lifeline: int | None = None  # the write end of the watchdog's pipe, held by this process alone
        self._closing = threading.Lock()

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        python, executable = uno_python(), soffice()
        if python is None or executable is None:
            raise PdfConversionError(msg("Thiếu LibreOffice hoặc python3-uno"))
        self.port, uno_port = _free_port(), _free_port()
        self._profile = Path(tempfile.mkdtemp(prefix=f"vinhdanh-lo-{self.name}-"))
        command = [python, "-m", SERVER_MODULE, "--interface", "127.0.0.1", "--port", str(self.port),
                   "--uno-interface", "127.0.0.1", "--uno-port", str(uno_port), "--executable", executable,
                   "--user-installation", str(self._profile / "profile"),
                   "--libreoffice-pid-file", str(self._profile / "soffice.pid"),
                   "--conversion-timeout", str(int(self.timeout)), "--quiet"]
        env = {**os.environ, "PYTHONPATH": _server_path()}
        # Both ends are close-on-exec: only the server gets the read end (pass_fds), and no child of this process
        # keeps the write end past its exec (nothing here forks without exec), so it closes exactly when this
        # process ends or `close()` runs.
        watched, lifeline = os.pipe()
        try:
            # Its own session and process group: killing the group takes LibreOffice with it.
            process = subprocess.Popen([*command, "--lifeline", str(watched)],  # noqa: S603 - fixed argv
                                       env=env, cwd=env["PYTHONPATH"], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(watched,),
                                       start_new_session=True, preexec_fn=_lower_priority)
        except BaseException:
            os.close(lifeline)
            raise
        finally:
            os.close(watched)
        self.process, self._lifeline = process, lifeline
        self.starts += 1
        self._wait_ready()
        log.info("converter %s: LibreOffice ready (unoserver pid %s, port %s)", self.name, self.process.pid, self.port)

    def ensure_started(self) -> None:
        """A working LibreOffice: started (again) unless one runs."""
        if not self._alive():
            self.close()
            self.start()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            process = self.process  # None once closed from another thread (the service stopping)
            if process is None or process.poll() is not None:
                break
            try:
                self._proxy(5.0).info()
                return
            except (OSError, http.client.HTTPException, xmlrpc.client.Error):
                time.sleep(0.25)
        self.close()
        raise ConverterCrashed(msg("LibreOffice không khởi động được"))

    def close(self) -> None:
        """Kill unoserver, its LibreOffice and the watchdog (the whole group); the next conversion starts new ones."""
        with self._closing:  # a slot and the service stopping may both close: each fd is closed once
            process, self.process = self.process, None
            lifeline, self._lifeline = self._lifeline, None
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if lifeline is not None:
                os.close(lifeline)  # had the group survived the kill, the watchdog would finish it now
            if self._profile is not None:
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None

    def office_pids(self) -> list[int]:
        """LibreOffice's processes: every descendant of the unoserver process but the watchdog (tests kill them)."""
        found, pending = [], [self.process.pid] if self.process is not None else []
        while pending:
            parent = pending.pop()
            for children in Path(f"/proc/{parent}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    pending += [int(pid) for pid in children.read_text().split()]
            if parent != self.process.pid and _command_name(parent) != WATCHDOG_NAME:
                found.append(parent)
        return found

    def soffice_pid(self) -> int | None:
        """LibreOffice's pid, as unoserver wrote it once started."""
        try:
            return int((self._profile / "soffice.pid").read_text().strip()) if self._profile else None
        except (OSError, ValueError):
            return None

    def _alive(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        pid = self.soffice_pid()
        if pid is None:
            return True
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")

    # --- converting ------------------------------------------------------------------------------

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", allow_none=True,
                                         transport=_Transport(timeout))

    def convert(self, docx: bytes) -> bytes:
        """PDF bytes of a .docx; ConverterCrashed when LibreOffice died or hung (it is killed then)."""
        self.ensure_started()
        try:
            # unoserver's XML-RPC `convert(inpath, indata, outpath, convert_to, ...)`: bytes in, bytes out.
            # update_index=False: no document has a table of contents, and `soffice --convert-to` skips it too.
            result = self._proxy(self.timeout + 5).convert(None, xmlrpc.client.Binary(docx), None, "pdf", None, [],
                                                           False)
        except xmlrpc.client.Fault as exc:
            # unoserver's own timeout (a hung LibreOffice) answers TimeoutError and kills LibreOffice.
            if "TimeoutError" not in exc.faultString and self._settled_alive():
                raise PdfConversionError(msg("Chuyển đổi PDF thất bại: {detail}",
                                             detail=exc.faultString[-400:])) from exc
            self.close()
            raise ConverterCrashed(msg("LibreOffice dừng giữa chừng: {detail}", detail=exc.faultString[-300:])) from exc
        except (OSError, http.client.HTTPException, xmlrpc.client.Error) as exc:
            self.close()
            raise ConverterCrashed(msg("LibreOffice không trả lời", exc=exc)) from exc
        data = getattr(result, "data", None)
        if not data or not data.startswith(b"%PDF"):
            raise PdfConversionError(msg("LibreOffice không tạo được PDF"))
        return data

    def _settled_alive(self) -> bool:
        """Still a working LibreOffice after a fault? Ask it for its filters, which goes through UNO."""
        if not self._alive():
            return False
        try:
            self._proxy(10.0).info()
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False
        return self._alive()
