"""An emulation of send() raising once the client has gone (ASGI spec 2.4), with the server
catching the error when the app re-raises it (ASGI-GEN-023): no installed server raises there.
"""

from __future__ import annotations

from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from tests.mutants.asgi_middleware import App, Message, Receive, Scope, Send


class ClientGone(OSError):
    """What the emulated send() raises once the client has gone."""


def raising_once_gone(receive: Receive, send: Send, error: Callable[[], Exception]) -> tuple[Receive, Send]:
    """A receive() that notes http.disconnect, and a send() that raises ``error()`` from then on."""
    gone = False

    async def watching() -> Message:
        nonlocal gone
        message = await receive()
        gone = gone or message["type"] == "http.disconnect"
        return message

    async def raising(message: Message) -> None:
        if gone:
            raise error()
        await send(message)

    return watching, raising


def emulation(*, catches: bool = True) -> App:
    """The probe, whose send() raises ClientGone once receive() has said http.disconnect (as a 2.4
    server's may); the error re-raised out of the app is caught and dropped, as the spec asks, or
    with ``catches`` false left to reach uvicorn."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        watching, raising = raising_once_gone(receive, send, lambda: ClientGone("the client has gone"))
        try:
            await probe(scope, watching, raising)
        except ClientGone:
            if not catches:
                raise

    return app


app = emulation()
