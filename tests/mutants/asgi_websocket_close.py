"""WebSocket mutants of the end of a connection (conformance/requirements/asgi_websocket.toml): the
app's close (ASGI-WS-CLOSE), the disconnect the app is told of (ASGI-WS-DISC), and the connection
an app's return must end (ASGI-WS-SCOPE-016, the same fault as an exception held open).

The TCP connection left open after the closing handshake is the server's own fault (ws_shims.py);
the building blocks are in ws_middleware.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from probe_apps.asgi_websocket import app as websocket_probe
from tests.configurations import GUNICORN_ASGI
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    Wrap,
    receives,
    sends,
    silent_after,
    ws_mutant,
)

# --- the disconnect the app is told of --------------------------------------------------------


def _disconnects(change: Callable[[Message], Message]) -> Callable[[Message], list[Message]]:
    return lambda message: [change(dict(message)) if message["type"] == "websocket.disconnect" else message]


def _code(mapping: Callable[[int], int]) -> Callable[[Message], Message]:
    return lambda message: {**message, "code": mapping(message.get("code"))}


def _send_quiet_after(last_seen: Callable[[Message], bool]) -> Wrap:
    """Once the app has received (or sent) a message for which ``last_seen`` is true, send()
    returns quietly instead of raising."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        seen = False

        async def watching_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen = seen or last_seen(message)
            return message

        async def quiet(message: Message) -> None:
            nonlocal seen
            try:
                await send(message)
            except Exception:
                if not seen:
                    raise
            seen = seen or last_seen(message)

        return scope, watching_receive, quiet

    return wrap


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
    _send_quiet_after(lambda message: message["type"] == "websocket.disconnect"), path="/inspect/"))
ws_no_disconnect_on_shutdown = breaks("ASGI-WS-DISC-007")(ws_mutant(_never_disconnects, path="/inspect/shutdown"))
ws_no_disconnect_before_accept = breaks("ASGI-WS-DISC-008")(ws_mutant(_never_disconnects, path="/accept-late"))
ws_no_disconnect_after_refusal = breaks("ASGI-WS-DISC-009")(
    ws_mutant(silent_after(lambda message: message["type"] == "websocket.close"), path="/deny"))


# --- the app's close ----------------------------------------------------------------------------


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


def holding_open(catch: bool) -> App:
    """The probe; when it returns (or raises, if ``catch``), the connection is held open until
    the client leaves, as a server that neither closes nor ends it would."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await probe(scope, receive, send)
            return
        try:
            await websocket_probe(scope, receive, send)
        except Exception:
            if not catch:
                raise
        while (await receive())["type"] != "websocket.disconnect":
            pass

    return app


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
    ws_mutant(_send_quiet_after(lambda message: message["type"] == "websocket.close"), path="/close/"))
ws_late_data_delivered = breaks("ASGI-WS-CLOSE-008", observes="reached the app")(
    ws_mutant(_late_data_delivered, path="/close/late-data"))
ws_exception_held_open = breaks("ASGI-WS-CLOSE-009")(holding_open(catch=True))
ws_return_held_open = breaks("ASGI-WS-SCOPE-016")(holding_open(catch=False))
