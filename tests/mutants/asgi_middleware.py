"""The building blocks of the ASGI mutants: the probe app, handed something changed or with what it
sends changed, exactly as a faulty server would change it.

Belongs here: the wrappers the area modules (asgi_core.py, asgi_http_scope.py, ...) build their
mutants from, and the few faults that mutants of several areas share. Does not belong here: a
mutant (each is declared in the module of the area whose requirement it breaks). Like the probe
apps, this runs inside the server. With CONFORMANCE_ASGI_STYLE=legacy, ``probe`` is the probe's
legacy form (LegacyApp).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from typing import Any

from probe_apps.asgi_probe import app as probe

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Wrap = Callable[[Scope, Receive, Send], tuple[Receive, Send]]


def unchanged() -> App:
    """The probe as it is (a function of its own), for a mutant whose server is itself the fault."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await probe(scope, receive, send)

    return app


def scope_mutant(change: Callable[[Scope], Any], scope_type: str = "http") -> App:
    """The probe, called with a copy of the scope that ``change`` altered (for one scope type)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == scope_type:
            scope = copy.deepcopy(scope)
            change(scope)
        await probe(scope, receive, send)

    return app


def receive_mutant(wrap: Callable[[Scope, Receive], Receive], scope_type: str = "http") -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await probe(scope, wrap(scope, receive) if scope["type"] == scope_type else receive, send)

    return app


def send_mutant(wrap: Callable[[Send], Send]) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await probe(scope, receive, wrap(send) if scope["type"] == "http" else send)

    return app


def http_mutant(wrap: Wrap, path: str = "") -> App:
    """The probe, with receive and send replaced by ``wrap``'s for http requests under ``path``
    (the launcher's /ready must keep working)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(path):
            receive, send = wrap(scope, receive, send)
        await probe(scope, receive, send)

    return app


def sends(change: Callable[[Message], Message | None]) -> Wrap:
    """A wrap that passes each sent message through ``change`` (None: the message is dropped)."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
        async def changed(message: Message) -> None:
            new = change(message)
            if new is not None:
                await send(new)

        return receive, changed

    return wrap


def start_changed(change: Callable[[Message], Message]) -> Callable[[Message], Message]:
    """A change of the response start only (``change`` gets a copy of it)."""
    return lambda m: change(dict(m)) if m["type"] == "http.response.start" else m


def first_event_changed(change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    """A receive wrap that hands the app the first event as ``change`` made it (from a copy)."""

    def wrap(scope: Scope, receive: Receive) -> Receive:
        first = True

        async def wrapped() -> Message:
            nonlocal first
            message = await receive()
            if first:
                first, message = False, change(dict(message))
            return message

        return wrapped

    return wrap


def over_http2(change: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
    """A scope change made only in the scopes of HTTP/2 requests."""
    return lambda scope: change(scope) if scope.get("http_version") == "2" else None


def if_tls(change: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
    """A scope change made only in the scopes of requests over TLS."""
    return lambda scope: change(scope) if scope.get("scheme") == "https" else None


def with_extensions(**extra: Any) -> Callable[[Scope], None]:
    """A scope change that adds ``extra`` to the scope's extensions."""

    def change(scope: Scope) -> None:
        scope["extensions"] = {**(scope.get("extensions") or {}), **extra}

    return change


def tracking(scope: Scope, send: Send) -> tuple[Send, dict[str, Any]]:
    """A send that notes whether the response started and ended, and the body bytes still owed
    to a Content-Length."""
    state: dict[str, Any] = {"started": False, "done": False, "owed": None}

    async def tracked(message: Message) -> None:
        if message["type"] == "http.response.start":
            state["started"] = True
            for name, value in message.get("headers", []):
                if name.lower() == b"content-length":
                    state["owed"] = int(value)
        elif message["type"] == "http.response.body":
            if state["owed"] is not None:
                state["owed"] -= len(message.get("body", b""))
            state["done"] = not message.get("more_body", False)
        await send(message)

    return tracked, state


def request_after_response(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Once the response is complete, receive() hands the app one more (empty) http.request."""
    tracked, state = tracking(scope, send)

    async def wrapped() -> Message:
        if state["done"]:
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()

    return wrapped, tracked


def no_answer_without_a_response() -> App:
    """A server that, when the app ends (returns or raises) without a response, sends nothing
    and leaves the connection open for longer than a check waits."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        tracked, state = tracking(scope, send)
        try:
            await probe(scope, receive, tracked)
        except Exception:
            if state["started"]:
                raise
        if not state["started"]:
            await asyncio.sleep(6.0)

    return app


def forgets_head(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    # uvicorn's httptools protocol (and hypercorn) decides whether to write the body by reading the
    # scope it handed the app: changing it in place makes it forget the request was a HEAD.
    if scope["method"] == "HEAD":
        scope["method"] = "GET"
    return receive, send


# --- scope changes an HTTP and a websocket scope share -----------------------------------------


def duplicates_joined(separator: bytes) -> Callable[[Scope], None]:
    """A server that joins repeated header lines into one value (its separator: ", " or ",")."""

    def change(scope: Scope) -> None:
        joined: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            joined[name] = joined[name] + separator + value if name in joined else value
        scope["headers"] = list(joined.items())

    return change


def client_port_wrong(scope: Scope) -> None:
    host, port = scope["client"]
    scope["client"] = [host, port + 1]


def server_port_str(scope: Scope) -> None:
    host, port = scope["server"]
    scope["server"] = [host, str(port)]
