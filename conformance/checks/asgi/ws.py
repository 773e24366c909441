"""What the WebSocket checks share: whether the server does WebSocket at all, what it advertises,
and connections to the probe's WebSocket scenarios (probe_apps/asgi_websocket.py).

A server does WebSocket if its adapter declares the capability (a --server-cmd server is
tried) and it answers an upgrade request with 101; otherwise every WebSocket check is not
applicable, never failed. The first handshake to /inspect also gives the scope every check
gates on: scope["asgi"]["spec_version"] (missing means "2.0") and scope["extensions"]. The
exchanges that checks of several areas read (the refusal of /deny) are made once per instance.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from conformance.checks.asgi.gating import DEFAULT_HTTP_SPEC_VERSION, at_least
from conformance.checks.per_instance import PerInstance
from conformance.clients.raw import WireError
from conformance.clients.websocket import TEXT, RawWebSocket, open_websocket
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.servers import ServerSpec

RECORD_WAIT = 5.0  # seconds a check waits for what the app reports
APP_WAITS_AFTER_CLOSE = 3.0  # the probe's wait in receive() after its close or denial (AFTER_CLOSE_WAIT)
CLOSE_WAIT = 2.0  # seconds the client waits for the server to close or end the connection


@dataclass
class WsServer:
    """A server that does WebSocket, with what its first WebSocket scope said."""
    host: str
    port: int
    instance_id: str
    recorder: Recorder
    scope: dict[str, Any] = field(default_factory=dict)

    @property
    def spec_version(self) -> str:
        value = (self.scope.get("asgi") or {}).get("spec_version")
        return value if isinstance(value, str) else DEFAULT_HTTP_SPEC_VERSION

    @property
    def extensions(self) -> dict[str, Any]:
        value = self.scope.get("extensions")
        return value if isinstance(value, dict) else {}

    def require_version(self, wanted: str, what: str) -> None:
        if not at_least(self.spec_version, wanted):
            pytest.skip(f"not applicable: the server advertises spec_version {self.spec_version} in the websocket "
                        f"scope, and {what} came in {wanted}")

    def target(self, scenario: str, params: Iterable[tuple[str, object]] = ()) -> str:
        query = urlencode([(k, str(v)) for k, v in params], quote_via=quote)
        return scenario + (f"?{query}" if query else "")

    def url(self, target: str) -> str:
        return f"ws://{self.host}:{self.port}{target}"

    def open(self, target: str, *, token: str | None = None, headers: Iterable[tuple[str, str]] = (),
             subprotocols: list[str] | None = None) -> ClientConnection:
        extra = [(TOKEN_HEADER, token)] if token else []
        return open_websocket(self.url(target), headers=[*extra, *headers], subprotocols=subprotocols)

    def raw(self) -> RawWebSocket:
        return RawWebSocket(self.host, self.port)

    def new_token(self) -> str:
        return self.recorder.new_token()

    def reported(self, token: str, event: str, timeout: float = RECORD_WAIT) -> dict[str, Any]:
        """What the app reported under ``token`` (the first record of ``event``)."""
        return self.recorder.wait_for(token, event, timeout=timeout)[0].data


_support: PerInstance[WsServer | str] = PerInstance()


def needs_websocket(spec: ServerSpec) -> None:
    if spec.name != "custom" and "websocket" not in spec.capabilities:
        pytest.skip(f"not applicable: {spec.name} does not do WebSocket (its adapter declares no websocket capability)")


def websocket_server(server: ServerProcess, spec: ServerSpec, recorder: Recorder) -> WsServer:
    """The server as a WsServer, or pytest.skip (not applicable) if it does not do WebSocket."""
    needs_websocket(spec)
    found = _support.once(server, "websocket", lambda: _first_handshake(server, recorder))
    if isinstance(found, str):
        pytest.skip(found)
    return found


def _first_handshake(server: ServerProcess, recorder: Recorder) -> WsServer | str:
    with RawWebSocket(server.host, server.port) as client:
        head = client.open("/inspect")
        if head.status != 101:
            return (f"not applicable: the server does not do WebSocket: an upgrade request (GET /inspect with "
                    f"Upgrade: websocket) got HTTP {head.status} instead of 101 Switching Protocols")
        first = client.recv_frame()
    if first.opcode != TEXT:
        raise WireError(f"the probe's first message (its scope, as JSON text) came as a {first.kind} frame")
    scope = revive(json.loads(first.payload)["scope"])
    return WsServer(server.host, server.port, server.instance_id, recorder, scope)


def first_message(connection: ClientConnection) -> dict[str, Any]:
    """The /inspect scenario's first message: the scope and the connect event, revived."""
    payload = json.loads(connection.recv(timeout=RECORD_WAIT))
    return {"scope": revive(payload["scope"]), "connect": payload["connect"]}


def next_report(connection: ClientConnection) -> dict[str, Any]:
    """The /inspect scenario's description of the next receive event."""
    return json.loads(connection.recv(timeout=RECORD_WAIT))


def typed_value(entry: dict[str, Any] | None) -> Any:
    """A key of an event summary (probe_apps/asgi_websocket.event_summary) as its Python value;
    absent when the key was not there at all."""
    if entry is None:
        return ABSENT
    if "value" in entry:
        return revive(entry["value"])
    return entry  # long values: only their type, length and sha256


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()


def close_outcome(connection: ClientConnection, timeout: float = RECORD_WAIT) -> tuple[int | None, str, list[Any]]:
    """Read until the server closes: (the close code the client got, its reason, the messages
    that came before). A code of None means the connection ended without a close frame (1006)."""
    messages: list[Any] = []
    try:
        while True:
            messages.append(connection.recv(timeout=timeout))
    except ConnectionClosed:
        pass
    received = connection.protocol.close_rcvd
    if received is None:
        return None, "", messages
    return received.code, received.reason, messages


def end_of(ws: WsServer, target: str) -> tuple[int | None, str]:
    """How a connection to ``target`` ended: the close code (None: no close frame), or 'open'."""
    with ws.open(target) as connection:
        try:
            code, _, _ = close_outcome(connection, timeout=CLOSE_WAIT)
        except TimeoutError:
            return None, "open"
    return code, "closed"


def describe_code(code: int | None) -> str:
    if code is None:
        return "no close frame (the TCP connection just ended: 1006)"
    return "no close within the wait (the connection stayed open)" if code < 0 else f"close code {code}"


# --- exchanges that checks of several areas read -------------------------------------------------

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


def refused(ws: WsServer) -> dict[str, Any]:
    """GET /deny (the app closes before accepting): the answer, and whether the connection closed."""
    def run() -> dict[str, Any]:
        token = ws.new_token()
        with ws.raw() as client:
            head = client.open("/deny", [(TOKEN_HEADER, token)])
            closed = client.closed_within(CLOSE_WAIT)
        return {"head": head, "closed": closed, "token": token}

    return _exchanges.once(ws, "deny", run)


def disconnect_after(ws: WsServer, token: str, event: str) -> str:
    message = ws.reported(token, event, timeout=APP_WAITS_AFTER_CLOSE + 3)["message"]
    return str(message.get("type"))


Reporter = Callable[[str], None]
