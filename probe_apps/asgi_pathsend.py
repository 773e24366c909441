"""ASGI probe scenarios of the http.response.pathsend extension (extensions.rst).

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /pathsend        ?size=N: a file of N known bytes (pathsend_content) sent with
                   http.response.pathsend, content-type application/x-probe; 501 where the scope
                   does not advertise the extension; &mix=body sends a body part first, &mix=twice
                   the pathsend twice, and reports whether the second send() raised
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token
    from probe_apps.recording import record
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]


def pathsend_content(size: int) -> bytes:
    """The bytes of the file /pathsend sends (the check computes the same)."""
    block = hashlib.sha256(b"conformance pathsend").digest()
    return (block * (size // len(block) + 1))[:size]


@scenario("/pathsend")
async def pathsend(scope: Scope, receive: Receive, send: Send) -> None:
    """Sends a file with http.response.pathsend where the scope advertises it; 501 otherwise."""
    await read_body(receive)
    if "http.response.pathsend" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.pathsend is not advertised", status=501)
        return
    size = int(params(scope).get("size", "100000"))
    path = os.path.join(tempfile.gettempdir(), f"conformance-pathsend-{size}.bin")
    if not os.path.exists(path):
        with open(path + f".{os.getpid()}", "wb") as file:
            file.write(pathsend_content(size))
        os.replace(path + f".{os.getpid()}", path)
    headers = [(b"content-type", b"application/x-probe"), (b"content-length", str(size).encode())]
    mix = params(scope).get("mix")
    if mix == "body":
        headers = headers[:1]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if not mix:
        await send({"type": "http.response.pathsend", "path": path})
        return
    raised = None
    try:  # the invalid event: a pathsend after a body event, or a second pathsend
        if mix == "body":
            await send({"type": "http.response.body", "body": b"before the file ", "more_body": True})
        else:
            await send({"type": "http.response.pathsend", "path": path})
        await send({"type": "http.response.pathsend", "path": path})
    except Exception as error:  # reported, judged by the check
        raised = type(error).__name__
    record(token(scope), "pathsend.mix", raised=raised)
    if raised and mix == "body":
        with contextlib.suppress(Exception):  # ends the response the failed pathsend left open
            await send({"type": "http.response.body", "body": b"", "more_body": False})
