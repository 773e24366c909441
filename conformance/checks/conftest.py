"""Fixtures every check uses: byte-exact clients bound to the running server."""

from __future__ import annotations

import pytest

from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess


@pytest.fixture
def wsgi(wsgi_server: ServerProcess) -> RawClient:
    """A raw HTTP/1.x client for the server serving the WSGI probe app."""
    return RawClient(wsgi_server.host, wsgi_server.port)


@pytest.fixture
def asgi(asgi_server: ServerProcess) -> RawClient:
    """A raw HTTP/1.x client for the server serving the ASGI probe app."""
    return RawClient(asgi_server.host, asgi_server.port)
