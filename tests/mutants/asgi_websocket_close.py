"""WebSocket mutants of the app's close (conformance/requirements/asgi_websocket_close.toml): the
websocket.close an app sends (its code and reason), what follows it, and the connection an app's
exception must end.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
The TCP connection left open after the closing handshake is the server's own fault
(ws_shims.py); the disconnect the app is told of is asgi_websocket_disconnect.py's. The building
blocks are in ws_middleware.py.
"""

from __future__ import annotations

from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from probe_apps.asgi_websocket import app as websocket_probe
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    holding_open,
    send_quiet_after,
    sends,
    silent_after,
    ws_mutant,
)


def _close(change: Callable[[Message], Message]) -> Callable[[Scope, Message], Message]:
    return lambda scope, message: change(dict(message)) if message["type"] == "websocket.close" else message


def _reason_required(message: Message) -> Message:
    if not isinstance(message.get("reason"), str):
        raise TypeError("mutant: websocket.close needs a str reason")
    return message


def _late_data_delivered(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """After the app's close, its next receive() gets a message, as if the client's late one came through."""
    closed = False

    async def watching(message: Message) -> None:
        nonlocal closed
        await send(message)
        closed = closed or message["type"] == "websocket.close"

    async def delivering() -> Message:
        nonlocal closed
        if closed:
            closed = False
            return {"type": "websocket.receive", "text": "late data"}
        return await receive()

    return scope, delivering, watching


_open_connections: dict[int, Send] = {}


@breaks("ASGI-WS-CLOSE-010")
async def ws_one_failure_closes_all(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that raises takes every other open WebSocket connection down with it."""
    if scope["type"] != "websocket":
        await probe(scope, receive, send)
        return
    key = id(send)
    _open_connections[key] = send
    try:
        await websocket_probe(scope, receive, send)
    except Exception:
        for other_key, other in list(_open_connections.items()):
            if other_key != key:
                try:
                    await other({"type": "websocket.close", "code": 1011})
                except Exception:
                    pass
        raise
    finally:
        _open_connections.pop(key, None)


ws_close_code_1000 = breaks("ASGI-WS-CLOSE-001")(
    sends(_close(lambda message: {**message, "code": 1000}), path="/close/"))
ws_close_default_1001 = breaks("ASGI-WS-CLOSE-002")(
    sends(_close(lambda message: {"code": 1001, **message}), path="/close/"))
ws_close_reason_dropped = breaks("ASGI-WS-CLOSE-003")(
    sends(_close(lambda message: {k: v for k, v in message.items() if k != "reason"}), path="/close/"))
ws_close_reason_required = breaks("ASGI-WS-CLOSE-004")(sends(_close(_reason_required), path="/close/reason-"))
ws_no_disconnect_after_close = breaks("ASGI-WS-CLOSE-006")(
    ws_mutant(silent_after(lambda message: message["type"] == "websocket.close"), path="/close/"))
ws_send_quiet_after_close = breaks("ASGI-WS-CLOSE-007")(
    ws_mutant(send_quiet_after(lambda message: message["type"] == "websocket.close"), path="/close/"))
ws_late_data_delivered = breaks("ASGI-WS-CLOSE-008", observes="reached the app")(
    ws_mutant(_late_data_delivered, path="/close/late-data"))
ws_exception_held_open = breaks("ASGI-WS-CLOSE-009")(holding_open(catch=True))
