"""PEP 3333, Content-Length and framing: the body the client gets is exactly the body the app
gave, delimited so that the client (and the next request on the connection) can tell where it
ends. HEAD, 204 and 304 are HTTP's rules, which the server enforces for the app.

Most checks end with a follow-up request on the same connection: it must be answered, or the
server must have closed the connection; bytes left over from the first response fail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed, split_head, target
from conformance.clients.raw import RawClient
from conformance.verify import verify

STREAM_BODY = b"0...1...2..."  # /stream?chunks=3&size=4


@pytest.mark.requirement("WSGI-CL-001")
def test_no_more_bytes_than_the_apps_content_length(wsgi: RawClient) -> None:
    """Content-Length: 5, and two 5-byte blocks."""
    with Exchange(wsgi, "GET", "/stream?chunks=2&size=5&cl=5") as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == b"0...." and ok, sent="GET /stream?chunks=2&size=5&cl=5, then GET /ready on the "
           "same connection", expected="5 body bytes, and nothing after them",
           got=f"body {response.body!r}; {follow_up}")


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


@pytest.mark.requirement("WSGI-IT-022")
def test_an_empty_block_does_not_end_the_body(wsgi: RawClient) -> None:
    """The app returns [b'a', b'', b'b'] without a Content-Length."""
    with Exchange(wsgi, "GET", "/write?r=a&r=&r=b") as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == b"ab" and ok, sent="GET /write?r=a&r=&r=b, then GET /ready on the same connection",
           expected="body b'ab', and nothing after it", got=f"body {response.body!r}; {follow_up}")


@pytest.mark.requirement("WSGI-H11-020")
@pytest.mark.parametrize("path", [target("/respond", ("h", "Content-Type:text/plain"), ("h", "Content-Length:5"),
                                         ("body", "hello")),
                                  "/stream?chunks=2&size=4"], ids=["content-length", "streamed"])
def test_a_head_response_has_no_body(wsgi: RawClient, path: str) -> None:
    """HEAD to scenarios that return a body, as an app written for GET does."""
    with Exchange(wsgi, "HEAD", path) as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(ok, sent=f"HEAD {path}, then GET /ready on the same connection",
           expected="no body bytes after the headers", got=follow_up)


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


@pytest.mark.requirement("WSGI-CL-008")
def test_a_204_response_gets_no_framing_headers(wsgi: RawClient) -> None:
    """The app returns a 204 with no headers and an empty body."""
    path = target("/respond", ("status", "204 No Content"))
    response = wsgi.request("GET", path)
    added = {name: response.header(name) for name in ("Content-Length", "Transfer-Encoding") if response.header(name)}
    verify(not added, sent=f"GET {path}", expected="neither Content-Length nor Transfer-Encoding",
           got=f"the server added {added}")


@pytest.mark.requirement("WSGI-H11-030")
def test_connection_close_closes_the_connection(wsgi: RawClient) -> None:
    with Exchange(wsgi, "GET", "/ready", [("Connection", "close")]) as exchange:
        response = exchange.response()
        rest, closed = read_until_closed(exchange.sock, 3.0)
    verify(response.status == 200 and closed and not rest, sent="GET /ready with Connection: close",
           expected="the response, then the server closes the connection",
           got=f"status {response.status}; " + ("then a close" if closed else "the connection open 3 s later")
           + (f"; then {rest[:60]!r}" if rest else ""))


SMUGGLED = b"GET /respond?status=299+Smuggled HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.requirement("WSGI-H11-007")
def test_an_unread_body_is_not_taken_for_a_request(wsgi: RawClient) -> None:
    """The body, which the app never reads, holds a whole request of its own."""
    with Exchange(wsgi, "POST", "/respond?body=ok", [("Content-Type", "text/plain")], SMUGGLED) as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == b"ok" and ok, sent=f"POST /respond?body=ok with the body {SMUGGLED!r}, "
           "then GET /ready on the same connection",
           expected="the body skipped or the connection closed: no answer to the request inside it",
           got=f"body {response.body!r}; {follow_up}")


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
