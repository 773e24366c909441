"""ASGI mutants: uvicorn serving the probe app behind middleware that breaks one requirement.

Each mutant changes what the app is handed, or what reaches the server from it, exactly as a
faulty server would (see MUTANTS in __init__.py for the requirement each breaks). Like the probe
apps, this runs inside the server.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

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
