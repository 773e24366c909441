"""The building blocks of the WebSocket mutants: middleware between the server and the probe's
WebSocket scenarios (probe_apps/asgi_websocket.py) that changes what the probe is handed, or what
reaches the server from it, exactly as a faulty server would.

Belongs here: what the mutants of more than one WebSocket area module use. Does not belong here:
a mutant (the area modules, named after the catalogue file of the requirement each breaks:
asgi_websocket_scope.py, ..., asgi_state.py), or a fault of the server itself (ws_shims.py).
Every scope that is not a websocket one (or not under the mutant's path) goes to the probe
untouched. Like the probe apps, this runs inside the server.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from probe_apps.asgi_probe import app as probe
from probe_apps.asgi_websocket import app as websocket_probe

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Wrap = Callable[[Scope, Receive, Send], tuple[Scope, Receive, Send]]


def ws_mutant(wrap: Wrap, path: str = "") -> App:
    """The probe, with ``wrap`` between it and the server for websocket scopes (whose path
    starts with ``path``, if given)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not scope.get("path", "").startswith(path):
            await probe(scope, receive, send)
            return
        await websocket_probe(*wrap(scope, receive, send))

    return app


def scope_change(change: Callable[[Scope], Any]) -> App:
    """The probe, handed a copy of the websocket scope that ``change`` altered."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        scope = copy.deepcopy(scope)
        change(scope)
        return scope, receive, send

    return ws_mutant(wrap)


def sends(change: Callable[[Scope, Message], Message | None], path: str = "") -> App:
    """Each message the probe sends, changed by ``change`` (None: not sent at all)."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        async def changed(message: Message) -> None:
            message = change(scope, dict(message))
            if message is not None:
                await send(message)

        return scope, receive, changed

    return ws_mutant(wrap, path)


def receives(change: Callable[[Message], list[Message]], path: str = "") -> App:
    """Each event the server hands the probe, replaced by the events ``change`` makes of it."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        pending: list[Message] = []

        async def changed() -> Message:
            while not pending:
                pending.extend(change(await receive()))
            return pending.pop(0)

        return scope, changed, send

    return ws_mutant(wrap, path)


def silent_after(last_sent: Callable[[Message], bool]) -> Wrap:
    """Once the app has sent a message for which ``last_sent`` is true, receive() never returns
    (the server forgets to tell the app the connection is gone)."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        done = False

        async def watching(message: Message) -> None:
            nonlocal done
            await send(message)
            done = done or last_sent(message)

        async def forgetful() -> Message:
            message = await receive()
            while done and message["type"] == "websocket.disconnect":
                message = await receive()  # another will never come: the app waits in vain
            return message

        return scope, forgetful, watching

    return wrap


def send_quiet_after(last_seen: Callable[[Message], bool]) -> Wrap:
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
