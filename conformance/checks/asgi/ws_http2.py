"""WebSocket over HTTP/2 (RFC 8441 extended CONNECT), the exchange its checks read
(test_websocket_scope.py, test_websocket_messages.py; the over_h2 fixture of conftest.py).

One exchange per server and transport, each check run on both: over cleartext HTTP/2 with prior
knowledge on the shared instance, and over TLS where ALPN picks h2 on the shared TLS instance
(started by the adapter's tls launch variant; conformance/checks/launching.py). The frame-level
client (H2WebSocket, tls_h2_websocket) opens /inspect/h2 with an extended CONNECT, reads the
scope (the probe's first message, a text frame), sends a text message and reads the app's
description of it. A server that does not speak HTTP/2 that way, or whose SETTINGS do not enable
extended CONNECT, is not applicable.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import trustme

from conformance.checks.asgi.ws import WsServer
from conformance.checks.launching import trusting
from conformance.checks.per_instance import PerInstance
from conformance.clients.h2 import NoHTTP2, speaks_h2c, tls_h2_websocket
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, TEXT, H2WebSocket, NoExtendedConnect, close_payload, frame
from conformance.launcher import ServerProcess
from conformance.probe_data import revive

TARGET = "/inspect/h2?over=h2"
MESSAGE = "héllo over HTTP/2 ✓"
SENT = {"h2c": f"an extended CONNECT (:protocol websocket, :path {TARGET}, :authority 127.0.0.1:PORT) on cleartext "
               "HTTP/2 with prior knowledge",
        "tls": f"an extended CONNECT (:protocol websocket, :scheme https, :path {TARGET}, :authority 127.0.0.1:PORT) "
               "on HTTP/2 over TLS (ALPN h2)"}

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


def websocket_over_h2(request: pytest.FixtureRequest, transport: str) -> dict[str, Any]:
    """The exchange on ``transport`` (made once per instance): the scope, both messages, and what
    was sent; skips where the server does not do WebSocket over HTTP/2 that way."""
    if transport == "h2c":
        ws: WsServer = request.getfixturevalue("ws")
        exchange = _exchanges.once(ws, "h2c", lambda: _exchange_h2c(ws))
    else:
        server, ca = request.getfixturevalue("wss_h2_server")
        exchange = _exchanges.once(server, "tls", lambda: _exchange_tls(server, ca))
    if "skip" in exchange:
        pytest.skip(exchange["skip"])
    return {**exchange, "sent": SENT[transport]}


def _exchange_h2c(ws: WsServer) -> dict[str, Any]:
    if not speaks_h2c(ws.host, ws.port):
        return {"skip": "not applicable: the server does not speak HTTP/2 in cleartext (h2c, prior knowledge)"}
    with H2WebSocket(ws.host, ws.port) as client:
        return _exchange(client, f"{ws.host}:{ws.port}")


def _exchange_tls(server: ServerProcess, ca: trustme.CA) -> dict[str, Any]:
    try:
        client = tls_h2_websocket(server.host, server.port, trusting(ca))
    except NoHTTP2 as error:
        return {"skip": f"not applicable: no HTTP/2 over TLS ({error})"}
    with client:
        return _exchange(client, f"{server.host}:{server.port}")


def _exchange(client: H2WebSocket, authority: str) -> dict[str, Any]:
    try:
        status = client.open_stream(TARGET)
    except NoExtendedConnect as error:
        return {"skip": f"not applicable: {error}"}
    if status != 200:
        raise WireError(f"the extended CONNECT got :status {status}, not 200 (headers {client.response})")
    first = client.recv_frame()
    scope = revive(json.loads(first.payload)["scope"]) if first.opcode == TEXT else {}
    client.send(frame(TEXT, MESSAGE.encode()))
    answer = client.recv_frame()
    event = json.loads(answer.payload)["event"] if answer.opcode == TEXT else {}
    client.send(frame(CLOSE, close_payload(1000)))
    return {"scope": scope, "first": first, "event": event, "authority": authority.encode()}
