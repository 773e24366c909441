"""Mutants of server push: each breaks a requirement of conformance/requirements/asgi_push.toml
(http.response.push, over HTTP/2), and is declared beside its middleware.

Belongs here: the mutants of that catalogue file, on hypercorn (which offers push over HTTP/2).
Does not belong here: another extension (the module of its own catalogue file), or a building
block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.configurations import HYPERCORN
from tests.mutants.asgi_middleware import Message, Receive, Scope, Send, http_mutant, probe, scope_mutant, sends
from tests.mutants.declare import breaks

push_not_advertised = breaks("ASGI-EXT-PUSH-001", observes="push not advertised", server=HYPERCORN)(
    scope_mutant(lambda scope: (scope.get("extensions") or {}).pop("http.response.push", None)))


def _push(mode: str) -> Callable[[Message], Message | None]:
    def change(message: Message) -> Message | None:
        if message["type"] != "http.response.push":
            return message
        if mode == "refused":
            raise RuntimeError("mutant: push refused")
        return None  # dropped

    return change


push_refused = breaks("ASGI-EXT-PUSH-002", server=HYPERCORN)(http_mutant(sends(_push("refused")), path="/push"))
push_dropped = breaks("ASGI-EXT-PUSH-003", server=HYPERCORN)(http_mutant(sends(_push("dropped")), path="/push"))


@breaks("ASGI-EXT-PUSH-004", server=HYPERCORN)
async def pushed_request_not_served(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers the pushed /record itself, without calling the app."""
    if scope["type"] == "http" and scope.get("path") == "/record":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await probe(scope, receive, send)


def _authority_changed(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    # hypercorn takes the promise's :authority from the host header of the scope it handed the app
    scope["headers"][:] = [(n, b"elsewhere.example" if n == b"host" else v) for n, v in scope["headers"]]
    return receive, send


def _push_repaired(message: Message) -> Message:
    """A server that makes what it can of a malformed push instead of raising."""
    if message["type"] != "http.response.push":
        return message
    path = message["path"]
    return {**message, "path": path.decode() if isinstance(path, bytes) else path,
            "headers": [(n, v) for n, v in message.get("headers", []) if not n.startswith(b":")]}


def _push_spoils_the_response(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """A server whose push, once tried, spoils the rest of the response (as one that fails the
    stream when the client has disabled push)."""
    pushed = False

    async def spoiling(message: Message) -> None:
        nonlocal pushed
        if message["type"] == "http.response.push":
            pushed = True
        elif pushed and message["type"] == "http.response.body":
            message = {**message, "body": b"spoiled by the push"}
        await send(message)

    return receive, spoiling


push_authority_changed = breaks("ASGI-EXT-PUSH-005", server=HYPERCORN)(http_mutant(_authority_changed, path="/push"))
malformed_push_repaired = breaks("ASGI-EXT-PUSH-006", server=HYPERCORN)(
    http_mutant(sends(_push_repaired), path="/push"))
push_spoils_the_response = breaks("ASGI-EXT-PUSH-007", server=HYPERCORN)(
    http_mutant(_push_spoils_the_response, path="/push"))
