"""Mutants of the extensions: each breaks a requirement of conformance/requirements/asgi_extensions.toml
(the extensions dict, debug, pathsend, early hints, trailers, server push), and is declared beside
its middleware.

Belongs here: the mutants of that catalogue file, on uvicorn (with pathsend added in front, and
the early-hint emulation) or on hypercorn (which offers early hints, trailers and push over
HTTP/2). Does not belong here: the tls extension (asgi_extensions_tls.py) and zero-copy send
(asgi_extensions_zerocopy.py), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from tests.configurations import GUNICORN_ASGI_H2, HYPERCORN, UVICORN_HTTPTOOLS
from tests.emulations import early_hints
from tests.mutants.asgi_middleware import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    Wrap,
    forgets_head,
    http_mutant,
    probe,
    scope_mutant,
    sends,
    with_extensions,
)
from tests.mutants.declare import breaks

extension_not_a_dict = breaks("ASGI-GEN-024")(scope_mutant(with_extensions(**{"x.probe": True})))
debug_extension_offered = breaks("ASGI-EXT-DEBUG-001")(scope_mutant(with_extensions(**{"http.response.debug": {}})))

# --- pathsend: uvicorn with the extension added in front, and a fault in it ----------------------


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

# --- early hints: hypercorn's, and the emulation over HTTP/1.1 (tests/emulations/early_hints.py) --

early_hint_not_advertised = breaks("ASGI-EXT-EARLYHINT-001", observes="early_hint not advertised", server=HYPERCORN)(
    scope_mutant(lambda scope: (scope.get("extensions") or {}).pop("http.response.early_hint", None)))
_hints_dropped = sends(lambda m: None if m["type"] == "http.response.early_hint" else m)
early_hints_ignored = breaks("ASGI-EXT-EARLYHINT-002", server=HYPERCORN)(
    http_mutant(_hints_dropped, path="/early-hint"))
early_hints_dropped = breaks(
    "ASGI-EXT-EARLYHINT-005", server=HYPERCORN,
    observes="two early hints before the response start: send() accepted it; 103 responses with Link none")(
    http_mutant(_hints_dropped, path="/early-hint"))


def _body_lost(message: Message) -> Message:
    return {**message, "body": b""} if message["type"] == "http.response.body" else message


early_hint_spoils_the_response = breaks("ASGI-EXT-EARLYHINT-004")(early_hints.emulation(after_a_hint=_body_lost))

# --- trailers, on hypercorn (or gunicorn's asgi worker with h2) ----------------------------------

trailers_not_advertised = breaks("ASGI-EXT-TRAILERS-001", observes="trailers not advertised", server=HYPERCORN)(
    scope_mutant(lambda scope: (scope.get("extensions") or {}).pop("http.response.trailers", None)))


def _trailers(mode: str) -> Wrap:
    """'dropped': no trailers at all; 'early': the response ends with its body, the trailers come
    too late; 'first-only': only the message with more_trailers true goes out."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
        async def changed(message: Message) -> None:
            if message["type"] == "http.response.start" and mode in ("dropped", "early"):
                message = {**message, "trailers": False}
            if message["type"] == "http.response.trailers":
                if mode == "dropped" or (mode == "first-only" and not message.get("more_trailers")):
                    if mode == "first-only":
                        await send({**message, "headers": [], "more_trailers": False})
                    return
                if mode == "first-only":
                    message = {**message, "more_trailers": False}
            with contextlib.suppress(Exception):  # hypercorn raises for the late trailers
                await send(message)

        return receive, changed

    return wrap


def _te_trailers_assumed(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    # hypercorn reads TE from the scope it handed the app: in place, it now thinks the client asked.
    scope["headers"].append((b"te", b"trailers"))
    return receive, send


response_ends_before_trailers = breaks("ASGI-EXT-TRAILERS-002", server=HYPERCORN)(
    http_mutant(_trailers("early"), path="/trailers"))
trailers_dropped = breaks("ASGI-EXT-TRAILERS-003", server=HYPERCORN)(
    http_mutant(_trailers("dropped"), path="/trailers"))
later_trailers_dropped = breaks("ASGI-EXT-TRAILERS-004", server=GUNICORN_ASGI_H2)(
    http_mutant(_trailers("first-only"), path="/trailers"))
trailers_sent_without_te = breaks("ASGI-EXT-TRAILERS-006", server=HYPERCORN)(
    http_mutant(_te_trailers_assumed, path="/trailers"))

# --- server push, on hypercorn ------------------------------------------------------------------

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
