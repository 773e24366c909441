"""WebSocket mutants of the opening handshake (conformance/requirements/asgi_websocket_handshake.toml):
the connect event, the app's accept (its subprotocol and headers) and its refusal.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
The connection left open after a refusal is the server's own fault (ws_shims.py); the denial
response an app sends instead is asgi_websocket_denial.py's. The building blocks are in
ws_middleware.py.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import Message, Receive, Scope, Send, Wrap, sends, ws_mutant

# --- connect and accept -----------------------------------------------------------------------


def _accept(change: Callable[[Scope, Message], Message]) -> Callable[[Scope, Message], Message]:
    return lambda scope, message: change(scope, message) if message["type"] == "websocket.accept" else message


def _receive_first(event: Message) -> Wrap:
    """A receive() that hands the app ``event`` before anything the server sends."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        pending = [event]

        async def first_then_server() -> Message:
            return pending.pop() if pending else await receive()

        return scope, first_then_server, send

    return wrap


def _accepts_at_once(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """Completes the handshake as soon as the connect event arrives, before the app decides."""

    async def eager_receive() -> Message:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        return message

    async def accept_dropped(message: Message) -> None:
        if message["type"] != "websocket.accept":
            await send(message)

    return scope, eager_receive, accept_dropped


def _bare_accept_refused(scope: Scope, message: Message) -> Message:
    return {"type": "websocket.close"} if message.keys() == {"type"} else message


def _bogus_accept_key(scope: Scope, message: Message) -> Message:
    return {**message, "headers": [(b"sec-websocket-accept", b"bm90IHRoZSByaWdodCBrZXk=")]}


def _first_offered_chosen(scope: Scope, message: Message) -> Message:
    if message.get("subprotocol") is None and scope.get("subprotocols"):
        message["subprotocol"] = scope["subprotocols"][0]
    return message


def _spec_2_0_headers_ignored(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """The scope says spec_version 2.0, and the accept's headers are left out."""
    scope = {**scope, "asgi": {**scope.get("asgi", {}), "spec_version": "2.0"}}

    async def without_headers(message: Message) -> None:
        if message["type"] == "websocket.accept":
            message = {k: v for k, v in message.items() if k != "headers"}
        await send(message)

    return scope, receive, without_headers


ws_receive_before_connect = breaks("ASGI-WS-HS-001")(
    ws_mutant(_receive_first({"type": "websocket.receive", "text": "early"}), path="/inspect/first-event"))
ws_accepted_before_the_app = breaks("ASGI-WS-HS-002")(ws_mutant(_accepts_at_once, path="/inspect/held"))
ws_bare_accept_refused = breaks("ASGI-WS-HS-010")(sends(_accept(_bare_accept_refused), path="/inspect/bare-accept"))
ws_bogus_accept_key = breaks("ASGI-WS-HS-005")(sends(_accept(_bogus_accept_key), path="/inspect/accept-key"))
ws_subprotocol_dropped = breaks("ASGI-WS-HS-006")(
    sends(_accept(lambda scope, message: {**message, "subprotocol": None})))
ws_first_offered_subprotocol_chosen = breaks("ASGI-WS-HS-007")(sends(_accept(_first_offered_chosen)))
ws_accept_headers_dropped = breaks("ASGI-WS-HS-008")(sends(_accept(lambda scope, message: {**message, "headers": []})))
ws_accept_headers_reversed = breaks("ASGI-WS-HS-009")(
    sends(_accept(lambda scope, message: {**message, "headers": list(reversed(message.get("headers", [])))})))
ws_2_0_accept_headers_ignored = breaks("ASGI-WS-HS-011", observes="the headers were ignored")(
    ws_mutant(_spec_2_0_headers_ignored))


# --- refusal ----------------------------------------------------------------------------------


def _close_before_accept_accepted(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """Completes the handshake even when the app closes before accepting (then closes it)."""
    accepted = False

    async def accepting(message: Message) -> None:
        nonlocal accepted
        if message["type"] == "websocket.close" and not accepted:
            await send({"type": "websocket.accept"})
        accepted = accepted or message["type"] == "websocket.accept"
        await send(message)

    return scope, receive, accepting


ws_close_before_accept_accepted = breaks("ASGI-WS-HS-004")(ws_mutant(_close_before_accept_accepted, path="/deny"))
