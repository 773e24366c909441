"""Mutants of the HTTP response: each breaks a requirement of
conformance/requirements/asgi_http_response.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file (the start and body events, their framing and
order, what a server does when the app returns without a response), over HTTP/1.1 on uvicorn (its
httptools protocol where it frames a response as the headers and scope say) and over HTTP/2 on
hypercorn. Does not belong here: send() of invalid events and the app raising (the core rules,
asgi_core.py), a response extension (the module of its catalogue file: asgi_trailers.py,
asgi_pathsend.py, ...), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.configurations import HYPERCORN, HYPERCORN_TLS, UVICORN_HTTPTOOLS
from tests.mutants.asgi_middleware import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    forgets_head,
    http_mutant,
    no_answer_without_a_response,
    probe,
    send_mutant,
    sends,
    start_changed,
)
from tests.mutants.declare import breaks


def _join_set_cookies(message: Message) -> Message:
    cookies = [v for n, v in message.get("headers", []) if n == b"set-cookie"]
    others = [(n, v) for n, v in message.get("headers", []) if n != b"set-cookie"]
    return {**message, "headers": others + ([(b"set-cookie", b", ".join(cookies))] if cookies else [])}


def _headers_key_required(message: Message) -> Message:
    return message if "headers" in message else {**message, "status": 500, "headers": []}


def _bare_body_filled(message: Message) -> Message:
    if message["type"] == "http.response.body" and "body" not in message:
        return {**message, "body": b"None"}
    return message


def _no_body_status_chunked(message: Message) -> Message:
    if message["type"] == "http.response.start" and message["status"] in (204, 304):
        return {**message, "headers": [*message.get("headers", []), (b"transfer-encoding", b"chunked")]}
    return message


def _holds_back_parts(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    held: list[bytes] = []

    async def holding(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("more_body"):
            held.append(message.get("body", b""))
            return
        if message["type"] == "http.response.body":
            message = {**message, "body": b"".join(held) + message.get("body", b"")}
        await send(message)

    return receive, holding


def deferred_completion(path: str) -> App:
    """A server that completes the response only when the app returns (so whatever the app sends
    meanwhile is still written), for requests under ``path``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(path):
            await probe(scope, receive, send)
            return
        pending = False

        async def deferring(message: Message) -> None:
            nonlocal pending
            if message["type"] == "http.response.start":  # framed by the server, so more bytes fit
                message = {**message, "headers": [(n, v) for n, v in message.get("headers", [])
                                                  if n.lower() != b"content-length"]}
            if message["type"] == "http.response.body":
                pending = True
                message = {**message, "more_body": True}
            await send(message)

        await probe(scope, receive, deferring)
        if pending:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


_status_plus_one = sends(start_changed(lambda m: {**m, "status": m["status"] + 1}))
_headers_reversed = sends(start_changed(lambda m: {**m, "headers": list(reversed(m.get("headers", [])))}))
_set_cookies_joined = sends(start_changed(_join_set_cookies))

status_off_by_one = breaks("ASGI-HTTP-RESP-001", only=("test_the_status_line_carries_the_apps_status",))(
    http_mutant(_status_plus_one, path="/respond"))
response_headers_reversed = breaks("ASGI-HTTP-RESP-002", only=("test_response_headers_keep_the_apps_order",))(
    http_mutant(_headers_reversed, path="/respond"))
missing_headers_key_is_an_error = breaks("ASGI-HTTP-RESP-003")(
    http_mutant(sends(start_changed(_headers_key_required)), path="/respond"))
set_cookies_joined = breaks("ASGI-HTTP-RESP-004", only=("test_set_cookie_headers_stay_separate_lines",))(
    http_mutant(_set_cookies_joined, path="/respond"))
body_parts_held_back = breaks(
    "ASGI-HTTP-RESP-011", only=("test_each_part_of_a_stream_arrives_before_the_next_is_sent",))(
    http_mutant(_holds_back_parts, path="/stream"))
completion_waits_for_the_app = breaks(
    "ASGI-HTTP-RESP-014", only=("test_the_final_body_event_completes_the_response_at_once",))(
    deferred_completion("/linger"))
bare_body_event_gets_a_body = breaks(
    "ASGI-HTTP-RESP-015", only=("test_a_bare_body_event_completes_an_empty_response",))(
    http_mutant(sends(_bare_body_filled), path="/respond"))
completion_deferred = breaks("ASGI-HTTP-RESP-016")(deferred_completion("/send-after-complete"))
# Served by uvicorn's httptools protocol, which frames a response as the scope and headers it was
# handed say: told the request is a GET, it writes the body of a HEAD; told of a transfer-encoding,
# it writes chunked framing after a 204 or 304.
head_body_sent = breaks("ASGI-HTTP-RESP-021", only=("test_a_head_response_carries_no_body",),
                        server=UVICORN_HTTPTOOLS)(http_mutant(forgets_head, path="/respond"))
no_body_status_chunked = breaks("ASGI-HTTP-RESP-022", server=UVICORN_HTTPTOOLS)(
    http_mutant(sends(_no_body_status_chunked), path="/respond"))


def _thinks_it_is_head(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    # Told in place that the request is a HEAD, uvicorn's httptools protocol writes a response with
    # neither Content-Length nor chunked framing, and keeps the connection.
    scope["method"] = "HEAD"
    return receive, send


unframed_response_kept_alive = breaks("ASGI-HTTP-RESP-006", server=UVICORN_HTTPTOOLS)(
    http_mutant(_thinks_it_is_head, path="/stream"))

# --- the same faults over HTTP/2 (hypercorn, which also reads the method from the scope it handed
# the app), over h2c and over TLS

status_off_by_one_over_http2 = breaks("ASGI-HTTP-RESP-001", only=("test_the_status_is_the_apps_over_http2",),
                                      server=HYPERCORN, variants=HYPERCORN_TLS)(
    http_mutant(_status_plus_one, path="/respond"))
response_headers_reversed_over_http2 = breaks(
    "ASGI-HTTP-RESP-002", only=("test_response_fields_keep_the_apps_order_over_http2",), server=HYPERCORN,
    variants=HYPERCORN_TLS)(http_mutant(_headers_reversed, path="/respond"))
set_cookies_joined_over_http2 = breaks("ASGI-HTTP-RESP-004", only=("test_set_cookie_fields_stay_separate_over_http2",),
                                       server=HYPERCORN)(http_mutant(_set_cookies_joined, path="/respond"))
body_parts_held_back_over_http2 = breaks(
    "ASGI-HTTP-RESP-011", only=("test_each_part_of_a_stream_arrives_before_the_next_over_http2",), server=HYPERCORN,
    variants=HYPERCORN_TLS)(http_mutant(_holds_back_parts, path="/stream"))
completion_waits_for_the_app_over_http2 = breaks(
    "ASGI-HTTP-RESP-014", only=("test_the_final_body_event_ends_the_stream_at_once_over_http2",), server=HYPERCORN,
    variants=HYPERCORN_TLS)(deferred_completion("/linger"))
bare_body_event_gets_a_body_over_http2 = breaks(
    "ASGI-HTTP-RESP-015", only=("test_a_bare_body_event_completes_an_empty_response_over_http2",), server=HYPERCORN,
    variants=HYPERCORN_TLS)(http_mutant(sends(_bare_body_filled), path="/respond"))
head_body_sent_over_http2 = breaks("ASGI-HTTP-RESP-021", only=("test_a_head_response_carries_no_body_over_http2",),
                                   server=HYPERCORN, variants=HYPERCORN_TLS)(http_mutant(forgets_head, path="/respond"))

# --- an app that returns without a response ----------------------------------------------------

silent_app_left_hanging = breaks("ASGI-HTTP-RESP-023")(no_answer_without_a_response())

# --- framing --------------------------------------------------------------------------------------


def _chunk_encoded(body: bytes, last: bool) -> bytes:
    return (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + (b"0\r\n\r\n" if last else b"")


def _double_chunked(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Obeys the app's transfer-encoding: chunked by chunking the body, and then frames it again."""
    obey = False

    async def obeying(message: Message) -> None:
        nonlocal obey
        if message["type"] == "http.response.start":
            obey = any(n.lower() == b"transfer-encoding" for n, _ in message.get("headers", []))
        elif message["type"] == "http.response.body" and obey:
            more = message.get("more_body", False)
            message = {**message, "body": _chunk_encoded(message.get("body", b""), not more)}
        await send(message)

    return receive, obeying


def _chunked_for_http_1_0(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Chunks a response to an HTTP/1.0 client (which cannot decode it)."""
    if scope["http_version"] != "1.0":
        return receive, send

    async def chunking(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": _chunk_encoded(message.get("body", b""), not message.get("more_body"))}
        await send(message)

    return receive, chunking


def _drop_header(name: bytes) -> Callable[[Message], Message]:
    return start_changed(lambda m: {**m, "headers": [(n, v) for n, v in m.get("headers", []) if n.lower() != name]})


def _empty_part_ends(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    ended = False

    async def ending(message: Message) -> None:
        nonlocal ended
        if ended:
            return
        if message["type"] == "http.response.body" and message.get("more_body") and not message.get("body"):
            message, ended = {**message, "more_body": False}, True
        await send(message)

    return receive, ending


def _drops_second_part(send: Send) -> Send:
    parts = 0

    async def wrapped(message: Message) -> None:
        nonlocal parts
        if message["type"] == "http.response.body":
            parts += 1
            if parts == 2 and message.get("more_body"):
                return
        await send(message)

    return wrapped


app_transfer_encoding_double_chunked = breaks("ASGI-HTTP-RESP-005")(http_mutant(_double_chunked, path="/respond"))
http_1_0_stream_chunked = breaks("ASGI-HTTP-RESP-007")(http_mutant(_chunked_for_http_1_0, path="/stream"))
content_encoding_dropped = breaks("ASGI-HTTP-RESP-008")(
    http_mutant(sends(_drop_header(b"content-encoding")), path="/respond"))
content_length_replaced_by_chunking = breaks("ASGI-HTTP-RESP-009")(
    http_mutant(sends(_drop_header(b"content-length")), path="/stream"))
response_part_dropped = breaks("ASGI-HTTP-RESP-012")(send_mutant(_drops_second_part))
empty_part_ends_response = breaks("ASGI-HTTP-RESP-013")(http_mutant(_empty_part_ends, path="/stream"))

# --- events out of order: send() lets them through ---------------------------------------------


def _out_of_order_ignored(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    started = False

    async def ignoring(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.body" and not started:
            return
        if message["type"] == "http.response.start":
            if started:
                return
            started = True
        await send(message)

    return receive, ignoring


out_of_order_events_ignored = breaks("ASGI-HTTP-RESP-019")(http_mutant(_out_of_order_ignored, path="/bad-send"))

# --- when the headers go out; trailers false; the start alone -----------------------------------


def _headers_held(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    held: list[Message] = []

    async def holding(message: Message) -> None:
        if message["type"] == "http.response.start":
            held.append(message)
            return
        while held:
            await send(held.pop())
        await send(message)

    return receive, holding


def _trailers_awaited(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Waits for trailers whenever the start has a trailers key, whatever its value."""
    waiting = False

    async def awaiting(message: Message) -> None:
        nonlocal waiting
        if message["type"] == "http.response.start":
            waiting = "trailers" in message
        elif message["type"] == "http.response.body" and waiting:
            message = {**message, "more_body": True}
        await send(message)

    return receive, awaiting


def _start_ends_response(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    ended = False

    async def ending(message: Message) -> None:
        nonlocal ended
        if ended:
            return
        await send(message)
        if message["type"] == "http.response.start":
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            ended = True

    return receive, ending


headers_held_until_body = breaks("ASGI-HTTP-RESP-010", observes="held until the first body event")(
    http_mutant(_headers_held, path="/stream"))
trailers_false_awaits_trailers = breaks("ASGI-HTTP-RESP-018")(http_mutant(_trailers_awaited, path="/respond"))
start_ends_response = breaks("ASGI-HTTP-RESP-020")(http_mutant(_start_ends_response, path="/stream"))
