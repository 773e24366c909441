"""Mutants of trailers: each breaks a requirement of conformance/requirements/asgi_trailers.toml
(http.response.trailers), and is declared beside its middleware.

Belongs here: the mutants of that catalogue file, on hypercorn (which offers trailers), or on
gunicorn's asgi worker with h2 where hypercorn cannot show the fault. Does not belong here: the
trailers key of the response start as the HTTP response rules read it (asgi_http_response.py),
another extension (the module of its own catalogue file), or a building block other areas use too
(asgi_middleware.py).
"""

from __future__ import annotations

import contextlib

from tests.configurations import GUNICORN_ASGI_H2, HYPERCORN
from tests.mutants.asgi_middleware import Message, Receive, Scope, Send, Wrap, http_mutant, scope_mutant
from tests.mutants.declare import breaks

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
