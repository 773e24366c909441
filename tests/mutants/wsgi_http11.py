"""The mutants of the HTTP/1.1 rules the server meets on the app's behalf
(conformance/requirements/wsgi_http11.toml): a chunked body decoded, Expect: 100-continue, HEAD
and interim responses.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Most are the server's own duties: wsgiref breaks many itself (declared here as ``unchanged``);
the 100 Continue it sends at the wrong moment and the connection it keeps open are shims
(wsgi_shims.py).
"""

from __future__ import annotations

import select
from typing import Any

from tests.configurations import WSGIREF_HTTP11
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, environ_mutant, response_mutant, unchanged, without

# --- request framing (wsgiref reads every body by Content-Length and never looks at Transfer-Encoding) --

# wsgiref hands the app the socket itself: a chunked body reaches it still chunked
unchanged = breaks("WSGI-H11-001")(unchanged)
# What a server that counts a chunked body it has not read yet as empty tells the app.
chunked_content_length_zero = breaks("WSGI-H11-002")(environ_mutant(
    lambda e: e.update(CONTENT_LENGTH="0") if "chunked" in e.get("HTTP_TRANSFER_ENCODING", "").lower() else None
))


# --- Expect: 100-continue ---------------------------------------------------------------------------


class InputNotWaiting:
    """wsgi.input that gives b'' at once when no byte has arrived yet, instead of waiting for the
    client (which sends the body only after the 100 Continue)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        buffered = self.stream.peek(1) if hasattr(self.stream, "peek") and select.select([self.stream], [], [], 0)[0] \
            else b""
        return self.stream.read(size) if buffered else b""


input_not_waiting = breaks("WSGI-H11-011", server=WSGIREF_HTTP11)(
    environ_mutant(lambda e: e.update({"wsgi.input": InputNotWaiting(e["wsgi.input"])}))
)
# wsgiref (HTTP/1.0 handler) never sends 100 Continue: the client has to send the body unasked
unchanged = breaks("WSGI-H11-012")(unchanged)
# an HTTP/1.1 wsgiref sends 100 at once, then leaves the body the app did not read in the stream
unchanged = breaks("WSGI-H11-015", server=WSGIREF_HTTP11)(unchanged)


# --- HEAD and interim responses ---------------------------------------------------------------------

# wsgiref itself sends every byte the app gives, HEAD included
unchanged = breaks("WSGI-H11-020")(unchanged)


@breaks("WSGI-H11-021")
@response_mutant
def head_content_length_zeroed(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if environ["REQUEST_METHOD"] != "HEAD":
        return status, headers, body
    return status, [*without(headers, "Content-Length"), ("Content-Length", "0")], b""


@breaks("WSGI-H11-022", observes="500 Internal Server Error")
@response_mutant
def interim_status_replaced(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if status.startswith("1"):
        return "500 Internal Server Error", [("Content-Type", "text/plain")], b"a 1xx status is no final response"
    return status, headers, body
