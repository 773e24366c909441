"""The WebSocket Denial Response extension (extensions.rst, "Websocket Denial Response"): whether
the websocket scope advertises websocket.http.response (reported), and where it does, the app's
own HTTP response (status, headers, body in parts, defaults) reaching the client, the connection
closed after it, the app told of the disconnect, and an accept after the response's start
refused. A close before the accept, without the extension, is test_websocket_handshake.py's.

The probe's /deny-http sends websocket.http.response.start and .body as its query string asks,
and reports to the recorder what receive() gives afterwards. One exchange of each kind is shared
by the checks that read it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from conformance.checks.asgi.ws import APP_WAITS_AFTER_CLOSE, CLOSE_WAIT, WsServer, disconnect_after
from conformance.checks.per_instance import PerInstance
from conformance.checks.wire import read_until_closed
from conformance.clients.raw import Response, read_response
from conformance.clients.websocket import handshake, new_key
from conformance.recorder import TOKEN_HEADER
from conformance.verify import verify

DENIAL_EXTENSION = "websocket.http.response"
DENIAL = [("status", "401"), ("header", "content-type:text/plain"), ("header", "www-authenticate:Bearer"),
          ("header", "x-probe-denial:yes"), ("body", "denied by the app")]

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


def denial_response(ws: WsServer, params: list[tuple[str, str]], name: str,
                    close_judged: bool = False) -> dict[str, Any]:
    """The app's denial response to a handshake to /deny-http?params, read as HTTP, and, where a
    check judges it (``close_judged``), whether the server closed the connection after it; the other
    exchanges do not wait out CLOSE_WAIT on a server that keeps the connection open."""
    def run() -> dict[str, Any]:
        token = ws.new_token()
        target = ws.target("/deny-http", params)
        request = handshake(target, f"{ws.host}:{ws.port}", new_key(), [(TOKEN_HEADER, token)])
        with socket.create_connection((ws.host, ws.port), timeout=5.0) as sock:
            sock.sendall(request)
            response = read_response(sock, timeout=5.0)
            rest, closed = read_until_closed(sock, CLOSE_WAIT) if close_judged else (b"", None)
        return {"response": response, "closed": closed, "after": rest, "token": token, "target": target}

    return _exchanges.once(ws, name, run)


def require_denial_extension(ws: WsServer) -> None:
    if DENIAL_EXTENSION not in ws.extensions:
        pytest.skip(f"not applicable: the websocket scope does not advertise the {DENIAL_EXTENSION} extension")


def shown(response: Response) -> str:
    headers = ", ".join(f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in response.headers)
    return f"HTTP {response.status} [{headers}] body {response.body[:200]!r}"


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-001")
def test_whether_the_denial_response_extension_is_offered_is_reported(ws: WsServer,
                                                                     observe: Callable[[str], None]) -> None:
    advertised = DENIAL_EXTENSION in ws.extensions
    observe(f"{DENIAL_EXTENSION} {'advertised' if advertised else 'not advertised'} in the websocket scope")


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-002")
def test_the_apps_denial_response_reaches_the_client(ws: WsServer, observe: Callable[[str], None]) -> None:
    require_denial_extension(ws)
    exchange = denial_response(ws, DENIAL, "denial", close_judged=True)
    response: Response = exchange["response"]
    ok = (response.status == 401 and response.header_values("www-authenticate") == [b"Bearer"]
          and response.header_values("x-probe-denial") == [b"yes"] and response.body == b"denied by the app")
    extra = [f"{name.decode('latin-1')}: {value.decode('latin-1')}" for name, value in response.headers
             if name.lower() in (b"upgrade", b"sec-websocket-accept")]
    if extra:  # nothing forbids them on a refusal, but a 101's headers on a 401 are worth showing
        observe(f"the denial response also carries {', '.join(extra)}")
    verify(ok, sent=f"GET {exchange['target']} with Upgrade: websocket; the app sends websocket.http.response.start "
                    "(401, www-authenticate: Bearer, x-probe-denial: yes) and .body 'denied by the app'",
           expected="HTTP 401 with those headers and that body", got=shown(response))


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-003")
def test_a_denial_body_in_parts_arrives_whole(ws: WsServer) -> None:
    require_denial_extension(ws)
    params = [("status", "409"), ("body", "denied in three parts"), ("parts", "3")]
    exchange = denial_response(ws, params, "parts")
    response: Response = exchange["response"]
    verify(response.status == 409 and response.body == b"denied in three parts",
           sent=f"GET {exchange['target']} with Upgrade: websocket; the app sends the denial body in three "
                "websocket.http.response.body events (more_body true, true, false)",
           expected="HTTP 409 with body 'denied in three parts'", got=shown(response))


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-004")
def test_the_connection_is_closed_after_the_denial_response(ws: WsServer) -> None:
    require_denial_extension(ws)
    exchange = denial_response(ws, DENIAL, "denial", close_judged=True)
    verify(exchange["closed"], sent=f"GET {exchange['target']} with Upgrade: websocket; the app sends its denial "
                                    "response",
           expected=f"after the response, the server closes the connection (waited {CLOSE_WAIT:g} s)",
           got=f"the connection was still open (bytes after the response: {exchange['after'][:100]!r})")


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-006")
@pytest.mark.parametrize("omit", ["headers", "body"])
def test_a_denial_without_headers_or_body_is_a_valid_response(ws: WsServer, omit: str) -> None:
    require_denial_extension(ws)
    exchange = denial_response(ws, [("status", "404"), ("omit", omit)], f"omit-{omit}")
    response: Response = exchange["response"]
    what = ("websocket.http.response.start without a headers key, then a body event"
            if omit == "headers" else "a start (404), then {'type': 'websocket.http.response.body'} alone")
    verify(response.status == 404 and response.body == b"",
           sent=f"GET {exchange['target']} with Upgrade: websocket; the app sends {what}",
           expected="HTTP 404 with an empty body", got=shown(response))


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-007")
def test_the_app_is_told_of_the_disconnect_after_its_denial_response(ws: WsServer) -> None:
    require_denial_extension(ws)
    exchange = denial_response(ws, DENIAL, "denial", close_judged=True)
    got = disconnect_after(ws, exchange["token"], "after-deny-http")
    verify(got == "websocket.disconnect",
           sent=f"GET {exchange['target']} with Upgrade: websocket; after its denial response the app calls receive()",
           expected="receive() returns websocket.disconnect",
           got=f"receive() gave {got} (the app waited {APP_WAITS_AFTER_CLOSE:g} s)")


@pytest.mark.requirement("ASGI-EXT-WSDENIAL-005")
def test_an_accept_after_the_denial_start_raises(ws: WsServer, observe: Callable[[str], None]) -> None:
    require_denial_extension(ws)
    token = ws.new_token()
    target = ws.target("/deny-http/then-accept", [*DENIAL, ("then", "accept")])
    with socket.create_connection((ws.host, ws.port), timeout=5.0) as sock:
        sock.sendall(handshake(target, f"{ws.host}:{ws.port}", new_key(), [(TOKEN_HEADER, token)]))
        answer, _ = read_until_closed(sock, CLOSE_WAIT)
    raised = ws.reported(token, "accept-after-start").get("raised")
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0]
    denied = status_line.startswith(b"HTTP/1.1 401") and b"denied by the app" in body
    if raised:
        observe(f"the accept after websocket.http.response.start raised {raised}")
    elif denied:
        observe("the accept after websocket.http.response.start returned without raising; the client still got the "
                "app's denial response")
    verify(bool(raised) or denied,
           sent=f"GET {target} with Upgrade: websocket; the app sends websocket.http.response.start (401), then "
                "websocket.accept, then the body 'denied by the app'",
           expected="send() raises for the accept (or, if it returns, the client still gets the app's 401 and body)",
           got=f"send() returned; the client got {answer[:300]!r}")
