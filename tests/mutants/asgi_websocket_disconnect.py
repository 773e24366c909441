"""WebSocket mutants of the disconnect (conformance/requirements/asgi_websocket_disconnect.toml):
the websocket.disconnect the app is told of (when, with which code and reason), and what its
sends do once the connection is gone, or once it re-raised their exception.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Does not belong here: the app's own close (asgi_websocket_close.py). The building blocks are in
ws_middleware.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from probe_apps.asgi_websocket import app as websocket_probe
from tests.configurations import GUNICORN_ASGI
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    receives,
    send_quiet_after,
    silent_after,
    ws_mutant,
)


def _disconnects(change: Callable[[Message], Message]) -> Callable[[Message], list[Message]]:
    return lambda message: [change(dict(message)) if message["type"] == "websocket.disconnect" else message]


def _code(mapping: Callable[[int], int]) -> Callable[[Message], Message]:
    return lambda message: {**message, "code": mapping(message.get("code"))}


def _never_disconnects(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """receive() never gives websocket.disconnect: the app waits in vain."""

    async def forgetful() -> Message:
        message = await receive()
        while message["type"] == "websocket.disconnect":
            message = await receive()
        return message

    return scope, forgetful, send


_broken: list[bool] = []


@breaks("ASGI-WS-DISC-011")
async def ws_reraise_breaks_the_server(scope: Scope, receive: Receive, send: Send) -> None:
    """Once an app has re-raised a send() exception, the server refuses every WebSocket after it."""
    if scope["type"] != "websocket":
        await probe(scope, receive, send)
        return
    if _broken:
        await receive()
        await send({"type": "websocket.close"})
        return
    try:
        await websocket_probe(scope, receive, send)
    except Exception:
        if scope.get("path", "").startswith("/reraise"):
            _broken.append(True)
        raise


@breaks("ASGI-WS-DISC-012")
async def ws_reraise_logged(scope: Scope, receive: Receive, send: Send) -> None:
    """The send() exception the app re-raises is logged as an error, with its traceback."""
    if scope["type"] != "websocket" or not scope.get("path", "").startswith("/reraise"):
        await probe(scope, receive, send)
        return
    try:
        await websocket_probe(scope, receive, send)
    except Exception:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application\n")


ws_disconnect_hidden = breaks("ASGI-WS-DISC-001")(ws_mutant(silent_after(lambda message: True), path="/inspect/"))
ws_disconnect_code_1000 = breaks("ASGI-WS-DISC-002")(
    receives(_disconnects(_code(lambda code: 1000)), path="/inspect/client-closes"))
ws_no_code_given_1000 = breaks("ASGI-WS-DISC-003")(
    receives(_disconnects(_code(lambda code: 1000 if code == 1005 else code)), path="/inspect/no-code"))
ws_disconnect_reason_replaced = breaks("ASGI-WS-DISC-005")(
    receives(_disconnects(lambda message: {**message, "reason": "not the client's"}), path="/inspect/client-closes"))
ws_drop_given_1005 = breaks("ASGI-WS-DISC-006", server=GUNICORN_ASGI)(
    receives(_disconnects(_code(lambda code: 1005 if code == 1006 else code)), path="/inspect/dropped"))
ws_send_quiet_after_disconnect = breaks("ASGI-WS-DISC-010")(ws_mutant(
    send_quiet_after(lambda message: message["type"] == "websocket.disconnect"), path="/inspect/"))
ws_no_disconnect_on_shutdown = breaks("ASGI-WS-DISC-007")(ws_mutant(_never_disconnects, path="/inspect/shutdown"))
ws_no_disconnect_before_accept = breaks("ASGI-WS-DISC-008")(ws_mutant(_never_disconnects, path="/accept-late"))
ws_no_disconnect_after_refusal = breaks("ASGI-WS-DISC-009")(
    ws_mutant(silent_after(lambda message: message["type"] == "websocket.close"), path="/deny"))
