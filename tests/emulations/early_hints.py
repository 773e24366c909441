"""An emulation of http.response.early_hint over HTTP/1.1 (extensions.rst): advertised in the scope,
and each hint ignored, as the spec allows ("if the HTTP/1.1 protocol is used and the server has
security concerns"); the final response goes out whole. uvicorn does not offer the extension.
"""

from __future__ import annotations

from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from tests.mutants.asgi_middleware import App, Message, Receive, Scope, Send


def _as_sent(message: Message) -> Message:
    return message


def emulation(*, after_a_hint: Callable[[Message], Message] = _as_sent) -> App:
    """The probe, with http.response.early_hint advertised and ignored; each message the app
    sends after a hint goes out as ``after_a_hint`` makes it (as sent, by default)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "http.response.early_hint": {}}}
        hinted = False

        async def sending(message: Message) -> None:
            nonlocal hinted
            if message["type"] == "http.response.early_hint":
                hinted = True
                return
            await send(after_a_hint(message) if hinted else message)

        await probe(scope, receive, sending)

    return app


app = emulation()
