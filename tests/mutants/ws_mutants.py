"""WebSocket mutants: uvicorn serving the probe app behind middleware that breaks one WebSocket
requirement (ws_table.py says which, and which checks must fail).

For a websocket scope the middleware changes what the probe's WebSocket scenarios
(probe_apps/asgi_websocket.py) are handed, or what reaches the server from them, exactly as a
faulty server would; every other scope goes to the probe untouched. Like the probe apps, this
runs inside the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from probe_apps.asgi_websocket import app as websocket_probe
from tests.mutants.ws_middleware import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    Wrap,
    receives,
    scope_change,
    sends,
    silent_after,
    ws_mutant,
)

# --- refusal and the denial response -----------------------------------------------------------


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


ws_no_disconnect_after_refusal = ws_mutant(
    silent_after(lambda message: message["type"] == "websocket.close"), path="/deny")
ws_denial_extension_hidden = scope_change(lambda scope: scope.update(extensions={}))
ws_denial_status_replaced = sends(_denial_status_replaced, path="/deny-http")
ws_denial_parts_dropped = sends(_denial_parts_dropped, path="/deny-http")
ws_denial_keys_required = sends(_denial_keys_required, path="/deny-http")
ws_no_disconnect_after_denial = ws_mutant(
    silent_after(lambda message: message["type"] == "websocket.http.response.body"
                  and not message.get("more_body")), path="/deny-http")


async def untouched(scope: Scope, receive: Receive, send: Send) -> None:
    """The probe as it is, for a mutant whose server breaks the requirement itself."""
    await probe(scope, receive, send)


# --- messages ---------------------------------------------------------------------------------


def _data(change: Callable[[Message], list[Message]]) -> Callable[[Message], list[Message]]:
    return lambda message: change(message) if message["type"] == "websocket.receive" else [message]


def _text_as_bytes(message: Message) -> list[Message]:
    if message.get("text") is not None:
        return [{"type": "websocket.receive", "bytes": message["text"].encode()}]
    return [message]


def _bytes_as_text(message: Message) -> list[Message]:
    if message.get("bytes") is not None:
        return [{"type": "websocket.receive", "text": message["bytes"].decode("latin-1")}]
    return [message]


def _split_in_two(message: Message) -> list[Message]:
    key = "text" if message.get("text") is not None else "bytes"
    value = message[key]
    if len(value) < 2:
        return [message]
    half = len(value) // 2
    return [{"type": "websocket.receive", key: value[:half]}, {"type": "websocket.receive", key: value[half:]}]


def _last_byte_lost(message: Message) -> list[Message]:
    key = "text" if message.get("text") is not None else "bytes"
    if len(message[key]) > 1024 * 1024:
        return [{"type": "websocket.receive", key: message[key][:-1]}]
    return [message]


def _pairs_swapped(receive: Receive) -> Receive:
    held: list[Message] = []

    async def swapped() -> Message:
        if held:
            return held.pop()
        first = await receive()
        if first["type"] != "websocket.receive":
            return first
        second = await receive()
        held.append(first)
        return second

    return swapped


ws_text_received_as_bytes = receives(_data(_text_as_bytes), path="/inspect/text")
ws_bytes_received_as_text = receives(_data(_bytes_as_text), path="/inspect/bytes")
ws_empty_text_received_as_bytes = receives(_data(_text_as_bytes), path="/inspect/empty-text")
ws_empty_bytes_received_as_text = receives(_data(_bytes_as_text), path="/inspect/empty-bytes")
ws_messages_split = receives(_data(_split_in_two))
ws_large_messages_cut = receives(_data(_last_byte_lost))
ws_received_out_of_order = ws_mutant(lambda scope, receive, send: (scope, _pairs_swapped(receive), send),
                                     path="/inspect/order")


def _text_sent_as_bytes(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.send" and message.get("text") is not None:
        return {"type": "websocket.send", "bytes": message["text"].encode()}
    return message


def _bytes_sent_as_text(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.send" and message.get("bytes") is not None:
        return {"type": "websocket.send", "text": message["bytes"].decode("latin-1")}
    return message


def _bytes_key_wins(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.send" and "bytes" in message:
        return {"type": "websocket.send", "bytes": message["bytes"] or b""}
    return message


def _empty_sends_dropped(scope: Scope, message: Message) -> Message | None:
    if message["type"] == "websocket.send" and not (message.get("text") or message.get("bytes")):
        return None
    return message


def _large_sends_cut(scope: Scope, message: Message) -> Message:
    for key in ("text", "bytes"):
        if message["type"] == "websocket.send" and len(message.get(key) or "") > 1024 * 1024:
            return {"type": "websocket.send", key: message[key][:-1]}
    return message


def _sends_out_of_order(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    held: list[Message] = []

    async def swapping(message: Message) -> None:
        if message["type"] != "websocket.send":
            while held:
                await send(held.pop())
            await send(message)
        elif held:
            await send(message)
            await send(held.pop())
        else:
            held.append(message)

    return scope, receive, swapping


ws_text_sent_as_bytes = sends(_text_sent_as_bytes, path="/send/text")
ws_bytes_sent_as_text = sends(_bytes_sent_as_text, path="/send/bytes")
ws_bytes_key_wins = sends(_bytes_key_wins, path="/send/beside-none")
ws_empty_sends_dropped = sends(_empty_sends_dropped, path="/send/empty")
ws_large_sends_cut = sends(_large_sends_cut)
ws_sent_out_of_order = ws_mutant(_sends_out_of_order, path="/send/sequence")


# --- close and disconnect -----------------------------------------------------------------------

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


def _close(change: Callable[[Message], Message]) -> Callable[[Scope, Message], Message]:
    return lambda scope, message: change(dict(message)) if message["type"] == "websocket.close" else message


def _reason_required(message: Message) -> Message:
    if not isinstance(message.get("reason"), str):
        raise TypeError("mutant: websocket.close needs a str reason")
    return message


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


async def _one_failure_closes_all(scope: Scope, receive: Receive, send: Send) -> None:
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


ws_disconnect_hidden = ws_mutant(silent_after(lambda message: True), path="/inspect/")
ws_disconnect_code_1000 = receives(_disconnects(_code(lambda code: 1000)), path="/inspect/client-closes")
ws_no_code_given_1000 = receives(_disconnects(_code(lambda code: 1000 if code == 1005 else code)),
                                 path="/inspect/no-code")
ws_disconnect_reason_replaced = receives(_disconnects(lambda message: {**message, "reason": "not the client's"}),
                                         path="/inspect/client-closes")
ws_drop_given_1005 = receives(_disconnects(_code(lambda code: 1005 if code == 1006 else code)),
                              path="/inspect/dropped")
ws_send_quiet_after_disconnect = ws_mutant(
    _send_quiet_after(lambda message: message["type"] == "websocket.disconnect"), path="/inspect/")
ws_close_code_1000 = sends(_close(lambda message: {**message, "code": 1000}), path="/close/")
ws_close_default_1001 = sends(_close(lambda message: {"code": 1001, **message}), path="/close/")
ws_close_reason_dropped = sends(_close(lambda message: {k: v for k, v in message.items() if k != "reason"}),
                                path="/close/")
ws_close_reason_required = sends(_close(_reason_required), path="/close/reason-")
ws_no_disconnect_after_close = ws_mutant(
    silent_after(lambda message: message["type"] == "websocket.close"), path="/close/")
ws_send_quiet_after_close = ws_mutant(
    _send_quiet_after(lambda message: message["type"] == "websocket.close"), path="/close/")
ws_exception_held_open = holding_open(catch=True)
ws_return_held_open = holding_open(catch=False)
ws_one_failure_closes_all = _one_failure_closes_all


# --- the remaining items: late data, a client gone before the accept, re-raising ------


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


def _never_disconnects(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """receive() never gives websocket.disconnect: the app waits in vain."""

    async def forgetful() -> Message:
        message = await receive()
        while message["type"] == "websocket.disconnect":
            message = await receive()
        return message

    return scope, forgetful, send


_broken: list[bool] = []


async def _reraise_breaks_the_server(scope: Scope, receive: Receive, send: Send) -> None:
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


async def _reraise_logged(scope: Scope, receive: Receive, send: Send) -> None:
    """The send() exception the app re-raises is logged as an error, with its traceback."""
    if scope["type"] != "websocket" or not scope.get("path", "").startswith("/reraise"):
        await probe(scope, receive, send)
        return
    try:
        await websocket_probe(scope, receive, send)
    except Exception:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application\n")


ws_late_data_delivered = ws_mutant(_late_data_delivered, path="/close/late-data")
ws_no_disconnect_before_accept = ws_mutant(_never_disconnects, path="/accept-late")
ws_reraise_breaks_the_server = _reraise_breaks_the_server
ws_reraise_logged = _reraise_logged


# --- invalid sends ---------------------------------------------------------------------------------


def _invalid_send_guessed(scope: Scope, message: Message) -> Message:
    """A websocket.send without exactly one payload goes out as a guess instead of raising."""
    if message["type"] == "websocket.send" and (message.get("text") is None) == (message.get("bytes") is None):
        return {"type": "websocket.send", "text": message.get("text") or ""}
    return message


def _send_accepts(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """A websocket.send before the accept completes the handshake (as ASGI servers before 2.0 did)."""
    accepted = False

    async def accepting(message: Message) -> None:
        nonlocal accepted
        if message["type"] == "websocket.accept" and accepted:
            return
        if message["type"] == "websocket.send" and not accepted:
            await send({"type": "websocket.accept"})
        accepted = accepted or message["type"] in ("websocket.send", "websocket.accept")
        await send(message)

    return scope, receive, accepting


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


ws_invalid_send_guessed = sends(_invalid_send_guessed, path="/bad-send/")
ws_send_before_accept_accepts = ws_mutant(_send_accepts, path="/bad-send/before-accept")
ws_accept_after_denial_start = ws_mutant(_accept_after_denial_start, path="/deny-http/then-accept")


ws_no_disconnect_on_shutdown = ws_mutant(_never_disconnects, path="/inspect/shutdown")
ws_no_pings = untouched  # its ws_ping variant is uvicorn with the default ping interval (20 s)


# --- WebSocket over HTTP/2 (on hypercorn, which offers it) ----------------------------------------------


ws_h2_text_received_as_bytes = receives(_data(_text_as_bytes), path="/inspect/h2")
