"""WebSocket mutants of the denial response extension
(conformance/requirements/asgi_websocket_denial.toml): the HTTP response an app sends instead of
accepting.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
The refusal with a plain 403 is a handshake matter (asgi_websocket_handshake.py, and ws_shims.py
for the connection left open after it); the building blocks are in ws_middleware.py.
"""

from __future__ import annotations

from tests.configurations import UVICORN_WEBSOCKETS
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import Message, Receive, Scope, Send, scope_change, sends, silent_after, ws_mutant


def _denial_status_replaced(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.http.response.start":
        return {**message, "status": 403, "headers": []}
    return message


def _denial_parts_dropped(scope: Scope, message: Message) -> Message | None:
    if message["type"] == "websocket.http.response.body" and message.get("more_body"):
        return None
    return message


def _denial_keys_required(scope: Scope, message: Message) -> Message:
    """A start without headers answered as an error (500); a body event without body filled in."""
    if message["type"] == "websocket.http.response.start" and "headers" not in message:
        return {**message, "status": 500, "headers": []}
    if message["type"] == "websocket.http.response.body" and "body" not in message:
        return {**message, "body": b"a body the app never sent"}
    return message


def _accept_after_denial_start(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """The denial's start is held until its body; an accept in between completes the handshake instead."""
    held: list[Message] = []
    accepted = False

    async def holding(message: Message) -> None:
        nonlocal accepted
        if message["type"] == "websocket.http.response.start":
            held.append(message)
        elif message["type"] == "websocket.accept" and held:
            held.clear()
            accepted = True
            await send(message)
        elif message["type"] == "websocket.http.response.body" and accepted:
            if not message.get("more_body"):
                await send({"type": "websocket.close", "code": 1011})
        else:
            while held:
                await send(held.pop())
            await send(message)

    return scope, receive, holding


ws_denial_extension_hidden = breaks("ASGI-EXT-WSDENIAL-001", observes="not advertised")(
    scope_change(lambda scope: scope.update(extensions={})))
ws_denial_status_replaced = breaks("ASGI-EXT-WSDENIAL-002")(sends(_denial_status_replaced, path="/deny-http"))
ws_denial_parts_dropped = breaks("ASGI-EXT-WSDENIAL-003")(sends(_denial_parts_dropped, path="/deny-http"))
ws_denial_keys_required = breaks("ASGI-EXT-WSDENIAL-006", server=UVICORN_WEBSOCKETS)(
    sends(_denial_keys_required, path="/deny-http"))
ws_no_disconnect_after_denial = breaks("ASGI-EXT-WSDENIAL-007")(ws_mutant(
    silent_after(lambda message: message["type"] == "websocket.http.response.body" and not message.get("more_body")),
    path="/deny-http"))
ws_accept_after_denial_start = breaks("ASGI-EXT-WSDENIAL-005")(
    ws_mutant(_accept_after_denial_start, path="/deny-http/then-accept"))
