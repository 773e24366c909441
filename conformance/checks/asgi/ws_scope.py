"""The one WebSocket handshake whose scope several checks read (test_websocket_scope.py, and the
lifespan state checks of test_state.py), written byte for byte by the raw client: a target with
percent-escapes and UTF-8 in the path and the query, a repeated header between two others, a
header in mixed case and two offered subprotocols. The probe's /inspect answers it with the scope
as its first message (typed JSON: a str and bytes stay apart); the handshake is made once per
server instance (conformance/checks/per_instance.py).
"""

from __future__ import annotations

import json
from typing import Any

from conformance.checks.asgi.ws import WsServer
from conformance.checks.per_instance import PerInstance
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, TEXT, close_payload, frame
from conformance.probe_data import revive

TARGET = "/inspect/caf%C3%A9/x%20y?q=a%20b&s=%2F&e=%C3%A9"
HEADERS = [("X-Probe-Order-A", "a"), ("X-Dup", "1"), ("X-Probe-Order-B", "b"), ("X-Dup", "2"),
           ("X-Mixed-Case", "M"), ("Sec-WebSocket-Protocol", "chat, superchat")]
SENT = f"GET {TARGET} with Upgrade: websocket and " + ", ".join(f"{n}: {v}" for n, v in HEADERS)

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


def handshake(ws: WsServer) -> dict[str, Any]:
    """The scope of the shared handshake, with the client's own address (once per server)."""
    def run() -> dict[str, Any]:
        with ws.raw() as client:
            head = client.open(TARGET, HEADERS)
            if head.status != 101:
                raise WireError(f"the handshake to {TARGET} got HTTP {head.status} instead of 101")
            first = client.recv_frame()
            if first.opcode != TEXT:
                raise WireError(f"the probe's first message came as a {first.kind} frame")
            scope = revive(json.loads(first.payload)["scope"])
            local = client.sock.getsockname()[:2]
            client.send(frame(CLOSE, close_payload(1000)))
        return {"scope": scope, "local": local}

    return _exchanges.once(ws, "handshake", run)


def scope_of(ws: WsServer) -> dict[str, Any]:
    return handshake(ws)["scope"]
