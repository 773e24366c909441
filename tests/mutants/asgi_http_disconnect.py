"""Mutants of the disconnect: each breaks a requirement of
conformance/requirements/asgi_http_disconnect.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file (what receive() says once the response is over or
the client has gone, and what send() does then from spec_version 2.4). Does not belong here: the
core rules about receive() and send() waiting, and send() after the client has gone below 2.4
(asgi_core.py), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

import asyncio

from tests.mutants.asgi_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    http_mutant,
    request_after_response,
    scope_mutant,
)
from tests.mutants.declare import breaks

request_event_after_response = breaks("ASGI-HTTP-DISC-001")(http_mutant(request_after_response, path="/after-response"))
unread_body_handed_over = breaks("ASGI-HTTP-DISC-005", observes="unread: http.request")(
    http_mutant(request_after_response, path="/after-response"))


def _hang_up_hidden(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.disconnect":
            return {"type": "http.request", "body": b"", "more_body": False}
        return message

    return wrapped, send


def _disconnect_once(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    delivered = False

    async def wrapped() -> Message:
        nonlocal delivered
        if delivered:
            await asyncio.Event().wait()  # blocks until the app gives up on it
        message = await receive()
        delivered = message["type"] == "http.disconnect"
        return message

    return wrapped, send


def _cut_body_claimed_complete(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    more = False

    async def wrapped() -> Message:
        nonlocal more
        message = await receive()
        if message["type"] == "http.disconnect" and more:
            return {"type": "http.request", "body": b"", "more_body": False}
        more = message["type"] == "http.request" and message.get("more_body", False)
        return message

    return wrapped, send


hang_up_hidden = breaks("ASGI-HTTP-DISC-002")(http_mutant(_hang_up_hidden, path="/wait-disconnect"))
hang_up_hidden_while_streaming = breaks("ASGI-HTTP-DISC-006")(
    http_mutant(_hang_up_hidden, path="/stream-until-disconnect"))
disconnect_delivered_once = breaks("ASGI-HTTP-DISC-003")(
    http_mutant(_disconnect_once))
cut_body_claimed_complete = breaks("ASGI-HTTP-DISC-004")(
    http_mutant(_cut_body_claimed_complete, path="/upload-watch"))
claims_spec_version_2_4 = breaks("ASGI-HTTP-DISC-008")(
    scope_mutant(lambda scope: scope["asgi"].update(spec_version="2.4")))
