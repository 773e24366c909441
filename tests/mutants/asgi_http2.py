"""Mutants of what HTTP/2 adds to the HTTP scope and body: each breaks a requirement of
conformance/requirements/asgi_http2.toml, and is declared beside its middleware; all served by
hypercorn (over h2c, and over TLS where the declaration says).

Belongs here: the mutants of that catalogue file (pseudo-headers, :authority, one scope per stream,
a body in several DATA frames). Does not belong here: a requirement of the HTTP scope or response
that a check also verifies over HTTP/2 (asgi_http_scope.py, asgi_http_response.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.configurations import HYPERCORN, HYPERCORN_TLS
from tests.mutants.asgi_middleware import Receive, Scope, Send, over_http2, probe, scope_mutant
from tests.mutants.declare import breaks

_pseudo_header_kept = over_http2(
    lambda scope: scope.update(headers=[(b":method", scope["method"].encode()), *scope["headers"]]))
pseudo_headers_kept = breaks("ASGI-HTTP-SCOPE-021", only=("test_no_pseudo_headers_in_the_scope",),
                             server=HYPERCORN)(scope_mutant(_pseudo_header_kept))
pseudo_headers_kept_on_tls = breaks("ASGI-HTTP-SCOPE-021", only=("test_no_pseudo_headers_over_http2_on_tls",),
                                    server=HYPERCORN, variants=HYPERCORN_TLS)(scope_mutant(_pseudo_header_kept))


def _host_moved_to_the_end(scope: Scope) -> None:
    headers = scope["headers"]
    scope["headers"] = [h for h in headers if h[0] != b"host"] + [h for h in headers if h[0] == b"host"]


host_moved_to_the_end = breaks("ASGI-HTTP-SCOPE-022", server=HYPERCORN)(
    scope_mutant(over_http2(_host_moved_to_the_end)))

_recent_scope: dict[str, Any] = {}


@breaks("ASGI-HTTP-SCOPE-028", server=HYPERCORN)
async def scopes_shared_between_streams(scope: Scope, receive: Receive, send: Send) -> None:
    """Hands requests that arrive together (within 0.5 s) the scope of the first of them."""
    if scope["type"] == "http" and scope.get("path", "").startswith("/scope/stream-"):
        now = asyncio.get_running_loop().time()
        if now - _recent_scope.get("at", -10.0) > 0.5:
            _recent_scope.update(at=now, scope=scope)
        scope = _recent_scope["scope"]
    await probe(scope, receive, send)

