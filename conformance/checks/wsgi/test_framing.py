"""PEP 3333, Content-Length and framing: the body the client gets is exactly the body the app
gave, delimited so that the client (and the next request on the connection) can tell where it
ends. HEAD, 204 and 304 are HTTP's rules, which the server enforces for the app.

Most checks end with a follow-up request on the same connection: it must be answered, or the
server must have closed the connection; bytes left over from the first response fail.
"""

from __future__ import annotations

import pytest

from conformance.checks.wire import Exchange, read_until_closed, target
from conformance.clients.raw import RawClient
from conformance.verify import verify


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


