"""An emulation of http.response.zerocopysend (extensions.rst) on uvicorn: advertised in the scope,
and each event sent as the body event it stands for, its bytes read as sendfile would read them.
No installed server offers the extension.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from tests.mutants.asgi_middleware import App, Message, Receive, Scope, Send


def read(message: Message) -> bytes:
    """The bytes a zerocopysend event stands for: from ``offset`` (the file position left as it
    is), else from the file position (then moved on past them); ``count`` bytes, else all up to
    the end of the file."""
    fd = message["file"].fileno()
    offset, count = message.get("offset"), message.get("count")
    start = os.lseek(fd, 0, os.SEEK_CUR) if offset is None else offset
    data = os.pread(fd, os.fstat(fd).st_size - start if count is None else count, start)
    if offset is None:
        os.lseek(fd, start + len(data), os.SEEK_SET)
    return data


def as_body(message: Message) -> Message:
    """The body event a zerocopysend event stands for (more_body false unless it says so)."""
    return {"type": "http.response.body", "body": read(message), "more_body": message.get("more_body", False)}


def emulation(served: App = probe, *, sent_as: Callable[[Message], Message] = as_body) -> App:
    """``served`` (the probe), with http.response.zerocopysend advertised and each such event sent
    as the body event ``sent_as`` makes of it (``as_body``, by default); body events in between go
    out as they are."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await served(scope, receive, send)
            return
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "http.response.zerocopysend": {}}}

        async def sending(message: Message) -> None:
            await send(sent_as(message) if message["type"] == "http.response.zerocopysend" else message)

        await served(scope, receive, sending)

    return app


app = emulation()
