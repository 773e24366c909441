"""WebSocket mutants (conformance/requirements/asgi_websocket.toml): the scope (ASGI-WS-SCOPE, over
HTTP/1.1 and HTTP/2, and the lifespan state it carries, ASGI-STATE) and the handshake (ASGI-WS-HS).

The rest of the area: the denial response (asgi_websocket_denial.py), messages
(asgi_websocket_messages.py), close and disconnect (asgi_websocket_close.py, with ASGI-WS-SCOPE-016,
the connection an app's return must end), and what only the server itself can break (ws_shims.py).
The middleware they share is in ws_middleware.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from tests.configurations import HYPERCORN, HYPERCORN_TLS
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import Message, Receive, Scope, Send, Wrap, scope_change, sends, ws_mutant

# --- scope ------------------------------------------------------------------------------------


def _join_duplicates(scope: Scope) -> None:
    joined: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        joined[name] = joined[name] + b"," + value if name in joined else value
    scope["headers"] = list(joined.items())


def _without_handshake_headers(scope: Scope) -> None:
    scope["headers"] = [(n, v) for n, v in scope["headers"] if not n.lower().startswith(b"sec-websocket-")]


def _client_port_wrong(scope: Scope) -> None:
    host, port = scope["client"]
    scope["client"] = [host, port + 1]


def _server_port_str(scope: Scope) -> None:
    host, port = scope["server"]
    scope["server"] = [host, str(port)]


def _no_subprotocols_as_none(scope: Scope) -> None:
    if not scope.get("subprotocols"):
        scope["subprotocols"] = None


ws_type_http = breaks("ASGI-WS-SCOPE-001")(scope_change(lambda scope: scope.update(type="http")))
ws_asgi_version_missing = breaks("ASGI-WS-SCOPE-002")(
    scope_change(lambda scope: scope.update(asgi={"spec_version": "2.4"})))
ws_http_version_1_0 = breaks("ASGI-WS-SCOPE-003")(scope_change(lambda scope: scope.update(http_version="1.0")))
ws_scheme_http = breaks("ASGI-WS-SCOPE-004")(scope_change(lambda scope: scope.update(scheme="http")))
ws_path_not_decoded = breaks("ASGI-WS-SCOPE-005")(
    scope_change(lambda scope: scope.update(path=scope["raw_path"].decode("latin-1"))))
ws_raw_path_decoded = breaks("ASGI-WS-SCOPE-006")(
    scope_change(lambda scope: scope.update(raw_path=scope["path"].encode())))
ws_query_string_decoded = breaks("ASGI-WS-SCOPE-007")(
    scope_change(lambda scope: scope.update(query_string=unquote_to_bytes(scope["query_string"]))))
ws_root_path_set = breaks("ASGI-WS-SCOPE-008")(scope_change(lambda scope: scope.update(root_path="/mnt")))
ws_headers_joined = breaks("ASGI-WS-SCOPE-009")(scope_change(_join_duplicates))
ws_headers_grouped_by_name = breaks("ASGI-WS-SCOPE-017")(
    scope_change(lambda scope: scope.update(headers=sorted(scope["headers"]))))
ws_header_names_title_case = breaks("ASGI-WS-SCOPE-010", observes="reached the app kept as sent")(
    scope_change(lambda scope: scope.update(headers=[(n.decode().title().encode(), v) for n, v in scope["headers"]])))
ws_handshake_headers_dropped = breaks("ASGI-WS-SCOPE-018", observes="left out: sec-websocket-key")(
    scope_change(_without_handshake_headers))
ws_client_port_wrong = breaks("ASGI-WS-SCOPE-012")(scope_change(_client_port_wrong))
ws_server_port_str = breaks("ASGI-WS-SCOPE-013")(scope_change(_server_port_str))
ws_subprotocols_reversed = breaks("ASGI-WS-SCOPE-014")(
    scope_change(lambda scope: scope.update(subprotocols=scope["subprotocols"][::-1])))
ws_no_subprotocols_as_none = breaks("ASGI-WS-SCOPE-015")(scope_change(_no_subprotocols_as_none))
ws_scheme_ws_over_tls = breaks("ASGI-WS-SCOPE-019")(scope_change(lambda scope: scope.update(scheme="ws")))
ws_state_not_copied = breaks("ASGI-STATE-003")(scope_change(lambda scope: scope.update(state={})))
ws_state_missing = breaks("ASGI-STATE-007")(scope_change(lambda scope: scope.pop("state", None)))


# --- the scope over HTTP/2 (on hypercorn, which offers WebSocket over it) -----------------------


def _h2_only(change: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
    return lambda scope: change(scope) if scope.get("http_version") == "2" else None


ws_h2_http_version_1_1 = breaks("ASGI-WS-SCOPE-020", server=HYPERCORN, variants=HYPERCORN_TLS)(
    scope_change(_h2_only(lambda scope: scope.update(http_version="1.1"))))
ws_h2_pseudo_header_kept = breaks("ASGI-WS-SCOPE-011", server=HYPERCORN, variants=HYPERCORN_TLS)(
    scope_change(_h2_only(lambda scope: scope.update(headers=[(b":protocol", b"websocket"), *scope["headers"]]))))


# --- connect and accept -----------------------------------------------------------------------


def _accept(change: Callable[[Scope, Message], Message]) -> Callable[[Scope, Message], Message]:
    return lambda scope, message: change(scope, message) if message["type"] == "websocket.accept" else message


def _receive_first(event: Message) -> Wrap:
    """A receive() that hands the app ``event`` before anything the server sends."""

    def wrap(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
        pending = [event]

        async def first_then_server() -> Message:
            return pending.pop() if pending else await receive()

        return scope, first_then_server, send

    return wrap


def _accepts_at_once(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """Completes the handshake as soon as the connect event arrives, before the app decides."""

    async def eager_receive() -> Message:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        return message

    async def accept_dropped(message: Message) -> None:
        if message["type"] != "websocket.accept":
            await send(message)

    return scope, eager_receive, accept_dropped


def _bare_accept_refused(scope: Scope, message: Message) -> Message:
    return {"type": "websocket.close"} if message.keys() == {"type"} else message


def _bogus_accept_key(scope: Scope, message: Message) -> Message:
    return {**message, "headers": [(b"sec-websocket-accept", b"bm90IHRoZSByaWdodCBrZXk=")]}


def _first_offered_chosen(scope: Scope, message: Message) -> Message:
    if message.get("subprotocol") is None and scope.get("subprotocols"):
        message["subprotocol"] = scope["subprotocols"][0]
    return message


def _spec_2_0_headers_ignored(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """The scope says spec_version 2.0, and the accept's headers are left out."""
    scope = {**scope, "asgi": {**scope.get("asgi", {}), "spec_version": "2.0"}}

    async def without_headers(message: Message) -> None:
        if message["type"] == "websocket.accept":
            message = {k: v for k, v in message.items() if k != "headers"}
        await send(message)

    return scope, receive, without_headers


ws_receive_before_connect = breaks("ASGI-WS-HS-001")(
    ws_mutant(_receive_first({"type": "websocket.receive", "text": "early"}), path="/inspect/first-event"))
ws_accepted_before_the_app = breaks("ASGI-WS-HS-002")(ws_mutant(_accepts_at_once, path="/inspect/held"))
ws_bare_accept_refused = breaks("ASGI-WS-HS-010")(sends(_accept(_bare_accept_refused), path="/inspect/bare-accept"))
ws_bogus_accept_key = breaks("ASGI-WS-HS-005")(sends(_accept(_bogus_accept_key), path="/inspect/accept-key"))
ws_subprotocol_dropped = breaks("ASGI-WS-HS-006")(
    sends(_accept(lambda scope, message: {**message, "subprotocol": None})))
ws_first_offered_subprotocol_chosen = breaks("ASGI-WS-HS-007")(sends(_accept(_first_offered_chosen)))
ws_accept_headers_dropped = breaks("ASGI-WS-HS-008")(sends(_accept(lambda scope, message: {**message, "headers": []})))
ws_accept_headers_reversed = breaks("ASGI-WS-HS-009")(
    sends(_accept(lambda scope, message: {**message, "headers": list(reversed(message.get("headers", [])))})))
ws_2_0_accept_headers_ignored = breaks("ASGI-WS-HS-011", observes="the headers were ignored")(
    ws_mutant(_spec_2_0_headers_ignored))


# --- refusal ----------------------------------------------------------------------------------


def _close_before_accept_accepted(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """Completes the handshake even when the app closes before accepting (then closes it)."""
    accepted = False

    async def accepting(message: Message) -> None:
        nonlocal accepted
        if message["type"] == "websocket.close" and not accepted:
            await send({"type": "websocket.accept"})
        accepted = accepted or message["type"] == "websocket.accept"
        await send(message)

    return scope, receive, accepting


ws_close_before_accept_accepted = breaks("ASGI-WS-HS-004")(ws_mutant(_close_before_accept_accepted, path="/deny"))
