"""Fixtures every check uses: clients bound to the running server, and the TLS certificate and
instances the checks over TLS share.

``wsgi``/``asgi`` are byte-exact raw clients (h11 parses the answer); ``wsgi_http``/``asgi_http``
are httpx clients for ordinary requests, where no byte on the wire is in question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import trustme

from conformance.checks.launching import TlsServers, issue_certificate
from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.servers import ServerSpec

TIMEOUT = 5.0


@pytest.fixture
def wsgi(wsgi_server: ServerProcess) -> RawClient:
    """A raw HTTP/1.x client for the server serving the WSGI probe app."""
    return RawClient(wsgi_server.host, wsgi_server.port, timeout=TIMEOUT)


@pytest.fixture
def asgi(asgi_server: ServerProcess) -> RawClient:
    """A raw HTTP/1.x client for the server serving the ASGI probe app."""
    return RawClient(asgi_server.host, asgi_server.port, timeout=TIMEOUT)


@pytest.fixture
def wsgi_http(wsgi_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=wsgi_server.base_url, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def asgi_http(asgi_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=asgi_server.base_url, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, dict[str, str]]:
    """A CA made here and a certificate for 127.0.0.1: what the tls launch variant starts with."""
    return issue_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def tls_servers(dedicated_server: Callable[..., Any], server_spec: ServerSpec,
                certificate: tuple[trustme.CA, dict[str, str]]) -> Iterator[TlsServers]:
    """The TLS instances the checks share, one per interface: ``tls_servers.server("asgi")`` is
    (the server, the CA that trusts it). See conformance/checks/launching.py."""
    servers = TlsServers(dedicated_server, server_spec, certificate)
    try:
        yield servers
    finally:
        servers.close()
