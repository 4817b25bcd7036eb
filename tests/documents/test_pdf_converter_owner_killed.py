"""A converter lives exactly as long as the process that owns it: its owner SIGKILLed (a worker killed, `run.py`'s
whole tree killed) at any moment, every process of that converter's tree (unoserver, LibreOffice's launcher and
soffice.bin) is gone within seconds, also when part of the tree had died on its own before; and it does not end with
the thread that happened to start it (real LibreOffice through unoserver).

The tree is found by its process group (the converter's own session), never by process name, so converters of
other tests running meanwhile do not count."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from service.documents import DocumentKind, render_document
from service.documents.template_samples import sample_context
from service.pdf import uno
from tests.documents.libreoffice_gate import require_persistent_converter

ROOT = Path(__file__).resolve().parents[2]
GONE_WITHIN = 5.0  # seconds after the owner's death
# The owner: starts one converter, says its unoserver's pid (its process group) at once and "ready" once it
# answers, then only waits to be killed.
OWNER = """
import sys, threading, time
from service.pdf import uno

converter = uno.UnoProcess(name="owner-killed")

def tell_group():
    while converter.process is None:
        time.sleep(0.01)
    print(converter.process.pid, flush=True)

threading.Thread(target=tell_group, daemon=True).start()
converter.start()
print("ready", flush=True)
time.sleep(3600)
"""


def _group(pgid: int) -> dict[int, str]:
    """The living processes of a process group: pid → command name (zombies have ended: they only wait to be
    reaped by whoever adopted them)."""
    members = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members[int(stat.parent.name)] = name
    return members


def _line(process: subprocess.Popen, seconds: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        assert selector.select(seconds), "the owner said nothing"
    line = process.stdout.readline().strip()
    assert line, f"the owner ended (exit status {process.wait()})"
    return line


def _wait_for(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("moment", ["starting", "ready", "server_lost", "launcher_lost"])
def test_a_killed_owner_leaves_no_process_of_its_converter(moment):
    """starting: LibreOffice launched, unoserver not yet serving; ready: idle and answering; server_lost: unoserver
    died on its own first (LibreOffice left without it); launcher_lost: LibreOffice's launcher (oosplash) died on
    its own first, leaving soffice.bin without a parent."""
    require_persistent_converter()
    owner = subprocess.Popen([sys.executable, "-c", OWNER], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    pgid = 0
    try:
        pgid = int(_line(owner, 60))
        # soffice.bin only appears below oosplash, the last of the tree to start.
        assert _wait_for(lambda: "soffice.bin" in _group(pgid).values(), 60), _group(pgid)
        if moment != "starting":
            assert _line(owner, 120) == "ready"
        if moment in ("server_lost", "launcher_lost"):
            victim = pgid if moment == "server_lost" else next(
                pid for pid, name in _group(pgid).items() if name == "oosplash")
            os.kill(victim, signal.SIGKILL)
            assert _wait_for(lambda: victim not in _group(pgid), 10)
            assert "soffice.bin" in _group(pgid).values()  # LibreOffice itself still runs, unattended
        members = _group(pgid)
        assert {"python3", "oosplash", "soffice.bin"} & set(members.values()), members

        owner.kill()
        owner.wait()
        assert _wait_for(lambda: not _group(pgid), GONE_WITHIN), f"left running: {_group(pgid)}"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        owner.stdout.close()
        if pgid:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)  # a failed run leaves nothing behind either


def test_a_converter_outlives_the_thread_that_started_it_and_its_stop_ends_the_whole_tree():
    """The converter belongs to its owner process, not to the thread that started it: a parent-death signal, which
    follows that thread, stopped it as soon as the thread ended."""
    require_persistent_converter()
    converter = uno.UnoProcess(name="thread-ended")
    try:
        starter = threading.Thread(target=converter.start)
        starter.start()
        starter.join()
        pgid = converter.process.pid
        time.sleep(2.0)  # what reacts to the thread's end has done so by now
        assert "soffice.bin" in _group(pgid).values()
        pdf = converter.convert(render_document(DocumentKind.UNIT_SUBMISSION,
                                                sample_context(DocumentKind.UNIT_SUBMISSION)).content)
        assert pdf.startswith(b"%PDF-")
        assert converter.starts == 1 and converter.process.pid == pgid  # the same LibreOffice, never restarted
    finally:
        converter.close()
    assert _wait_for(lambda: not _group(pgid), GONE_WITHIN), f"left running: {_group(pgid)}"
