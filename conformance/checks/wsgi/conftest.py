"""Fixtures that checks in several WSGI modules take: a raw client with a short deadline for the
wsgi.input calls, and the environ of a server started another way (with marker variables in its
OS environment; over TLS).

The two environ fixtures are module-scoped: each module that takes one gets its own, made once
for that module's checks. test_environ.py and test_http_variables.py each start an instance with
OS_ENVIRONMENT; test_environ.py and test_keys.py each ask the shared TLS instance
(conformance/checks/launching.py) once.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme

from conformance.checks.launching import TlsServers, trusting
from conformance.clients.raw import RawClient, read_response
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.probing import fetch_environ

# A body that should take a moment at most to read: a wait past this means the server is waiting
# for bytes the client will never send.
QUICK = 1.5

OS_ENVIRONMENT = {"PROBE_OS_MARKER": "os-marker", "HTTP_X_PROBE_OS": "leak"}


@pytest.fixture
def quick(wsgi_server: ServerProcess) -> RawClient:
    return RawClient(wsgi_server.host, wsgi_server.port, timeout=QUICK)


@pytest.fixture(scope="module")
def os_marked_environ(dedicated_server: Callable) -> Iterator[dict[str, Any]]:
    """The environ of GET /environ from an instance started with OS_ENVIRONMENT in its environment."""
    with dedicated_server("wsgi", OS_ENVIRONMENT) as server:
        environ, _ = fetch_environ(RawClient(server.host, server.port), "/environ")
        yield environ


@pytest.fixture(scope="module")
def tls_environ(tls_servers: TlsServers) -> dict[str, Any]:
    """The environ of GET /environ over TLS (the certificate verified), from the shared TLS instance."""
    return tls_get_environ(*tls_servers.server("wsgi"))


def tls_get_environ(server: ServerProcess, ca: trustme.CA) -> dict[str, Any]:
    with socket.create_connection((server.host, server.port), timeout=5.0) as plain:
        with trusting(ca).wrap_socket(plain, server_hostname=server.host) as sock:
            sock.sendall(b"GET /environ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % server.host.encode())
            return {key: revive(value) for key, value in read_response(sock).json()["environ"].items()}
