"""Mutants of path send: each breaks a requirement of conformance/requirements/asgi_pathsend.toml
(http.response.pathsend), and is declared beside its fault.

Belongs here: the mutants of that catalogue file: uvicorn (which offers no pathsend) with the
extension added in front of the probe, as it is or with one fault in it. Does not belong here:
another extension (the module of its own catalogue file), or a building block other areas use too
(asgi_middleware.py).
"""

from __future__ import annotations

from tests.configurations import UVICORN_HTTPTOOLS
from tests.mutants.asgi_middleware import App, Message, Receive, Scope, Send, forgets_head, probe
from tests.mutants.declare import breaks


def pathsend_shim(fault: str = "") -> App:
    """uvicorn with http.response.pathsend added in front (the file read and sent as a body), and
    optionally one fault: 'truncated', 'left-open', 'content-type', 'head-body' or 'mixed' (every
    pathsend accepted as one more body part, after a body part or another pathsend)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        if fault == "head-body":
            forgets_head(scope, receive, send)  # the file goes out as the body even for HEAD
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "http.response.pathsend": {}}}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and fault == "content-type":
                message = {**message, "headers": [(n, b"application/octet-stream" if n == b"content-type" else v)
                                                  for n, v in message.get("headers", [])]}
            if message["type"] == "http.response.start" and fault in ("left-open", "mixed"):
                message = {**message, "headers": [(n, v) for n, v in message.get("headers", [])  # chunked
                                                  if n != b"content-length"]}
            if message["type"] == "http.response.pathsend":
                with open(message["path"], "rb") as file:
                    data = file.read()
                message = {"type": "http.response.body", "body": data[:-1] if fault == "truncated" else data,
                           "more_body": fault in ("left-open", "mixed")}
            await send(message)

        await probe(scope, receive, sending)
        if fault == "mixed" and scope.get("path") == "/pathsend":
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


pathsend_offered = breaks("ASGI-EXT-PATHSEND-001", observes="http.response.pathsend advertised")(pathsend_shim())
pathsend_file_truncated = breaks("ASGI-EXT-PATHSEND-002")(pathsend_shim("truncated"))
pathsend_leaves_response_open = breaks("ASGI-EXT-PATHSEND-003")(pathsend_shim("left-open"))
pathsend_content_type_replaced = breaks("ASGI-EXT-PATHSEND-004")(pathsend_shim("content-type"))
pathsend_mixed_with_body = breaks("ASGI-EXT-PATHSEND-005")(pathsend_shim("mixed"))
pathsend_sent_for_head = breaks("ASGI-EXT-PATHSEND-006", server=UVICORN_HTTPTOOLS)(pathsend_shim("head-body"))
