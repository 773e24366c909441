"""PEP 3333, Content-Length and framing: the body the client gets is exactly the body the app
gave, delimited so that the client (and the next request on the connection) can tell where it
ends. HEAD, 204 and 304 are HTTP's rules, which the server enforces for the app.

Most checks end with a follow-up request on the same connection: it must be answered, or the
server must have closed the connection; bytes left over from the first response fail.
"""

from __future__ import annotations

import pytest

from conformance.checks.wire import Exchange
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


