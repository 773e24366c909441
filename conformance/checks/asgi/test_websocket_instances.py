"""WebSocket checks that need a server instance of their own (www.rst, "Websocket Connection
Scope", "WebSocket"): the scheme over TLS, by the adapter's tls launch variant; and pings on an
idle connection, by the ws_ping variant (a short keepalive interval).

Each starts a dedicated instance, but for the scheme over TLS: the TLS instance the checks share
(conformance/checks/launching.py). A server without WebSocket, or whose adapter has no such
variant, is reported not applicable.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from conformance.checks.asgi.ws import needs_websocket, websocket_server
from conformance.checks.launching import needs_variant
from conformance.clients.raw import WireError
from conformance.clients.websocket import PING
from conformance.recorder import Recorder
from conformance.servers import ServerSpec

PING_WAIT = 2.5  # seconds an idle client waits for a ping (a ws_ping variant pings every 0.3 s, or every 1 s)


@pytest.mark.requirement("ASGI-WS-MSG-009")
def test_whether_the_server_pings_an_idle_connection_is_reported(dedicated_server: Callable,
                                                                 server_spec: ServerSpec, recorder: Recorder,
                                                                 observe: Callable[[str], None]) -> None:
    needs_websocket(server_spec)
    needs_variant(server_spec, "ws_ping")
    with dedicated_server("asgi", variant="ws_ping") as server:
        ws = websocket_server(server, server_spec, recorder)
        with ws.raw() as client:
            head = client.open("/inspect/idle")
            if head.status != 101:
                raise WireError(f"the handshake got HTTP {head.status}, not 101")
            client.recv_frame()
            started = time.monotonic()
            try:
                frames = client.frames_until(PING, timeout=PING_WAIT)
            except WireError:
                frames = []
    pinged = bool(frames) and frames[-1].opcode == PING
    observe(f"started with a short ping interval: a ping came after {time.monotonic() - started:.1f} s of idle"
            if pinged else f"started with a short ping interval: no ping within {PING_WAIT:g} s of idle")
