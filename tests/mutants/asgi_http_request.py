"""Mutants of the request body events: each breaks a requirement of
conformance/requirements/asgi_http_request.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file (what receive() hands the app of the body, over
HTTP/1.1 on uvicorn and over HTTP/2 on hypercorn). Does not belong here: receive() at and after a
disconnect (asgi_http_disconnect.py), the response sent in parts (asgi_http_response.py), or a
building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.configurations import HYPERCORN
from tests.mutants.asgi_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    first_event_changed,
    http_mutant,
    receive_mutant,
    request_after_response,
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

# --- over HTTP/2 (hypercorn): a body in several DATA frames -------------------------------------


def _second_part_lost(scope: Scope, receive: Receive) -> Receive:
    parts = 0

    async def wrapped() -> Message:
        nonlocal parts
        message = await receive()
        if message["type"] == "http.request" and message.get("body"):
            parts += 1
            if parts == 2:
                message = {**message, "body": b""}
        return message

    return wrapped


body_part_lost_over_http2 = breaks("ASGI-HTTP-REQ-011", server=HYPERCORN)(receive_mutant(_second_part_lost))
