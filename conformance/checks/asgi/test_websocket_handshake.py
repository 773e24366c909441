"""Connect and accept (www.rst, "Connect - receive event", "Accept - send event"; RFC 6455
section 4.2.2): the first event, the handshake waiting for the app, the 101 and its
Sec-WebSocket-Accept, the subprotocol, and the accept's headers from spec_version 2.1; and a close
before the accept ("Close - send event"), refused with 403 and the connection closed.

The raw client writes the handshake and reads the 101 as it came; the probe's /inspect accepts
as its query string asks (hold, subprotocol, header) and sends the scope and the connect event as
its first message. Each check uses its own sub-path of /inspect, so a mutant can break one. The
probe's /deny closes before accepting (one exchange, shared with test_websocket_disconnect.py: see
ws.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conformance.checks.asgi.ws import CLOSE_WAIT, WsServer, refused
from conformance.clients.raw import WireError
from conformance.clients.websocket import TEXT, Head, accept_value
from conformance.recorder import TOKEN_HEADER
from conformance.verify import verify

HOLD = 0.2  # seconds the app waits between websocket.connect and its accept


def sent(target: str, headers: list[tuple[str, str]] | None = None) -> str:
    extra = "".join(f", {name}: {value}" for name, value in headers or [])
    return f"GET {target} with Upgrade: websocket{extra}"


def shown_head(head: Head) -> str:
    return repr(head.raw[:600])


def accepted_with_headers(ws: WsServer, scenario: str, headers: list[tuple[str, str]]) -> tuple[str, Head]:
    """The target and the answer of a handshake whose app accepts with ``headers`` (spec_version 2.1)."""
    ws.require_version("2.1", "the accept's headers key")
    target = ws.target(scenario, headers)
    with ws.raw() as client:
        return target, client.open(target)


@pytest.mark.requirement("ASGI-WS-HS-001", "ASGI-WS-HS-012")
def test_the_first_event_is_websocket_connect(ws: WsServer) -> None:
    target = "/inspect/first-event"
    with ws.raw() as client:
        head = client.open(target)
        if head.status != 101:
            raise WireError(f"the handshake got HTTP {head.status}, not 101")
        first = client.recv_frame()
    connect = json.loads(first.payload)["connect"] if first.opcode == TEXT else {}
    verify(connect.get("type") == "websocket.connect", sent=sent(target),
           expected="the app's first receive() returns {'type': 'websocket.connect'}",
           got=f"the first event: {connect}")


@pytest.mark.requirement("ASGI-WS-HS-002")
def test_the_handshake_waits_for_the_apps_accept(ws: WsServer) -> None:
    token = ws.new_token()
    target = ws.target("/inspect/held", [("hold", HOLD)])
    with ws.raw() as client:
        head = client.open(target, [(TOKEN_HEADER, token)])
        events = [record.event for record in ws.recorder.records(token)]
    verify(head.status == 101 and "accepting" in events,
           sent=sent(target) + f" (the app accepts {HOLD:g} s after websocket.connect, once it has reported so)",
           expected="the 101 arrives only after the app decided to accept",
           got=f"HTTP {head.status} before the app's accept" if "accepting" not in events else f"HTTP {head.status}")


@pytest.mark.requirement("ASGI-WS-HS-010")
def test_a_bare_accept_completes_the_handshake(ws: WsServer) -> None:
    target = "/inspect/bare-accept"
    with ws.raw() as client:
        head = client.open(target)
    verify(head.status == 101, sent=sent(target) + "; the app sends {'type': 'websocket.accept'} and nothing else",
           expected="HTTP 101 Switching Protocols", got=f"HTTP {head.status}: {shown_head(head)}")


@pytest.mark.requirement("ASGI-WS-HS-005")
def test_the_101_carries_the_right_sec_websocket_accept(ws: WsServer) -> None:
    target = "/inspect/accept-key"
    with ws.raw() as client:
        head = client.open(target)
        expected_key = accept_value(client.key)
    upgrade = [v.lower() for v in head.values("upgrade")]
    connection = [token.strip().lower() for v in head.values("connection") for token in v.split(b",")]
    keys = head.values("sec-websocket-accept")
    ok = head.status == 101 and upgrade == [b"websocket"] and b"upgrade" in connection and keys == [expected_key]
    verify(ok, sent=sent(target) + f" and Sec-WebSocket-Key: {client.key.decode()}",
           expected=f"101 with Upgrade: websocket, Connection: Upgrade and exactly one Sec-WebSocket-Accept: "
                    f"{expected_key.decode()}", got=shown_head(head))


@pytest.mark.requirement("ASGI-WS-HS-006")
def test_the_accepted_subprotocol_is_in_the_101(ws: WsServer) -> None:
    target = ws.target("/inspect/subprotocol", [("subprotocol", "superchat")])
    offered = [("Sec-WebSocket-Protocol", "chat, superchat")]
    with ws.raw() as client:
        head = client.open(target, offered)
    chosen = head.values("sec-websocket-protocol")
    verify(head.status == 101 and chosen == [b"superchat"],
           sent=sent(target, offered) + "; the app accepts with subprotocol 'superchat'",
           expected="101 with Sec-WebSocket-Protocol: superchat", got=shown_head(head))


@pytest.mark.requirement("ASGI-WS-HS-007")
def test_no_subprotocol_is_chosen_unless_the_app_chooses_one(ws: WsServer) -> None:
    target = "/inspect/no-subprotocol"
    offered = [("Sec-WebSocket-Protocol", "chat")]
    with ws.raw() as client:
        head = client.open(target, offered)
    verify(head.status == 101 and not head.values("sec-websocket-protocol"),
           sent=sent(target, offered) + "; the app accepts without a subprotocol",
           expected="101 without a Sec-WebSocket-Protocol header", got=shown_head(head))


@pytest.mark.requirement("ASGI-WS-HS-008")
def test_the_accepts_headers_reach_the_client(ws: WsServer) -> None:
    headers = [("header", "x-probe-accept:yes"), ("header", "set-cookie:a=1"), ("header", "set-cookie:b=2")]
    target, head = accepted_with_headers(ws, "/inspect/accept-headers", headers)
    ok = head.status == 101 and head.values("x-probe-accept") == [b"yes"] and \
        head.values("set-cookie") == [b"a=1", b"b=2"]
    verify(ok, sent=sent(target) + "; the app accepts with headers x-probe-accept: yes, set-cookie: a=1, "
                                   "set-cookie: b=2",
           expected="101 with X-Probe-Accept: yes and two Set-Cookie lines, a=1 then b=2", got=shown_head(head))


@pytest.mark.requirement("ASGI-WS-HS-009")
def test_the_accepts_headers_keep_their_order(ws: WsServer) -> None:
    headers = [("header", "x-probe-order:1"), ("header", "x-probe-other:2"), ("header", "x-probe-order:3")]
    target, head = accepted_with_headers(ws, "/inspect/accept-order", headers)
    ours = [(name.lower(), value) for name, value in head.headers if name.lower().startswith(b"x-probe-")]
    if head.status == 101 and not ours:
        pytest.skip("not applicable here: none of the accept's headers reached the client (see ASGI-WS-HS-008)")
    wanted = [(b"x-probe-order", b"1"), (b"x-probe-other", b"2"), (b"x-probe-order", b"3")]
    verify(head.status == 101 and ours == wanted,
           sent=sent(target) + "; the app accepts with headers x-probe-order: 1, x-probe-other: 2, x-probe-order: 3",
           expected=f"101 with those lines in that order: {wanted}", got=shown_head(head))


@pytest.mark.requirement("ASGI-WS-HS-011")
def test_what_a_2_0_server_does_with_accept_headers_is_reported(ws: WsServer, observe: Callable[[str], None]) -> None:
    if ws.spec_version != "2.0":
        pytest.skip(f"not applicable: the websocket scope says spec_version {ws.spec_version}, which has the accept's "
                    "headers key (see ASGI-WS-HS-008)")
    target = ws.target("/inspect/accept-headers-2-0", [("header", "x-probe-accept:yes")])
    with ws.raw() as client:
        try:
            head: Head | None = client.open(target)
        except WireError:
            head = None
    if head is None:
        observe("an accept with headers from spec_version 2.0: the connection ended without an answer")
    elif head.status != 101:
        observe(f"an accept with headers from spec_version 2.0: the handshake was refused with HTTP {head.status}")
    elif head.values("x-probe-accept"):
        observe("an accept with headers from spec_version 2.0: the headers were sent in the 101")
    else:
        observe("an accept with headers from spec_version 2.0: the headers were ignored (a 101 without them)")


# --- a close before the accept (www.rst, "Close - send event") ------------------------------------


@pytest.mark.requirement("ASGI-WS-HS-004")
def test_a_close_before_accept_is_refused_with_403(ws: WsServer) -> None:
    head = refused(ws)["head"]
    verify(head.status == 403, sent="GET /deny with Upgrade: websocket; the app sends websocket.close before accepting",
           expected="HTTP 403 (the handshake not completed)", got=repr(head.raw[:400]))


@pytest.mark.requirement("ASGI-WS-HS-013")
def test_the_connection_is_closed_after_the_403(ws: WsServer) -> None:
    exchange = refused(ws)
    if exchange["head"].status != 403:
        pytest.skip("not applicable here: the close before accept was not answered with 403 (see ASGI-WS-HS-004)")
    verify(exchange["closed"], sent="GET /deny with Upgrade: websocket; the app sends websocket.close before accepting",
           expected=f"after the 403, the server closes the connection (waited {CLOSE_WAIT:g} s)",
           got="the connection was still open")
