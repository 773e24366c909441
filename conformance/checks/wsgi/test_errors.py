"""PEP 3333, the wsgi.errors stream: its methods work, it takes any unicode text, and where and
when its output shows is reported. What reaches the client when the app fails is in
test_error_handling.py.

/errors uses every method of wsgi.errors and says in its body what raised; /errors-buffer writes a
line, waits, then calls flush().
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from urllib.parse import quote

import httpx
import pytest

from conformance.checks.wire import Exchange
from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.recorder import Recorder
from conformance.verify import verify


@pytest.mark.requirement("WSGI-ERR-001", "WSGI-ERR-002")
def test_the_errors_stream_methods_work(wsgi_http: httpx.Client) -> None:
    outcomes = wsgi_http.get("/errors").json()
    failed = {name: error for name, error in outcomes.items() if error}
    verify(not failed, sent="GET /errors", expected="write(str), writelines(list) and flush() return normally",
           got=f"raised: {failed}")


@pytest.mark.requirement("WSGI-ERR-003")
def test_the_errors_stream_takes_any_unicode(wsgi_http: httpx.Client) -> None:
    text = "snow \u2603, smile \U0001f600, nul-free"
    outcomes = wsgi_http.get(f"/errors?text={quote(text)}").json()
    failed = {name: error for name, error in outcomes.items() if error}
    verify(not failed, sent=f"GET /errors with the text {text!r}", expected="no method raises",
           got=f"raised: {failed}")


@pytest.mark.requirement("WSGI-ERR-004")
def test_whether_errors_output_waits_for_flush_is_reported(wsgi: RawClient, wsgi_server: ServerProcess,
                                                          recorder: Recorder, observe: Callable[[str], None]) -> None:
    """The app writes a line to wsgi.errors, waits 0.5 s, then calls flush(); the check watches
    the server's output for the line meanwhile."""
    marker = f"probe-marker-{uuid.uuid4().hex}"
    token = recorder.new_token()
    path = "/errors-buffer?gap=0.5&marker=" + "".join(f"%{byte:02X}" for byte in marker.encode())
    with Exchange(wsgi, "GET", path, token=token) as exchange:
        exchange.sock.sendall(exchange.raw)
        recorder.wait_for(token, "written")
        seen_before_flush = None
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            flushing = any(r.event == "flushing" for r in recorder.records(token))
            if marker in wsgi_server.log_text():
                seen_before_flush = not flushing
                break
            time.sleep(0.02)  # polling the log file: the only sign there is that the server wrote it
        exchange.response()
    observe("wsgi.errors output did not appear in the server's output within 2.5 s of flush()"
            if seen_before_flush is None else
            "wsgi.errors output forwarded at once, before flush()" if seen_before_flush else
            "wsgi.errors output held until flush()")


@pytest.mark.requirement("WSGI-ERR-005")
def test_where_the_errors_output_goes_is_reported(wsgi_http: httpx.Client, wsgi_server: ServerProcess,
                                                  observe: Callable[[str], None]) -> None:
    marker = f"probe-marker-{uuid.uuid4().hex}"
    # Every byte percent-encoded: an access log that shows the request line does not show the marker.
    wsgi_http.get("/errors?text=" + "".join(f"%{byte:02X}" for byte in marker.encode()))
    deadline = time.monotonic() + 3.0
    while marker not in wsgi_server.log_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the log file: the only sign there is that the server wrote it
    observe("wsgi.errors output appears in the server's own output" if marker in wsgi_server.log_text()
            else "wsgi.errors output did not appear in the server's own output within 3 s")
