"""parse_xml must refuse every XML attack quickly and without touching files or the network."""

from __future__ import annotations

import http.server
import os
import threading
import time

import pytest

from service.engine.xml_safety import XmlProblem, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""


def refused(data: bytes, **kwargs) -> tuple[XmlProblem, float]:
    started = time.perf_counter()
    with pytest.raises(XmlProblem) as caught:
        parse_xml(data, filename="tai_len.bpmn", **kwargs)
    return caught.value, time.perf_counter() - started


def test_billion_laughs_refused_quickly():
    problem, elapsed = refused(BILLION_LAUGHS)
    assert problem.filename == "tai_len.bpmn"
    assert problem.line == 2
    assert "DOCTYPE" in problem.message
    assert elapsed < 0.1


def test_quadratic_blowup_refused():
    big_entity = b"A" * 100_000
    refs = b"&a;" * 20_000
    data = b'<?xml version="1.0"?><!DOCTYPE k [<!ENTITY a "' + big_entity + b'">]><k>' + refs + b"</k>"
    problem, elapsed = refused(data)
    assert "DOCTYPE" in problem.message
    assert elapsed < 0.1


def test_doctype_after_comment_and_processing_instruction_is_found():
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- <a/> -->\n<?pi x?>\n<!doctype a [<!ENTITY x "y">]>\n<a>&x;</a>'
    problem, _ = refused(data)
    assert problem.line == 4


@pytest.fixture
def secret_fifo(tmp_path):
    """A named pipe standing in for a local secret: opening it for reading is observable.

    A writer thread blocks in open() until some reader opens the pipe, so `opened` tells whether the
    parser (or anything) tried to read the "file". Unlike atime, this does not depend on mount options.
    """
    path = tmp_path / "secret"
    os.mkfifo(path)
    opened = threading.Event()

    def writer():
        try:
            with open(path, "wb") as pipe:  # blocks until a reader appears
                opened.set()
                pipe.write(b"TOP-SECRET\n")
        except BrokenPipeError:
            pass  # the teardown reader closes at once

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    yield path, opened
    if not opened.is_set():
        with open(path, "rb"):  # release the writer
            pass
    thread.join(timeout=5)


def test_xxe_local_file_not_read(secret_fifo):
    path, opened = secret_fifo
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{path}">]>\n<d>&xxe;</d>').encode()
    problem, _ = refused(data)
    time.sleep(0.05)
    assert not opened.is_set()
    assert "TOP-SECRET" not in problem.message


def test_xxe_etc_passwd_refused():
    data = b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<d>&xxe;</d>'
    problem, elapsed = refused(data)
    assert "root:" not in problem.message
    assert problem.line == 2
    assert elapsed < 0.1


def test_parameter_entity_refused(secret_fifo):
    path, opened = secret_fifo
    data = f'<!DOCTYPE d [<!ENTITY % p SYSTEM "file://{path}"> %p;]><d/>'.encode()
    refused(data)
    time.sleep(0.05)
    assert not opened.is_set()


@pytest.fixture
def http_server():
    """A local HTTP server counting requests, to prove no external DTD or entity is fetched."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # name fixed by BaseHTTPRequestHandler
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "fetched">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_external_dtd_not_fetched(http_server):
    base, hits = http_server
    data = f'<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "{base}/evil.dtd">\n<d>&x;</d>'.encode()
    problem, _ = refused(data)
    assert "DOCTYPE" in problem.message
    assert hits == []


def test_external_http_entity_not_fetched(http_server):
    base, hits = http_server
    data = f'<!DOCTYPE d [<!ENTITY e SYSTEM "{base}/e.txt">]><d>&e;</d>'.encode()
    refused(data)
    assert hits == []


def test_undeclared_entity_is_a_syntax_error_not_a_lookup():
    problem, _ = refused(b"<d>\n&nbsp;</d>")
    assert problem.line == 2
    assert "nbsp" in problem.message


def test_oversize_refused_before_parsing():
    data = b"<a>" + b"x" * 2_000 + b"</a>"
    problem, elapsed = refused(data, max_bytes=1_000)
    assert problem.line is None
    assert "2007" in problem.message and "1000" in problem.message
    assert elapsed < 0.05


def test_malformed_xml_reports_line():
    data = b'<?xml version="1.0"?>\n<a>\n  <b>\n  </c>\n</a>\n'
    problem, _ = refused(data)
    assert problem.line == 4
    assert problem.message.startswith("XML không hợp lệ")
    assert problem.message_en.startswith("Malformed XML")


def test_non_utf8_garbage_reports_line():
    data = b"<a>\n<b>ok</b>\n<c>\xff\xfe\x00garbage</c></a>"
    problem, _ = refused(data)
    assert problem.line == 3
    assert "UTF-8" in problem.message


def test_utf16_and_declared_foreign_encoding_refused():
    # UTF-16 could hide "<!DOCTYPE" from a byte scan, so anything but UTF-8 is refused.
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16")
    problem, _ = refused(utf16)
    assert "UTF-8" in problem.message
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>'
    problem, _ = refused(latin)
    assert "ISO-8859-1" in problem.message


def test_empty_refused():
    problem, _ = refused(b"  \n ")
    assert problem.message == "Tệp rỗng."


def test_valid_document_parses_with_line_numbers():
    root = parse_xml(
        '<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b id="x">Khen thưởng</b>\n</a>'.encode(), filename="a.bpmn"
    )
    child = root.find("b")
    assert child.text == "Khen thưởng"
    assert child.sourceline == 3
