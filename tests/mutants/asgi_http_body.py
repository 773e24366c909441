"""Mutants of the request body events: each breaks a requirement of
conformance/requirements/asgi_http_body.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file (what receive() hands the app of the body, and a
response sent in parts). Does not belong here: receive() at and after a disconnect
(asgi_http_disconnect.py), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mutants.asgi_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    first_event_changed,
    http_mutant,
    receive_mutant,
    request_after_response,
    send_mutant,
)
from tests.mutants.declare import breaks


def _extra_empty_event(scope: Scope, receive: Receive) -> Receive:
    sent_extra = False

    async def wrapped() -> Message:
        nonlocal sent_extra
        if not sent_extra:
            sent_extra = True
            return {"type": "http.request", "body": b"", "more_body": True}
        return await receive()

    return wrapped


def _loses_last_byte(scope: Scope, receive: Receive) -> Receive:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body") and message.get("body"):
            message = {**message, "body": message["body"][:-1]}
        return message

    return wrapped


def _not_dechunked(scope: Scope, receive: Receive) -> Receive:
    """Hands the app the chunked framing as if it were the body."""
    is_chunked = any(n.lower() == b"transfer-encoding" and b"chunked" in v.lower() for n, v in scope["headers"])

    async def wrapped() -> Message:
        message = await receive()
        if is_chunked and message["type"] == "http.request" and message.get("body"):
            body = message["body"]
            message = {**message, "body": b"%x\r\n%s\r\n" % (len(body), body)}
        return message

    return wrapped


extra_empty_request_event = breaks("ASGI-HTTP-REQ-002")(receive_mutant(_extra_empty_event))
body_loses_last_byte = breaks("ASGI-HTTP-REQ-005")(receive_mutant(_loses_last_byte))
chunked_body_not_dechunked = breaks("ASGI-HTTP-REQ-007")(receive_mutant(_not_dechunked))
empty_body_split_in_two = breaks("ASGI-HTTP-REQ-009")(receive_mutant(_extra_empty_event))


def _each_event_changed(change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    def wrap(scope: Scope, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            return change(dict(await receive()))

        return wrapped

    return wrap


first_event_not_request = breaks("ASGI-HTTP-REQ-001")(
    receive_mutant(first_event_changed(lambda m: {**m, "type": "http.bogus"})))
body_as_bytearray = breaks("ASGI-HTTP-REQ-003")(receive_mutant(
    _each_event_changed(lambda m: {**m, "body": bytearray(m["body"])} if "body" in m else m)))
more_body_as_int = breaks("ASGI-HTTP-REQ-004")(receive_mutant(
    _each_event_changed(lambda m: {**m, "more_body": int(m["more_body"])} if "more_body" in m else m)))
request_event_after_body = breaks("ASGI-HTTP-REQ-006")(http_mutant(request_after_response, path="/after-response"))


def _buffers_the_body(scope: Scope, receive: Receive) -> Receive:
    """A server that hands the app the body only once all of it has arrived, in one event."""

    async def receiving() -> Message:
        message = await receive()
        body = message.get("body", b"")
        while message["type"] == "http.request" and message.get("more_body", False):
            message = await receive()
            body += message.get("body", b"")
        return {**message, "body": body} if message["type"] == "http.request" else message

    return receiving


body_buffered = breaks("ASGI-HTTP-REQ-008", observes="only once the body was complete")(
    receive_mutant(_buffers_the_body))

_last_body: dict[Any, bytes] = {}


def _previous_body_prepended(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Hands a request the body of the previous request on the same connection, then its own."""
    connection = tuple(scope.get("client") or ())
    first = True
    seen: list[bytes] = []

    async def leaking() -> Message:
        nonlocal first
        message = await receive()
        if message["type"] == "http.request":
            seen.append(message.get("body", b""))
            if first:
                message = {**message, "body": _last_body.get(connection, b"") + message.get("body", b"")}
            first = False
            if not message.get("more_body"):
                _last_body[connection] = b"".join(seen)
        return message

    return leaking, send


bodies_leak_between_requests = breaks("ASGI-HTTP-REQ-010")(http_mutant(_previous_body_prepended, path="/digest"))


def _drops_second_part(send: Send) -> Send:
    parts = 0

    async def wrapped(message: Message) -> None:
        nonlocal parts
        if message["type"] == "http.response.body":
            parts += 1
            if parts == 2 and message.get("more_body"):
                return
        await send(message)

    return wrapped


response_part_dropped = breaks("ASGI-HTTP-RESP-012")(send_mutant(_drops_second_part))
