"""The mutants of buffering and streaming (conformance/requirements/wsgi_buffering.toml): each
block the app yields goes out before the next is asked for.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
The server that holds the whole body back also frames it by the Content-Length it then computes,
and holds back what follows a write(): declared for those in wsgi_content_length.py and
wsgi_write.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ


@breaks("WSGI-BUF-001")
@breaks("WSGI-BUF-002")
def blocks_held_back(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that collects the whole body before it sends any of it."""
    result = probe(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return [body]
