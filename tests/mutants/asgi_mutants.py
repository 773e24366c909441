"""ASGI mutants: uvicorn serving the probe app behind middleware that breaks one requirement.

Each mutant changes what the app is handed, or what reaches the server from it, exactly as a
faulty server would (see MUTANTS in __init__.py for the requirement each breaks). Like the probe
apps, this runs inside the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import ssl
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

import trustme
from uvicorn.protocols.http.h11_impl import H11Protocol

from probe_apps.asgi_probe import app as probe

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def scope_mutant(change: Callable[[Scope], Any], scope_type: str = "http") -> App:
    """The probe, called with a copy of the scope that ``change`` altered (for one scope type)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == scope_type:
            scope = copy.deepcopy(scope)
            change(scope)
        await probe(scope, receive, send)

    return app


def receive_mutant(wrap: Callable[[Scope, Receive], Receive], scope_type: str = "http") -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await probe(scope, wrap(scope, receive) if scope["type"] == scope_type else receive, send)

    return app


def send_mutant(wrap: Callable[[Send], Send]) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await probe(scope, receive, wrap(send) if scope["type"] == "http" else send)

    return app


def _set(**values: Any) -> Callable[[Scope], None]:
    return lambda scope: scope.update(values)


def _swap_http_version(scope: Scope) -> None:
    scope["http_version"] = {"1.0": "1.1", "1.1": "1.0"}.get(scope["http_version"], scope["http_version"])


def _path_not_decoded(scope: Scope) -> None:
    scope["path"] = scope["raw_path"].decode("latin-1")


def _path_with_query(scope: Scope) -> None:
    if scope["query_string"]:
        scope["path"] += "?" + scope["query_string"].decode("latin-1")


def _query_string_decoded(scope: Scope) -> None:
    scope["query_string"] = unquote_to_bytes(scope["query_string"])


def _query_string_none(scope: Scope) -> None:
    if not scope["query_string"]:
        scope["query_string"] = None


def _join_duplicates(scope: Scope) -> None:
    joined: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        joined[name] = joined[name] + b", " + value if name in joined else value
    scope["headers"] = list(joined.items())


def _header_values_ascii_only(scope: Scope) -> None:
    scope["headers"] = [(n, v.decode("ascii", "replace").encode("ascii", "replace")) for n, v in scope["headers"]]


def _client_port_wrong(scope: Scope) -> None:
    host, port = scope["client"]
    scope["client"] = [host, port + 1]


def _server_port_str(scope: Scope) -> None:
    host, port = scope["server"]
    scope["server"] = [host, str(port)]


asgi_dict_missing = scope_mutant(lambda scope: scope.pop("asgi"))
asgi_version_2 = scope_mutant(lambda scope: scope["asgi"].update(version="2.0"))
spec_version_missing = scope_mutant(lambda scope: scope["asgi"].pop("spec_version", None))
type_uppercased = scope_mutant(_set(type="HTTP"))
http_version_swapped = scope_mutant(_swap_http_version)
method_lowercased = scope_mutant(lambda scope: scope.update(method=scope["method"].lower()))
scheme_empty = scope_mutant(_set(scheme=""))
path_not_decoded = scope_mutant(_path_not_decoded)
path_with_query = scope_mutant(_path_with_query)
raw_path_decoded = scope_mutant(lambda scope: scope.update(raw_path=unquote(scope["path"]).encode()))
query_string_decoded = scope_mutant(_query_string_decoded)
query_string_none = scope_mutant(_query_string_none)
root_path_set = scope_mutant(_set(root_path="/mnt"))
headers_as_str = scope_mutant(
    lambda scope: scope.update(headers=[(n.decode(), v.decode("latin-1")) for n, v in scope["headers"]])
)
headers_reversed = scope_mutant(lambda scope: scope.update(headers=list(reversed(scope["headers"]))))
headers_joined = scope_mutant(_join_duplicates)
header_names_uppercased = scope_mutant(
    lambda scope: scope.update(headers=[(n.upper(), v) for n, v in scope["headers"]])
)
header_values_ascii_only = scope_mutant(_header_values_ascii_only)
client_port_wrong = scope_mutant(_client_port_wrong)
server_port_str = scope_mutant(_server_port_str)


def _extra_empty_event(scope: Scope, receive: Receive) -> Receive:
    sent_extra = False

    async def wrapped() -> Message:
        nonlocal sent_extra
        if not sent_extra:
            sent_extra = True
            return {"type": "http.request", "body": b"", "more_body": True}
        return await receive()

    return wrapped


def _loses_last_byte(scope: Scope, receive: Receive) -> Receive:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body") and message.get("body"):
            message = {**message, "body": message["body"][:-1]}
        return message

    return wrapped


def _not_dechunked(scope: Scope, receive: Receive) -> Receive:
    """Hands the app the chunked framing as if it were the body."""
    is_chunked = any(n.lower() == b"transfer-encoding" and b"chunked" in v.lower() for n, v in scope["headers"])

    async def wrapped() -> Message:
        message = await receive()
        if is_chunked and message["type"] == "http.request" and message.get("body"):
            body = message["body"]
            message = {**message, "body": b"%x\r\n%s\r\n" % (len(body), body)}
        return message

    return wrapped


extra_empty_request_event = receive_mutant(_extra_empty_event)
body_loses_last_byte = receive_mutant(_loses_last_byte)
chunked_body_not_dechunked = receive_mutant(_not_dechunked)


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


response_part_dropped = send_mutant(_drops_second_part)

# --- lifespan ---------------------------------------------------------------------------------

lifespan_asgi_missing = scope_mutant(lambda scope: scope.pop("asgi"), scope_type="lifespan")


def _bogus_first_event(scope: Scope, receive: Receive) -> Receive:
    first = True

    async def wrapped() -> Message:
        nonlocal first
        if first:
            first = False
            return {"type": "lifespan.bogus"}
        return await receive()

    return wrapped


lifespan_bogus_first_event = receive_mutant(_bogus_first_event, scope_type="lifespan")


def lifespan_relay(on_message: Callable[[Message, Send], Awaitable[Message | None]],
                   swallow: set[str]) -> App:
    """Stands between the server and the app's lifespan: ``on_message`` sees each server event
    (and may answer the server itself, or withhold it from the app by returning None); the app's
    messages whose type is in ``swallow`` never reach the server."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await probe(scope, receive, send)
            return

        async def relayed_receive() -> Message:
            while True:
                message = await on_message(await receive(), send)
                if message is not None:
                    return message

        async def relayed_send(message: Message) -> None:
            if message["type"] not in swallow:
                await send(message)

        await probe(scope, relayed_receive, relayed_send)

    return app


async def _complete_startup_at_once(message: Message, send: Send) -> Message:
    if message["type"] == "lifespan.startup":
        await send({"type": "lifespan.startup.complete"})
    return message


async def _withhold_shutdown(message: Message, send: Send) -> Message | None:
    if message["type"] == "lifespan.shutdown":
        await send({"type": "lifespan.shutdown.complete"})
        return None
    return message


async def _complete_shutdown_at_once(message: Message, send: Send) -> Message:
    if message["type"] == "lifespan.shutdown":
        await send({"type": "lifespan.shutdown.complete"})
    return message


startup_completed_early = lifespan_relay(_complete_startup_at_once, {"lifespan.startup.complete"})
shutdown_withheld = lifespan_relay(_withhold_shutdown, {"lifespan.shutdown.complete"})
shutdown_completed_early = lifespan_relay(_complete_shutdown_at_once, {"lifespan.shutdown.complete"})


# --- responses ----------------------------------------------------------------------------------


def http_mutant(wrap: Callable[[Scope, Receive, Send], tuple[Receive, Send]], path: str = "") -> App:
    """The probe, with receive and send replaced by ``wrap``'s for http requests under ``path``
    (the launcher's /ready must keep working)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(path):
            receive, send = wrap(scope, receive, send)
        await probe(scope, receive, send)

    return app


def sends(change: Callable[[Message], Message | None]) -> Callable[[Scope, Receive, Send], tuple[Receive, Send]]:
    """A wrap that passes each sent message through ``change`` (None: the message is dropped)."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
        async def changed(message: Message) -> None:
            new = change(message)
            if new is not None:
                await send(new)

        return receive, changed

    return wrap


def _start(change: Callable[[Message], Message]) -> Callable[[Message], Message]:
    return lambda m: change(dict(m)) if m["type"] == "http.response.start" else m


def _status_plus_one(message: Message) -> Message:
    return {**message, "status": message["status"] + 1}


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


status_off_by_one = http_mutant(sends(_start(_status_plus_one)), path="/respond")
response_headers_reversed = http_mutant(
    sends(_start(lambda m: {**m, "headers": list(reversed(m.get("headers", [])))})), path="/respond")
set_cookies_joined = http_mutant(sends(_start(_join_set_cookies)), path="/respond")
missing_headers_key_is_an_error = http_mutant(sends(_start(_headers_key_required)), path="/respond")
bare_body_event_gets_a_body = http_mutant(sends(_bare_body_filled), path="/respond")
# Served by uvicorn's httptools protocol (tests/mutants/asgi_table.py), which frames a response as
# its headers say: the added transfer-encoding makes it write chunked framing after a 204 or 304.
no_body_status_chunked = http_mutant(sends(_no_body_status_chunked), path="/respond")


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


body_parts_held_back = http_mutant(_holds_back_parts, path="/stream")


def _forgets_head(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    # uvicorn's httptools protocol decides whether to write the body by reading the scope it
    # handed the app: changing it in place makes it forget the request was a HEAD.
    if scope["method"] == "HEAD":
        scope["method"] = "GET"
    return receive, send


head_body_sent = http_mutant(_forgets_head, path="/respond")


def _tracking(scope: Scope, send: Send) -> tuple[Send, dict[str, Any]]:
    """A send that notes whether the response started and ended, and the body bytes still owed
    to a Content-Length."""
    state: dict[str, Any] = {"started": False, "done": False, "owed": None}

    async def tracked(message: Message) -> None:
        if message["type"] == "http.response.start":
            state["started"] = True
            for name, value in message.get("headers", []):
                if name.lower() == b"content-length":
                    state["owed"] = int(value)
        elif message["type"] == "http.response.body":
            if state["owed"] is not None:
                state["owed"] -= len(message.get("body", b""))
            state["done"] = not message.get("more_body", False)
        await send(message)

    return tracked, state


async def exception_completes_response(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that, when the app raises mid-response, finishes the message as if all was well."""
    if scope["type"] != "http":
        await probe(scope, receive, send)
        return
    tracked, state = _tracking(scope, send)
    try:
        await probe(scope, receive, tracked)
    except Exception:
        if not state["started"] or state["done"]:
            raise
        await send({"type": "http.response.body", "body": b"\0" * (state["owed"] or 0), "more_body": False})


async def no_answer_without_a_response(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that, when the app ends (returns or raises) without a response, sends nothing
    and leaves the connection open for longer than a check waits."""
    if scope["type"] != "http":
        await probe(scope, receive, send)
        return
    tracked, state = _tracking(scope, send)
    try:
        await probe(scope, receive, tracked)
    except Exception:
        if state["started"]:
            raise
    if not state["started"]:
        await asyncio.sleep(6.0)


silent_app_left_hanging = no_answer_without_a_response
exception_left_hanging = no_answer_without_a_response

# --- disconnect ---------------------------------------------------------------------------------


def _request_after_response(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    tracked, state = _tracking(scope, send)

    async def wrapped() -> Message:
        if state["done"]:
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()

    return wrapped, tracked


def _cuts_silent_responses(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """A server that ends a response whose app has sent nothing for 1 s (an aggressive timeout)."""
    started = 0.0

    async def cutting(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = time.monotonic()
        elif message["type"] == "http.response.body" and time.monotonic() - started > 1.0:
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return receive, cutting


silent_response_cut = http_mutant(_cuts_silent_responses, path="/stream")


def _buffers_the_body(scope: Scope, receive: Receive) -> Receive:
    """A server that hands the app the body only once all of it has arrived, in one event."""

    async def receiving() -> Message:
        message = await receive()
        body = message.get("body", b"")
        while message["type"] == "http.request" and message.get("more_body", False):
            message = await receive()
            body += message.get("body", b"")
        return {**message, "body": body} if message["type"] == "http.request" else message

    return receiving


body_buffered = receive_mutant(_buffers_the_body)


def _disconnect_at_once(scope: Scope, receive: Receive) -> Receive:
    """Once the request is complete, receive() says http.disconnect at once, client or no client."""
    complete = False

    async def receiving() -> Message:
        nonlocal complete
        if complete:
            return {"type": "http.disconnect"}
        message = await receive()
        complete = message["type"] == "http.request" and not message.get("more_body", False)
        return message

    return receiving


disconnect_at_once = receive_mutant(_disconnect_at_once)


def _hang_up_hidden(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.disconnect":
            return {"type": "http.request", "body": b"", "more_body": False}
        return message

    return wrapped, send


def _disconnect_once(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    delivered = False

    async def wrapped() -> Message:
        nonlocal delivered
        if delivered:
            await asyncio.Event().wait()  # blocks until the app gives up on it
        message = await receive()
        delivered = message["type"] == "http.disconnect"
        return message

    return wrapped, send


def _cut_body_claimed_complete(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    more = False

    async def wrapped() -> Message:
        nonlocal more
        message = await receive()
        if message["type"] == "http.disconnect" and more:
            return {"type": "http.request", "body": b"", "more_body": False}
        more = message["type"] == "http.request" and message.get("more_body", False)
        return message

    return wrapped, send


def _send_raises_after_disconnect(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    gone = False

    async def watching() -> Message:
        nonlocal gone
        message = await receive()
        gone = gone or message["type"] == "http.disconnect"
        return message

    async def raising(message: Message) -> None:
        if gone:
            raise RuntimeError("mutant: the client has gone")
        await send(message)

    return watching, raising


request_event_after_response = http_mutant(_request_after_response, path="/after-response")
hang_up_hidden = http_mutant(_hang_up_hidden, path="/wait-disconnect")
hang_up_hidden_while_streaming = http_mutant(_hang_up_hidden, path="/stream-until-disconnect")
disconnect_delivered_once = http_mutant(_disconnect_once)
cut_body_claimed_complete = http_mutant(_cut_body_claimed_complete, path="/upload-watch")
send_raises_after_disconnect = http_mutant(_send_raises_after_disconnect, path="/wait-disconnect")
claims_spec_version_2_4 = scope_mutant(lambda scope: scope["asgi"].update(spec_version="2.4"))
empty_body_split_in_two = extra_empty_request_event

# --- lifespan failures and state ----------------------------------------------------------------

# The probe unchanged, for a server configuration that is itself the fault (see asgi_table.py).
lifespan_fatal_on_raise = probe
lifespan_fatal_on_startup_raise = probe


def lifespan_send_mutant(change: Callable[[Message], Message]) -> App:
    """The probe, with each lifespan message it sends passed through ``change``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await probe(scope, receive, send)
            return

        async def changed(message: Message) -> None:
            await send(change(message))

        await probe(scope, receive, changed)

    return app


def _failure_becomes(kind: str) -> Callable[[Message], Message]:
    def change(message: Message) -> Message:
        if message["type"] == f"lifespan.{kind}.failed":
            return {"type": f"lifespan.{kind}.failed", "message": ""}
        return message

    return change


startup_failure_ignored = lifespan_send_mutant(
    lambda m: {"type": "lifespan.startup.complete"} if m["type"] == "lifespan.startup.failed" else m)
startup_failure_message_dropped = lifespan_send_mutant(_failure_becomes("startup"))
shutdown_failure_message_dropped = lifespan_send_mutant(_failure_becomes("shutdown"))


def _prefill_state(scope: Scope) -> None:
    if isinstance(scope.get("state"), dict):
        scope["state"]["server.own-key"] = "put there by the server"


async def state_prefilled(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        _prefill_state(scope)  # in place: the server's own state dict
    await probe(scope, receive, send)


state_not_passed_on = scope_mutant(lambda scope: scope.update(state={}))
state_deep_copied = scope_mutant(lambda scope: scope.update(state=copy.deepcopy(scope.get("state"))))

_lifespan_state: dict[str, Any] = {}


async def state_shared_not_copied(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that hands every request the lifespan's own state dict instead of a copy."""
    if scope["type"] == "lifespan" and isinstance(scope.get("state"), dict):
        _lifespan_state["state"] = scope["state"]
    elif scope["type"] == "http" and "state" in _lifespan_state:
        scope = {**scope, "state": _lifespan_state["state"]}
    await probe(scope, receive, send)


def _clears_state_at_shutdown(scope: Scope, receive: Receive) -> Receive:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "lifespan.shutdown" and isinstance(scope.get("state"), dict):
            scope["state"].clear()
        return message

    return wrapped


state_cleared_before_shutdown = receive_mutant(_clears_state_at_shutdown, scope_type="lifespan")


async def lifespan_spec_version_2_3(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        scope["asgi"]["spec_version"] = "2.3"  # in place, as granian does
    await probe(scope, receive, send)


# --- framing, invalid events, bodies per request, event loops ----------------------------------


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
    return _start(lambda m: {**m, "headers": [(n, v) for n, v in m.get("headers", []) if n.lower() != name]})


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


app_transfer_encoding_double_chunked = http_mutant(_double_chunked, path="/respond")
http_1_0_stream_chunked = http_mutant(_chunked_for_http_1_0, path="/stream")
content_encoding_dropped = http_mutant(sends(_drop_header(b"content-encoding")), path="/respond")
content_length_replaced_by_chunking = http_mutant(sends(_drop_header(b"content-length")), path="/stream")
empty_part_ends_response = http_mutant(_empty_part_ends, path="/stream")


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


completion_deferred = deferred_completion("/send-after-complete")
completion_waits_for_the_app = deferred_completion("/linger")


def _unknown_dropped(message: Message) -> Message | None:
    return message if message["type"] in ("http.response.start", "http.response.body") else None


def _status_defaulted(message: Message) -> Message:
    return {"status": 200, **message} if message["type"] == "http.response.start" else message


def _types_coerced(message: Message) -> Message:
    def as_bytes(value: Any) -> Any:
        return value.encode("latin-1") if isinstance(value, str) else value

    if "headers" in message:
        message = {**message, "headers": [(as_bytes(n), as_bytes(v)) for n, v in message["headers"]]}
    if "body" in message:
        message = {**message, "body": as_bytes(message["body"])}
    return message


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


def _extra_keys_rejected(message: Message) -> Message:
    known = {"type", "status", "headers", "trailers", "body", "more_body"}
    if set(message) - known:
        raise ValueError(f"mutant: unexpected keys {sorted(set(message) - known)}")
    return message


unknown_event_ignored = http_mutant(sends(_unknown_dropped), path="/bad-send")
start_without_status_defaulted = http_mutant(sends(_status_defaulted), path="/bad-send")
wrong_types_coerced = http_mutant(sends(_types_coerced), path="/bad-send")
out_of_order_events_ignored = http_mutant(_out_of_order_ignored, path="/bad-send")
extra_keys_rejected = http_mutant(sends(_extra_keys_rejected), path="/bad-send")

_last_body: dict[Any, bytes] = {}


def _previous_body_prepended(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Hands a request the body of the previous request on the same connection, then its own."""
    connection = tuple(scope.get("client") or ())
    first = True
    seen: list[bytes] = []

    async def leaking() -> Message:
        nonlocal first
        message = await receive()
        if message["type"] == "http.request":
            seen.append(message.get("body", b""))
            if first:
                message = {**message, "body": _last_body.get(connection, b"") + message.get("body", b"")}
            first = False
            if not message.get("more_body"):
                _last_body[connection] = b"".join(seen)
        return message

    return leaking, send


bodies_leak_between_requests = http_mutant(_previous_body_prepended, path="/digest")
unread_body_handed_over = request_event_after_response


async def lifespan_in_another_loop(scope: Scope, receive: Receive, send: Send) -> None:
    """Runs the lifespan in an event loop of its own, in another thread."""
    if scope["type"] != "lifespan":
        await probe(scope, receive, send)
        return
    main = asyncio.get_running_loop()

    def run() -> None:
        async def relayed_receive() -> Message:
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(receive(), main))

        async def relayed_send(message: Message) -> None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(send(message), main))

        asyncio.run(probe(scope, relayed_receive, relayed_send))

    await main.run_in_executor(None, run)


# --- core rules, scope details, body event types, framing, lifespan sequence -------------------


class ScopeDict(dict):  # type: ignore[type-arg]
    """A dict subclass, as a server might hand the app."""


async def scope_subclassed(scope: Scope, receive: Receive, send: Send) -> None:
    await probe(ScopeDict(scope) if scope["type"] == "http" else scope, receive, send)


def _first_event_changed(change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    def wrap(scope: Scope, receive: Receive) -> Receive:
        first = True

        async def wrapped() -> Message:
            nonlocal first
            message = await receive()
            if first:
                first, message = False, change(dict(message))
            return message

        return wrapped

    return wrap


def _each_event_changed(change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    def wrap(scope: Scope, receive: Receive) -> Receive:
        async def wrapped() -> Message:
            return change(dict(await receive()))

        return wrapped

    return wrap


def _without_type(message: Message) -> Message:
    message.pop("type", None)
    return message


event_without_type = receive_mutant(_first_event_changed(_without_type))
event_type_not_namespaced = receive_mutant(
    _first_event_changed(lambda m: {**m, "type": m["type"].replace("http.", "", 1)}))
first_event_not_request = receive_mutant(_first_event_changed(lambda m: {**m, "type": "http.bogus"}))
body_as_bytearray = receive_mutant(
    _each_event_changed(lambda m: {**m, "body": bytearray(m["body"])} if "body" in m else m))
more_body_as_int = receive_mutant(
    _each_event_changed(lambda m: {**m, "more_body": int(m["more_body"])} if "more_body" in m else m))
bytes_key_in_scope = scope_mutant(lambda scope: scope.update({b"x-server-extra": 1}))


def _keep_encoded_slash(scope: Scope) -> None:
    raw = scope["raw_path"].decode("ascii")
    scope["path"] = unquote(raw.replace("%2F", "%252F").replace("%2f", "%252f"))


encoded_slash_kept = scope_mutant(_keep_encoded_slash)
raw_path_with_query = scope_mutant(
    lambda scope: scope.update(raw_path=scope["raw_path"] + b"?" + scope["query_string"])
    if scope["query_string"] else None)
request_event_after_body = request_event_after_response


def _cancelled_after_disconnect(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Cancels the app as soon as it has been told of the disconnect."""
    told = False

    async def wrapped() -> Message:
        nonlocal told
        if told:
            raise asyncio.CancelledError
        message = await receive()
        told = message["type"] == "http.disconnect"
        return message

    return wrapped, send


app_cancelled_at_disconnect = http_mutant(_cancelled_after_disconnect, path="/wait-disconnect")
# Served by uvicorn's httptools protocol (asgi_table.py): told in place that the request is a HEAD,
# it writes a response with neither Content-Length nor chunked framing, and keeps the connection.
def _thinks_it_is_head(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    scope["method"] = "HEAD"
    return receive, send


unframed_response_kept_alive = http_mutant(_thinks_it_is_head, path="/stream")


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


headers_held_until_body = http_mutant(_headers_held, path="/stream")
trailers_false_awaits_trailers = http_mutant(_trailers_awaited, path="/respond")
start_ends_response = http_mutant(_start_ends_response, path="/stream")


def _extra_lifespan_event(scope: Scope, receive: Receive) -> Receive:
    calls = 0

    async def wrapped() -> Message:
        nonlocal calls
        calls += 1
        if calls == 2:
            return {"type": "lifespan.bogus"}
        return await receive()

    return wrapped


lifespan_extra_event = receive_mutant(_extra_lifespan_event, scope_type="lifespan")


async def lifespan_split_in_two(scope: Scope, receive: Receive, send: Send) -> None:
    """Calls the app anew, with a fresh lifespan scope, to deliver lifespan.shutdown."""
    if scope["type"] != "lifespan":
        await probe(scope, receive, send)
        return
    shutdown = asyncio.Event()

    async def first_receive() -> Message:
        message = await receive()
        if message["type"] == "lifespan.shutdown":
            shutdown.set()
            await asyncio.Event().wait()
        return message

    first = asyncio.ensure_future(probe(scope, first_receive, send))
    await shutdown.wait()

    async def second_receive() -> Message:
        return {"type": "lifespan.shutdown"}

    await probe(dict(scope), second_receive, send)
    first.cancel()


# --- legacy apps, lifespan failures without a message -------------------------------------------
# With CONFORMANCE_ASGI_STYLE=legacy, ``probe`` above is the probe's legacy form (LegacyApp).


async def legacy_called_as_single_callable(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that calls every app as a single callable, a legacy one included."""
    await probe(scope, receive, send)


class legacy_initialised_twice:  # noqa: N801 -- named, like the other mutants, for what it does
    """A server that calls a legacy app with the scope twice for one connection."""

    def __init__(self, scope: Scope) -> None:
        probe(scope)
        self.inner = probe(scope)

    async def __call__(self, receive: Receive, send: Send) -> None:
        await self.inner(receive, send)


def _missing_message_fails(kind: str) -> Callable[[Message], Message]:
    def change(message: Message) -> Message:
        if message["type"] == f"lifespan.{kind}.failed" and "message" not in message:
            # as a server reading message["message"] would fail, and log it
            print("Traceback (most recent call last):\nKeyError: 'message'", file=sys.stderr, flush=True)
            raise KeyError("message")
        return message

    return change


startup_failure_needs_a_message = lifespan_send_mutant(_missing_message_fails("startup"))
shutdown_failure_needs_a_message = lifespan_send_mutant(_missing_message_fails("shutdown"))


# --- extensions ---------------------------------------------------------------------------------


def _with_extensions(**extra: Any) -> Callable[[Scope], None]:
    def change(scope: Scope) -> None:
        scope["extensions"] = {**(scope.get("extensions") or {}), **extra}

    return change


extension_not_a_dict = scope_mutant(_with_extensions(**{"x.probe": True}))
tls_on_a_plain_connection = scope_mutant(_with_extensions(tls={"server_cert": None, "tls_version": None,
                                                               "cipher_suite": None}))
debug_extension_offered = scope_mutant(_with_extensions(**{"http.response.debug": {}}))


def pathsend_shim(fault: str = "") -> App:
    """uvicorn with http.response.pathsend added in front (the file read and sent as a body), and
    optionally one fault: 'truncated', 'left-open', 'content-type', 'head-body' or 'mixed' (every
    pathsend accepted as one more body part, after a body part or another pathsend)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        if fault == "head-body":
            _forgets_head(scope, receive, send)  # the file goes out as the body even for HEAD
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


pathsend_offered = pathsend_shim()
pathsend_file_truncated = pathsend_shim("truncated")
pathsend_leaves_response_open = pathsend_shim("left-open")
pathsend_content_type_replaced = pathsend_shim("content-type")
pathsend_sent_for_head = pathsend_shim("head-body")
pathsend_mixed_with_body = pathsend_shim("mixed")


def early_hint_shim(spoils: bool) -> App:
    """An emulation of http.response.early_hint over HTTP/1.1 on uvicorn: advertised, and the hint
    ignored (as the spec allows); with ``spoils`` the body that follows the hint is lost."""

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
            if hinted and spoils and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await probe(scope, receive, sending)

    return app


early_hint_emulation = early_hint_shim(spoils=False)
early_hint_spoils_the_response = early_hint_shim(spoils=True)


# --- HTTP/2 and trailers: served by hypercorn (or gunicorn's asgi worker with h2), see asgi_table.py


def _over_http2(change: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
    return lambda scope: change(scope) if scope.get("http_version") == "2" else None


http_version_2_as_2_0 = scope_mutant(_over_http2(lambda scope: scope.update(http_version="2.0")))
pseudo_headers_kept = scope_mutant(_over_http2(
    lambda scope: scope.update(headers=[(b":method", scope["method"].encode()), *scope["headers"]])))
host_moved_to_the_end = scope_mutant(_over_http2(lambda scope: scope.update(
    headers=[h for h in scope["headers"] if h[0] != b"host"] + [h for h in scope["headers"] if h[0] == b"host"])))
headers_joined_over_http2 = headers_joined


def _second_part_lost(scope: Scope, receive: Receive) -> Receive:
    parts = 0

    async def wrapped() -> Message:
        nonlocal parts
        message = await receive()
        if message["type"] == "http.request" and message.get("body"):
            parts += 1
            if parts == 2:
                message = {**message, "body": b""}
        return message

    return wrapped


body_part_lost_over_http2 = receive_mutant(_second_part_lost)
set_cookies_joined_over_http2 = set_cookies_joined
status_off_by_one_over_http2 = status_off_by_one
response_headers_reversed_over_http2 = response_headers_reversed
body_parts_held_back_over_http2 = body_parts_held_back
bare_body_event_gets_a_body_over_http2 = bare_body_event_gets_a_body
head_body_sent_over_http2 = head_body_sent  # hypercorn, too, reads the method from the scope it handed the app
completion_waits_for_the_app_over_http2 = completion_waits_for_the_app

_recent_scope: dict[str, Any] = {}


async def scopes_shared_between_streams(scope: Scope, receive: Receive, send: Send) -> None:
    """Hands requests that arrive together (within 0.5 s) the scope of the first of them."""
    if scope["type"] == "http" and scope.get("path", "").startswith("/scope/stream-"):
        now = asyncio.get_running_loop().time()
        if now - _recent_scope.get("at", -10.0) > 0.5:
            _recent_scope.update(at=now, scope=scope)
        scope = _recent_scope["scope"]
    await probe(scope, receive, send)


trailers_not_advertised = scope_mutant(
    lambda scope: (scope.get("extensions") or {}).pop("http.response.trailers", None))


def _trailers(mode: str) -> Callable[[Scope, Receive, Send], tuple[Receive, Send]]:
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


trailers_dropped = http_mutant(_trailers("dropped"), path="/trailers")
response_ends_before_trailers = http_mutant(_trailers("early"), path="/trailers")
later_trailers_dropped = http_mutant(_trailers("first-only"), path="/trailers")
trailers_sent_without_te = http_mutant(_te_trailers_assumed, path="/trailers")


# --- launch variants: uvicorn over TLS, and mounted at a root path ------------------------------


def _if_tls(change: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
    return lambda scope: change(scope) if scope.get("scheme") == "https" else None


def _strip_root_path(scope: Scope) -> None:
    root = scope.get("root_path") or ""
    while root.strip("/") and scope["path"].startswith(root):
        scope["path"] = scope["path"][len(root):]


def _root_path_dropped(scope: Scope) -> None:
    _strip_root_path(scope)  # so that the probe still finds its scenario
    scope["root_path"] = ""


scheme_http_over_tls = scope_mutant(_if_tls(lambda scope: scope.update(scheme="http")))
tls_extension_offered = scope_mutant(_if_tls(_with_extensions(tls={"server_cert": None, "client_cert_chain": [],
                                                                   "tls_version": None, "cipher_suite": None})))
root_path_dropped = scope_mutant(_root_path_dropped)
root_path_kept_out_of_path = scope_mutant(_strip_root_path)


# --- server push, on hypercorn ------------------------------------------------------------------

push_not_advertised = scope_mutant(lambda scope: (scope.get("extensions") or {}).pop("http.response.push", None))


def _push(mode: str) -> Callable[[Message], Message | None]:
    def change(message: Message) -> Message | None:
        if message["type"] != "http.response.push":
            return message
        if mode == "refused":
            raise RuntimeError("mutant: push refused")
        return None  # dropped

    return change


push_refused = http_mutant(sends(_push("refused")), path="/push")
push_dropped = http_mutant(sends(_push("dropped")), path="/push")


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


push_authority_changed = http_mutant(_authority_changed, path="/push")


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


push_spoils_the_response = http_mutant(_push_spoils_the_response, path="/push")


def _push_repaired(message: Message) -> Message:
    """A server that makes what it can of a malformed push instead of raising."""
    if message["type"] != "http.response.push":
        return message
    path = message["path"]
    return {**message, "path": path.decode() if isinstance(path, bytes) else path,
            "headers": [(n, v) for n, v in message.get("headers", []) if not n.startswith(b":")]}


malformed_push_repaired = http_mutant(sends(_push_repaired), path="/push")

early_hint_not_advertised = scope_mutant(
    lambda scope: (scope.get("extensions") or {}).pop("http.response.early_hint", None))
early_hints_dropped = http_mutant(sends(lambda m: None if m["type"] == "http.response.early_hint" else m),
                                  path="/early-hint")
early_hints_ignored = early_hints_dropped


# --- state copied once; a scope reused on a connection ------------------------------------------

_snapshot: dict[str, Any] = {}


async def state_copied_once_at_startup(scope: Scope, receive: Receive, send: Send) -> None:
    """Hands every request a copy of the state as it was when startup completed."""
    if scope["type"] == "lifespan":
        state = scope.get("state")

        async def snapshotting(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete" and isinstance(state, dict):
                _snapshot["state"] = dict(state)
            await send(message)

        await probe(scope, receive, snapshotting)
        return
    if scope["type"] == "http" and "state" in _snapshot:
        scope = {**scope, "state": dict(_snapshot["state"])}
    await probe(scope, receive, send)


_first_scope: dict[Any, Scope] = {}


async def scope_reused_on_a_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """Gives every request on a connection the scope of its first request."""
    if scope["type"] == "http" and scope.get("path", "").startswith("/scope/"):
        scope = _first_scope.setdefault(tuple(scope.get("client") or ()), scope)
    await probe(scope, receive, send)


def _stuck_after_three_mib(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """A send() that, once 3 MiB are out, waits for a drain that never comes."""
    parts = 0

    async def stuck(message: Message) -> None:
        nonlocal parts
        if message["type"] == "http.response.body":
            parts += 1
            if parts > 48:
                await asyncio.Event().wait()
        await send(message)

    return receive, stuck


send_stuck_after_the_client_left = http_mutant(_stuck_after_three_mib, path="/flood")

# The same faults, over HTTP/2 on TLS (hypercorn's TLS, see asgi_table.py).
http_version_2_as_2_0_on_tls = http_version_2_as_2_0
scheme_http_over_http2_on_tls = scheme_http_over_tls
pseudo_headers_kept_on_tls = pseudo_headers_kept


# --- event value types; what runs the app; an error from send() re-raised ----------------------


def _each_request_event(change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    def wrap(scope: Scope, receive: Receive) -> Receive:
        async def changed() -> Message:
            message = await receive()
            return change(message) if message["type"] == "http.request" else message

        return changed

    return wrap


events_carry_a_bytearray = receive_mutant(_each_request_event(
    lambda message: {**message, "body": bytearray(message.get("body", b""))}))
events_carry_a_tuple = receive_mutant(_each_request_event(lambda message: {**message, "x-probe-pair": (1, 2)}))


def _each_lifespan_shutdown(change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    def wrap(scope: Scope, receive: Receive) -> Receive:
        async def changed() -> Message:
            message = await receive()
            return change(message) if message["type"] == "lifespan.shutdown" else message

        return changed

    return wrap


shutdown_carries_a_bytearray = receive_mutant(
    _each_lifespan_shutdown(lambda message: {**message, "x-probe-bytes": bytearray(b"x")}), scope_type="lifespan")
shutdown_carries_a_tuple = receive_mutant(
    _each_lifespan_shutdown(lambda message: {**message, "x-probe-pair": (1, 2)}), scope_type="lifespan")
app_run_under_trio = probe  # served by hypercorn's trio worker (see asgi_table.py)


class ClientGone(OSError):
    """What the emulated send() raises once the client has gone."""


def send_error_after_disconnect(caught: bool) -> App:
    """The probe, whose send() raises ClientGone once receive() has said http.disconnect (as a 2.4
    server's may); with ``caught``, the error re-raised out of the app is caught and dropped, as
    the spec asks (an emulation: no installed server raises there), else it reaches uvicorn."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        gone = False

        async def watching() -> Message:
            nonlocal gone
            message = await receive()
            gone = gone or message["type"] == "http.disconnect"
            return message

        async def raising(message: Message) -> None:
            if gone:
                raise ClientGone("the client has gone")
            await send(message)

        try:
            await probe(scope, watching, raising)
        except ClientGone:
            if not caught:
                raise

    return app


send_error_escapes = send_error_after_disconnect(caught=False)
send_error_caught_emulation = send_error_after_disconnect(caught=True)


# --- lifespan in each worker process ------------------------------------------------------------


async def lifespan_in_one_worker_only(scope: Scope, receive: Receive, send: Send) -> None:
    """Runs the lifespan in the first worker process of a server only; the others raise on the
    lifespan scope (so their server goes on without one), as if only one loop got a lifespan."""
    if scope["type"] == "lifespan":
        marker = os.path.join(tempfile.gettempdir(), f"conformance-lifespan-{os.getppid()}-"
                                                     f"{os.environ.get('CONFORMANCE_INSTANCE', '')}")
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            raise RuntimeError("mutant: no lifespan in this worker process") from None
    await probe(scope, receive, send)


# --- the tls extension (tls.rst): an emulation on uvicorn's TLS, and faults in it ----------------

# The ssl object of each TLS connection, by the client's address (uvicorn hands the app no transport).
_tls_connections: dict[tuple[Any, ...], ssl.SSLObject] = {}
_tls_requests = [0]
TLS_VERSION_NUMBERS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


class TlsRecordingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol (--http tests.mutants.asgi_mutants:TlsRecordingH11Protocol), noting
    the ssl object of each connection so that the middleware below can describe it."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None and self.client:
            _tls_connections[tuple(self.client)] = ssl_object


def _served_certificate() -> str:
    """The first PEM block of the file uvicorn was given with --ssl-certfile: the certificate it sends."""
    with open(sys.argv[sys.argv.index("--ssl-certfile") + 1]) as file:
        text = file.read()
    end = "-----END CERTIFICATE-----"
    return text[:text.index(end) + len(end)] + "\n"


def _cipher_numbers() -> dict[str, int]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers("ALL")
    return {cipher["name"]: cipher["id"] & 0xFFFF for cipher in context.get_ciphers()}


def tls_extension_shim(fault: str = "") -> App:
    """An emulation of the tls extension on uvicorn's TLS (with TlsRecordingH11Protocol): the
    scope of each request on a TLS connection gets a correct "tls" entry, or one with a fault:
    'other-cert', 'client-chain', 'client-name', 'client-error', 'version-swapped' (TLS 1.2
    said for 1.3 and the other way round), 'cipher-name' (the OpenSSL name, a str),
    'per-request' (every other request on a connection says cipher_suite None), 'scheme-http',
    'http-only' (none in a websocket scope)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        kinds = ("http",) if fault == "http-only" else ("http", "websocket")
        ssl_object = _tls_connections.get(tuple(scope.get("client") or ())) if scope["type"] in kinds else None
        if ssl_object is None:
            await probe(scope, receive, send)
            return
        cipher = ssl_object.cipher()
        served = _served_certificate()
        tls: dict[str, Any] = {"server_cert": served, "client_cert_chain": [], "client_cert_name": None,
                               "client_cert_error": None, "tls_version": TLS_VERSION_NUMBERS.get(ssl_object.version()),
                               "cipher_suite": _cipher_numbers().get(cipher[0]) if cipher else None}
        _tls_requests[0] += 1
        changes: dict[str, dict[str, Any]] = {
            "other-cert": {"server_cert": trustme.CA().cert_pem.bytes().decode()},
            "client-chain": {"client_cert_chain": [served]},
            "client-name": {"client_cert_name": "CN=127.0.0.1"},
            "client-error": {"client_cert_error": "no client certificate"},
            "version-swapped": {"tls_version": {0x0303: 0x0304, 0x0304: 0x0303}.get(tls["tls_version"])},
            "cipher-name": {"cipher_suite": cipher[0] if cipher else None},
            "per-request": {"cipher_suite": None} if _tls_requests[0] % 2 else {},
        }
        tls.update(changes.get(fault, {}))
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "tls": tls}}
        if fault == "scheme-http":
            scope["scheme"] = "http"
        await probe(scope, receive, send)

    return app


tls_extension_emulation = tls_extension_shim()
tls_server_cert_of_another = tls_extension_shim("other-cert")
tls_client_chain_without_a_client_cert = tls_extension_shim("client-chain")
tls_client_name_without_a_client_cert = tls_extension_shim("client-name")
tls_client_error_without_a_client_cert = tls_extension_shim("client-error")
tls_version_swapped = tls_extension_shim("version-swapped")
tls_cipher_suite_by_name = tls_extension_shim("cipher-name")
tls_extension_changes_on_a_connection = tls_extension_shim("per-request")
tls_extension_with_scheme_http = tls_extension_shim("scheme-http")
tls_extension_not_in_websocket_scopes = tls_extension_shim("http-only")


# --- zero-copy send (extensions.rst): an emulation on uvicorn, and faults in it -----------------


def zerocopy_shim(fault: str = "") -> App:
    """An emulation of http.response.zerocopysend on uvicorn: advertised, and each event turned into
    the body event it stands for (read with os.pread, or from the file position, which it then
    moves on as sendfile would); or with one fault: 'no-mixing' (body events after a zerocopysend
    are lost), 'offset-ignored', 'position-ignored' (reads from the start), 'count-ignored',
    'one-block' (without count, only 256 bytes), 'more-by-default' (more_body defaults to True),
    'closes-file', 'buffered' (holds every part back until the last)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await probe(scope, receive, send)
            return
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "http.response.zerocopysend": {}}}
        zerocopied, held = False, b""

        async def sending(message: Message) -> None:
            nonlocal zerocopied, held
            if message["type"] == "http.response.body" and zerocopied and fault == "no-mixing":
                message = {"type": "http.response.body", "more_body": message.get("more_body", False)}
            if message["type"] == "http.response.zerocopysend":
                zerocopied = True
                file = message["file"]
                fd = file.fileno()
                offset, count = message.get("offset"), message.get("count")
                if offset is None or fault == "offset-ignored":
                    offset = 0 if fault == "position-ignored" else os.lseek(fd, 0, os.SEEK_CUR)
                    moves = True
                else:
                    moves = False
                if count is None or fault == "count-ignored":
                    count = 256 if fault == "one-block" else os.fstat(fd).st_size - offset
                data = os.pread(fd, count, offset)
                if moves:
                    os.lseek(fd, offset + len(data), os.SEEK_SET)
                if fault == "closes-file":
                    file.close()
                message = {"type": "http.response.body", "body": data,
                           "more_body": message.get("more_body", fault == "more-by-default")}
            if fault == "buffered" and message["type"] == "http.response.body":
                held += message.get("body", b"")
                if message.get("more_body"):
                    return
                message = {**message, "body": held}
            await send(message)

        await probe(scope, receive, sending)

    return app


zerocopy_emulation = zerocopy_shim()
zerocopy_not_mixable = zerocopy_shim("no-mixing")
zerocopy_offset_ignored = zerocopy_shim("offset-ignored")
zerocopy_reads_from_the_start = zerocopy_shim("position-ignored")
zerocopy_count_ignored = zerocopy_shim("count-ignored")
zerocopy_stops_short_of_the_end = zerocopy_shim("one-block")
zerocopy_more_body_by_default = zerocopy_shim("more-by-default")
zerocopy_closes_the_file = zerocopy_shim("closes-file")
zerocopy_held_until_the_end = zerocopy_shim("buffered")
