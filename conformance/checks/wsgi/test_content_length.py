"""PEP 3333, "Handling the Content-Length Header", and the framing HTTP asks of the response: the
client gets no more than the app's Content-Length (and the server asks for no more), a body that
falls short ends with a close, a body without one is framed validly (never chunked for HTTP/1.0),
and a 204 or 304 carries no body and no framing headers, whatever the app returns.

Most checks end with a follow-up request on the same connection: it must be answered, or the
server must have closed the connection; bytes left over from the first response fail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed, split_head, target
from conformance.checks.wsgi.wire import CLOSE_TIMEOUT, request, wait_closed
from conformance.clients.raw import RawClient
from conformance.recorder import Recorder, RecordTimeout
from conformance.verify import verify


@pytest.mark.requirement("WSGI-CL-001")
def test_no_more_bytes_than_the_apps_content_length(wsgi: RawClient) -> None:
    """Content-Length: 5, and two 5-byte blocks."""
    with Exchange(wsgi, "GET", "/stream?chunks=2&size=5&cl=5") as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == b"0...." and ok, sent="GET /stream?chunks=2&size=5&cl=5, then GET /ready on the "
           "same connection", expected="5 body bytes, and nothing after them",
           got=f"body {response.body!r}; {follow_up}")


@pytest.mark.requirement("WSGI-CL-002")
def test_iteration_stops_at_content_length(wsgi: RawClient, recorder: Recorder) -> None:
    """Content-Length: 8, and a body of three 8-byte blocks: only the first is needed."""
    token = recorder.new_token()
    response = request(wsgi, "GET", "/stream?chunks=3&size=8&cl=8", token)
    try:
        wait_closed(recorder, token, CLOSE_TIMEOUT)
    except RecordTimeout:  # close() is WSGI-IT-014's: the blocks asked for are judged all the same
        wsgi.request("GET", "/ready")  # a later request answered: the first one is long finished
    events = [r.event for r in recorder.records(token)]
    asked = [r.data["index"] for r in recorder.records(token) if r.event == "next"]
    verify(asked == [0], sent="GET /stream?chunks=3&size=8&cl=8",
           expected="only block 0 asked for",
           got=f"blocks asked for: {asked}; events {events}; "
               f"{'no valid response' if response is None else f'{len(response.body)} body bytes'}")


@pytest.mark.requirement("WSGI-CL-004")
def test_a_body_shorter_than_its_content_length_ends_with_a_close(wsgi: RawClient) -> None:
    """Content-Length: 10, and one 5-byte block."""
    with Exchange(wsgi, "GET", "/stream?chunks=1&size=5&cl=10") as exchange:
        exchange.sock.sendall(exchange.raw)
        data, closed = read_until_closed(exchange.sock, 3.0)
    status, _, body = split_head(data)
    verify(closed and len(body) <= 10, sent="GET /stream?chunks=1&size=5&cl=10 (HTTP/1.1, keep-alive)",
           expected="the server closes the connection after the 5 bytes",
           got=f"{status.decode('latin-1')!r} and {len(body)} body bytes; "
               + ("then a close" if closed else "the connection was still open 3 s later"))


STREAM_BODY = b"0...1...2..."  # /stream?chunks=3&size=4


@pytest.mark.requirement("WSGI-CL-005")
@pytest.mark.parametrize("http_version", ["1.0", "1.1"])
def test_how_a_body_without_content_length_is_framed_is_reported(wsgi: RawClient, http_version: str,
                                                                 observe: Callable[[str], None]) -> None:
    """Three blocks, no Content-Length from the app."""
    response = wsgi.request("GET", "/stream?chunks=3&size=4", http_version=http_version)
    length, encoding = response.header("Content-Length"), response.header("Transfer-Encoding")
    framing = (f"Transfer-Encoding {encoding.decode('latin-1')}" if encoding is not None
               else f"a Content-Length of {length.decode('latin-1')} the server computed" if length is not None
               else "closing the connection")
    observe(f"HTTP/{http_version}: a body without Content-Length framed by {framing}"
            + ("" if response.body == STREAM_BODY else f" (wrong body: {response.body[:40]!r})"))


@pytest.mark.requirement("WSGI-CL-006")
def test_a_body_without_content_length_is_framed_validly(wsgi: RawClient) -> None:
    """HTTP/1.1, three blocks, no Content-Length from the app."""
    with Exchange(wsgi, "GET", "/stream?chunks=3&size=4") as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    both = response.header("Transfer-Encoding") is not None and response.header("Content-Length") is not None
    verify(response.body == STREAM_BODY and ok and not both,
           sent="GET /stream?chunks=3&size=4 (HTTP/1.1), then GET /ready on the same connection",
           expected=f"body {STREAM_BODY!r} in valid framing (chunked, a computed Content-Length, or a close), "
                    "never Content-Length beside Transfer-Encoding",
           got=f"body {response.body!r}, Transfer-Encoding {response.header('Transfer-Encoding')!r}, "
               f"Content-Length {response.header('Content-Length')!r}; {follow_up}")


@pytest.mark.requirement("WSGI-CL-007")
def test_no_transfer_encoding_for_an_http_1_0_request(wsgi: RawClient) -> None:
    response = wsgi.request("GET", "/stream?chunks=3&size=4", http_version="1.0")
    encoding = response.header("Transfer-Encoding")
    verify(encoding is None and response.body == STREAM_BODY, sent="GET /stream?chunks=3&size=4 HTTP/1.0",
           expected=f"no Transfer-Encoding, body {STREAM_BODY!r}",
           got=f"Transfer-Encoding {encoding!r}, body {response.body!r}")


@pytest.mark.requirement("WSGI-CL-008")
def test_a_204_response_gets_no_framing_headers(wsgi: RawClient) -> None:
    """The app returns a 204 with no headers and an empty body."""
    path = target("/respond", ("status", "204 No Content"))
    response = wsgi.request("GET", path)
    added = {name: response.header(name) for name in ("Content-Length", "Transfer-Encoding") if response.header(name)}
    verify(not added, sent=f"GET {path}", expected="neither Content-Length nor Transfer-Encoding",
           got=f"the server added {added}")


@pytest.mark.requirement("WSGI-CL-009")
@pytest.mark.parametrize("status", ["204 No Content", "304 Not Modified"])
def test_a_204_or_304_response_has_no_body(wsgi: RawClient, status: str) -> None:
    """The app returns b'junk' with a 204 or 304."""
    path = target("/respond", ("status", status), ("body", "junk"))
    with Exchange(wsgi, "GET", path) as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(ok, sent=f"GET {path}, then GET /ready on the same connection",
           expected="no body bytes after the headers", got=follow_up)
