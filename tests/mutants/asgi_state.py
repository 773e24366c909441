"""The mutants of the lifespan state (conformance/requirements/asgi_state.toml): the dict the app
fills at startup, and the copy of it every scope carries.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware,
whichever scope's state it changes (the websocket scope's are built from ws_middleware.py).
"""

from __future__ import annotations

import copy
from typing import Any

from tests.mutants.asgi_middleware import Message, Receive, Scope, Send, probe, receive_mutant, scope_mutant
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import scope_change

ws_state_not_copied = breaks("ASGI-STATE-003")(scope_change(lambda scope: scope.update(state={})))
ws_state_missing = breaks("ASGI-STATE-007")(scope_change(lambda scope: scope.pop("state", None)))


@breaks("ASGI-STATE-001")
async def state_prefilled(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan" and isinstance(scope.get("state"), dict):
        scope["state"]["server.own-key"] = "put there by the server"  # in place: the server's own state dict
    await probe(scope, receive, send)


state_not_passed_on = breaks("ASGI-STATE-002")(scope_mutant(lambda scope: scope.update(state={})))
state_deep_copied = breaks("ASGI-STATE-005")(
    scope_mutant(lambda scope: scope.update(state=copy.deepcopy(scope.get("state")))))

_lifespan_state: dict[str, Any] = {}


@breaks("ASGI-STATE-004")
async def state_shared_not_copied(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that hands every request the lifespan's own state dict instead of a copy."""
    if scope["type"] == "lifespan" and isinstance(scope.get("state"), dict):
        _lifespan_state["state"] = scope["state"]
    elif scope["type"] == "http" and "state" in _lifespan_state:
        scope = {**scope, "state": _lifespan_state["state"]}
    await probe(scope, receive, send)


def _clears_state_at_shutdown(scope: Scope, receive: Receive) -> Receive:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "lifespan.shutdown" and isinstance(scope.get("state"), dict):
            scope["state"].clear()
        return message

    return wrapped


state_cleared_before_shutdown = breaks("ASGI-STATE-006")(
    receive_mutant(_clears_state_at_shutdown, scope_type="lifespan"))

_snapshot: dict[str, Any] = {}


@breaks("ASGI-STATE-008", observes="not visible in later requests")
async def state_copied_once_at_startup(scope: Scope, receive: Receive, send: Send) -> None:
    """Hands every request a copy of the state as it was when startup completed."""
    if scope["type"] == "lifespan":
        state = scope.get("state")

        async def snapshotting(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete" and isinstance(state, dict):
                _snapshot["state"] = dict(state)
            await send(message)

        await probe(scope, receive, snapshotting)
        return
    if scope["type"] == "http" and "state" in _snapshot:
        scope = {**scope, "state": dict(_snapshot["state"])}
    await probe(scope, receive, send)
