"""The mutants of Expect: 100-continue (conformance/requirements/wsgi_expect.toml): when the
server sends 100 Continue, and what the app reads after it.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(the server's own 100 Continue faults are shims: wsgi_shims.py).
"""

from __future__ import annotations

import select
from typing import Any

from tests.configurations import WSGIREF_HTTP11
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import environ_mutant, unchanged


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
