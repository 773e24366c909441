"""ASGI probe scenarios of the http.response.zerocopysend extension (extensions.rst).

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /zerocopy        ?case=NAME: one of ZEROCOPY_CASES (http.response.zerocopysend of a file of
                   known bytes, zerocopy_content); 501 where the scope does not advertise it
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token
    from probe_apps.recording import record
    from probe_apps.running import sleep
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]
    from running import sleep  # type: ignore[no-redef]


def zerocopy_content(size: int) -> bytes:
    """The bytes of the file /zerocopy sends (the check computes the same)."""
    block = hashlib.sha256(b"conformance zerocopysend").digest()
    return (block * (size // len(block) + 1))[:size]


ZEROCOPY_SIZE = 1000
# What /zerocopy?case=NAME sends after its start: ("body", bytes, more_body), ("seek", position) or
# ("zerocopy", offset, count, more_body), None meaning the key is left out.
ZEROCOPY_CASES: dict[str, list[tuple[Any, ...]]] = {
    "mixed": [("body", b"HEAD-", True), ("zerocopy", 0, 5, True), ("zerocopy", 5, 5, True), ("body", b"-TAIL", False)],
    "offset": [("zerocopy", 10, 20, False)],
    "position": [("seek", 7), ("zerocopy", None, None, False)],
    "count": [("zerocopy", 0, 3, False)],
    "to-end": [("zerocopy", 100, None, False)],
    "default-end": [("zerocopy", 0, 10, None), ("linger", 2.0)],
    "paced": [("zerocopy", 0, 16, True), ("pause", 0.5), ("zerocopy", 16, 16, False)],
}


@scenario("/zerocopy")
async def zerocopy(scope: Scope, receive: Receive, send: Send) -> None:
    """Sends a file with http.response.zerocopysend where the scope advertises it; 501 otherwise.
    Reports (recorder) whether the file was still open after each send."""
    await read_body(receive)
    if "http.response.zerocopysend" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.zerocopysend is not advertised", status=501)
        return
    path = os.path.join(tempfile.gettempdir(), f"conformance-zerocopy-{ZEROCOPY_SIZE}.bin")
    if not os.path.exists(path):
        with open(path + f".{os.getpid()}", "wb") as file:
            file.write(zerocopy_content(ZEROCOPY_SIZE))
        os.replace(path + f".{os.getpid()}", path)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/x-probe")]})
    open_after: list[bool] = []
    with open(path, "rb") as file:
        for step in ZEROCOPY_CASES[params(scope).get("case", "mixed")]:
            if step[0] == "body":
                await send({"type": "http.response.body", "body": step[1], "more_body": step[2]})
            elif step[0] == "seek":
                file.seek(step[1])
            elif step[0] in ("pause", "linger"):
                await sleep(step[1])
            else:
                message: dict[str, Any] = {"type": "http.response.zerocopysend", "file": file}
                for key, value in zip(("offset", "count", "more_body"), step[1:], strict=True):
                    if value is not None:
                        message[key] = value
                await send(message)
                try:
                    os.fstat(file.fileno())
                    open_after.append(not file.closed)
                except (OSError, ValueError):
                    open_after.append(False)
    record(token(scope), "zerocopy.done", open_after=open_after)
