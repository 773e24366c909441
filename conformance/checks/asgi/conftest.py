"""Fixtures of the ASGI checks that several check modules take.

A module-scoped fixture here is made once per module that takes it: the TLS scope is read once in
test_http_scope.py and once in test_tls.py, and each of test_lifespan.py and test_state.py starts
its own slow lifespan instance. What must be made once per server instance is cached in a helper
module instead (conformance/checks/per_instance.py).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from conformance.checks.asgi.lifespan import LIFESPAN_DELAY, needs_lifespan_before_launch, startup_records
from conformance.checks.asgi.ws import WsServer, websocket_server
from conformance.checks.asgi.ws_http2 import websocket_over_h2
from conformance.checks.launching import TlsServer, TlsServers, trusting
from conformance.clients.raw import read_response
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.recorder import Recorder
from conformance.servers import ServerSpec
from conformance.session import ConformanceRun


@pytest.fixture
def ws(asgi_server: ServerProcess, server_spec: ServerSpec, recorder: Recorder) -> WsServer:
    """The server under test as a WebSocket server; the check is not applicable (skipped) if the
    server does not do WebSocket (see conformance/checks/asgi/ws.py)."""
    return websocket_server(asgi_server, server_spec, recorder)


@pytest.fixture(scope="module")
def tls_server(tls_servers: TlsServers) -> TlsServer:
    """The shared instance started by the adapter's tls variant, and the CA that trusts it."""
    return tls_servers.server("asgi")


@pytest.fixture(scope="module")
def tls_scope(tls_server: TlsServer) -> dict:
    """The scope of GET /scope over TLS (HTTP/1.1, the certificate verified)."""
    server, ca = tls_server
    with socket.create_connection((server.host, server.port), timeout=5.0) as plain:
        with trusting(ca).wrap_socket(plain, server_hostname=server.host) as sock:
            sock.sendall(b"GET /scope HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % server.host.encode())
            return revive(read_response(sock).json()["scope"])


@pytest.fixture(scope="module")
def slow_lifespan_server(dedicated_server: Callable, recorder: Recorder, conformance_run: ConformanceRun):
    """A dedicated instance whose app takes LIFESPAN_DELAY seconds before each `complete`.

    Shared by the checks of a module: the startup check reads its records, the shutdown checks stop
    it (stopping twice is harmless) and read theirs. test_lifespan.py and test_state.py get one
    each: the state check stops its own, so it reads a shutdown that no other check caused."""
    needs_lifespan_before_launch(recorder, conformance_run)
    with dedicated_server("asgi", {"CONFORMANCE_LIFESPAN_DELAY": str(LIFESPAN_DELAY)}) as server:
        startup_records(recorder, server)
        yield server


@pytest.fixture(scope="module")
def wss_h2_server(tls_servers: TlsServers, server_spec: ServerSpec) -> TlsServer:
    if server_spec.name != "custom" and "websocket" not in server_spec.capabilities:
        pytest.skip(f"not applicable: {server_spec.name} does not do WebSocket (its adapter declares no websocket "
                    "capability)")
    return tls_servers.server("asgi")


@pytest.fixture(params=["h2c", "tls"])
def over_h2(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A WebSocket over HTTP/2, on each transport: cleartext with prior knowledge on the shared
    instance, TLS where ALPN picks h2 on the shared TLS instance (see ws_http2.py).
    test_http_response.py has an over_h2 of its own, for HTTP requests over HTTP/2."""
    return websocket_over_h2(request, request.param)
