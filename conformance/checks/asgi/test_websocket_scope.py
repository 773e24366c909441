"""The WebSocket connection scope (www.rst, "Websocket Connection Scope"): over HTTP/1.1, the
scope of one shared handshake; the connection closed once the app returns; the scheme over TLS;
and over HTTP/2 (RFC 8441 extended CONNECT), http_version "2", no pseudo-header and :authority as
the first host header.

One handshake, written byte for byte by the raw client, is shared by the checks that read its
scope (see ws_scope.py): a target with percent-escapes and UTF-8 in the path and the query, a
repeated header between two others, a header in mixed case and two offered subprotocols. The
probe's /inspect answers it with the scope as its first message (typed JSON: a str and bytes stay
apart). Over TLS the check reads the TLS instance the checks share (the adapter's tls launch
variant; conformance/checks/launching.py); over HTTP/2, one exchange per transport (see
ws_http2.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conformance.checks.asgi.gating import HTTP_SPEC_VERSIONS
from conformance.checks.asgi.ws import CLOSE_WAIT, WsServer, describe_code, end_of, first_message, needs_websocket
from conformance.checks.asgi.ws_scope import SENT, handshake, scope_of
from conformance.checks.launching import TlsServer, TlsServers, trusting
from conformance.clients.websocket import open_websocket
from conformance.servers import ServerSpec
from conformance.verify import verify

# What the scope must say of the shared handshake's target (ws_scope.TARGET).
PATH = "/inspect/café/x y"
RAW_PATH = b"/inspect/caf%C3%A9/x%20y"
QUERY = b"q=a%20b&s=%2F&e=%C3%A9"
HANDSHAKE_HEADERS = ("upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol")


def header_pairs(scope: dict[str, Any]) -> list[Any]:
    headers = scope.get("headers")
    return list(headers) if isinstance(headers, (list, tuple)) else []


def values_of(scope: dict[str, Any], name: bytes) -> list[Any]:
    return [pair[1] for pair in header_pairs(scope)
            if isinstance(pair, (list, tuple)) and len(pair) == 2 and isinstance(pair[0], bytes)
            and pair[0].lower() == name]


@pytest.mark.requirement("ASGI-WS-SCOPE-001", "ASGI-GEN-004")
def test_scope_type_is_websocket(ws: WsServer) -> None:
    scope = scope_of(ws)
    verify(scope.get("type") == "websocket", sent=SENT, expected="scope['type'] == 'websocket'",
           got=f"type {scope.get('type')!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-002")
def test_scope_has_an_asgi_dict_with_a_version_string(ws: WsServer, observe: Callable[[str], None]) -> None:
    asgi = scope_of(ws).get("asgi")
    ok = type(asgi) is dict and type(asgi.get("version")) is str and (
        "spec_version" not in asgi or asgi["spec_version"] in HTTP_SPEC_VERSIONS)
    if type(asgi) is dict:
        observe(f"websocket scope asgi.spec_version = {asgi.get('spec_version', '(absent: 2.0)')!r}")
    verify(ok, sent=SENT, expected=f"scope['asgi'] a dict with version a str, and spec_version absent or one of "
           f"{', '.join(HTTP_SPEC_VERSIONS)}", got=f"asgi {asgi!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-003")
def test_http_version_is_1_1_or_absent(ws: WsServer) -> None:
    scope = scope_of(ws)
    verify(scope.get("http_version", "1.1") == "1.1", sent=SENT + " (HTTP/1.1)",
           expected="http_version '1.1', or no http_version key (which means '1.1')",
           got=f"http_version {scope.get('http_version')!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-004")
def test_scheme_is_ws_or_absent_on_a_plain_listener(ws: WsServer) -> None:
    scope = scope_of(ws)
    verify(scope.get("scheme", "ws") == "ws", sent=SENT + " (no TLS)",
           expected="scheme 'ws', or no scheme key (which means 'ws'); never '' or 'http'",
           got=f"scheme {scope.get('scheme', '(absent)')!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-005")
def test_path_is_percent_and_utf8_decoded(ws: WsServer) -> None:
    path = scope_of(ws).get("path")
    verify(type(path) is str and path == PATH, sent=SENT, expected=f"path {PATH!r} (a str, without the query)",
           got=f"path {path!r} ({type(path).__name__})")


@pytest.mark.requirement("ASGI-WS-SCOPE-006")
def test_raw_path_is_the_path_bytes_as_received(ws: WsServer) -> None:
    scope = scope_of(ws)
    raw_path = scope.get("raw_path")
    verify(raw_path is None or (type(raw_path) is bytes and raw_path == RAW_PATH), sent=SENT,
           expected=f"raw_path {RAW_PATH!r} (bytes, the query left out), or None or absent",
           got=f"raw_path {raw_path!r}" if "raw_path" in scope else "raw_path absent")


@pytest.mark.requirement("ASGI-WS-SCOPE-007")
def test_query_string_is_the_bytes_after_the_question_mark(ws: WsServer) -> None:
    query = scope_of(ws).get("query_string")
    verify(type(query) is bytes and query == QUERY, sent=SENT, expected=f"query_string {QUERY!r} (bytes, not decoded)",
           got=f"query_string {query!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-008")
def test_root_path_is_empty_by_default(ws: WsServer) -> None:
    scope = scope_of(ws)
    root_path = scope.get("root_path", "")
    verify(type(root_path) is str and root_path == "", sent=SENT + " (no root path configured)",
           expected="root_path '' or absent", got=f"root_path {root_path!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-009")
def test_headers_are_byte_pairs_with_duplicates_kept_apart(ws: WsServer) -> None:
    scope = scope_of(ws)
    pairs = header_pairs(scope)
    malformed = [pair for pair in pairs if not (isinstance(pair, (list, tuple)) and len(pair) == 2
                                                and type(pair[0]) is bytes and type(pair[1]) is bytes)]
    dup = values_of(scope, b"x-dup")
    verify(bool(pairs) and not malformed and dup == [b"1", b"2"], sent=SENT,
           expected="headers: [name, value] pairs of bytes, with X-Dup as two pairs, values b'1' then b'2'",
           got=f"pairs that are not two bytes: {malformed[:3]}; X-Dup values {dup}" if pairs else
           f"headers {scope.get('headers')!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-017")
def test_headers_keep_the_order_they_were_sent_in(ws: WsServer) -> None:
    ours = [(bytes(pair[0]).lower(), pair[1]) for pair in header_pairs(scope_of(ws))
            if isinstance(pair, (list, tuple)) and len(pair) == 2 and isinstance(pair[0], bytes)
            and pair[0].lower() in (b"x-probe-order-a", b"x-dup", b"x-probe-order-b")]
    wanted = [(b"x-probe-order-a", b"a"), (b"x-dup", b"1"), (b"x-probe-order-b", b"b"), (b"x-dup", b"2")]
    verify(ours == wanted, sent=SENT, expected=f"these headers in the order sent: {wanted}", got=f"{ours}")


@pytest.mark.requirement("ASGI-WS-SCOPE-010")
def test_header_name_case_is_reported(ws: WsServer, observe: Callable[[str], None]) -> None:
    names = [pair[0] for pair in header_pairs(scope_of(ws)) if isinstance(pair, (list, tuple))
             and len(pair) == 2 and isinstance(pair[0], bytes) and pair[0].lower() == b"x-mixed-case"]
    case = ("lowercased" if names == [b"x-mixed-case"] else "kept as sent" if names == [b"X-Mixed-Case"]
            else f"as {names}" if names else "nowhere (not in the scope)")
    observe(f"header name 'X-Mixed-Case' reached the app {case}")


@pytest.mark.requirement("ASGI-WS-SCOPE-018")
def test_handshake_headers_in_the_scope_are_reported(ws: WsServer, observe: Callable[[str], None]) -> None:
    scope = scope_of(ws)
    present = [name for name in HANDSHAKE_HEADERS if values_of(scope, name.encode())]
    missing = [name for name in HANDSHAKE_HEADERS if name not in present]
    observe(f"handshake headers in the scope: {', '.join(present) or 'none'}"
            + (f"; left out: {', '.join(missing)}" if missing else ""))


def is_address(value: Any, host: str, port: int) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and value[0] == host and type(value[1]) is int \
        and value[1] == port


@pytest.mark.requirement("ASGI-WS-SCOPE-012")
def test_client_is_the_peer_address_and_port(ws: WsServer) -> None:
    exchange = handshake(ws)
    client, (host, port) = exchange["scope"].get("client"), exchange["local"]
    verify(client is None or is_address(client, host, port), sent=SENT + f" from {host}:{port}",
           expected=f"client [{host!r}, {port}] (the port an int), or None or absent", got=f"client {client!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-013")
def test_server_is_the_listening_address_and_port(ws: WsServer) -> None:
    server = scope_of(ws).get("server")
    verify(server is None or is_address(server, ws.host, ws.port), sent=SENT + f" to {ws.host}:{ws.port}",
           expected=f"server [{ws.host!r}, {ws.port}] (the port an int), or None or absent", got=f"server {server!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-014")
def test_subprotocols_are_the_offered_ones_in_order(ws: WsServer) -> None:
    offered = scope_of(ws).get("subprotocols")
    ok = isinstance(offered, (list, tuple)) and list(offered) == ["chat", "superchat"] and all(
        type(item) is str for item in offered)
    verify(ok, sent=SENT, expected="subprotocols ['chat', 'superchat'] (str, in that order)",
           got=f"subprotocols {offered!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-015")
def test_subprotocols_are_empty_when_none_are_offered(ws: WsServer) -> None:
    """The scope of the suite's first handshake, which offers no subprotocol."""
    offered = ws.scope.get("subprotocols", [])
    verify(isinstance(offered, (list, tuple)) and len(offered) == 0,
           sent="GET /inspect with Upgrade: websocket and no Sec-WebSocket-Protocol",
           expected="subprotocols [] or absent", got=f"subprotocols {offered!r}")


@pytest.mark.requirement("ASGI-WS-SCOPE-016")
def test_an_app_that_returns_gets_its_connection_closed(ws: WsServer, observe: Callable[[str], None]) -> None:
    code, state = end_of(ws, "/return")
    if state == "closed":
        observe(f"an app that returned after accept, without a close: {describe_code(code)}")
    verify(state == "closed", sent="(after accepting, the app returns without sending websocket.close)",
           expected=f"the server closes the connection (waited {CLOSE_WAIT:g} s)", got="the connection stayed open")


# --- over TLS (the shared TLS instance) -----------------------------------------------------------


@pytest.fixture(scope="module")
def wss_server(tls_servers: TlsServers, server_spec: ServerSpec) -> TlsServer:
    needs_websocket(server_spec)
    return tls_servers.server("asgi")


@pytest.mark.requirement("ASGI-WS-SCOPE-019")
def test_scheme_is_wss_over_tls(wss_server: TlsServer) -> None:
    server, ca = wss_server
    url = f"wss://{server.host}:{server.port}/inspect/wss"
    with open_websocket(url, tls=trusting(ca)) as connection:
        scope = first_message(connection)["scope"]
    verify(scope.get("scheme") == "wss", sent=f"a WebSocket handshake to {url} (TLS, a certificate for 127.0.0.1)",
           expected="scheme 'wss' (a missing scheme means 'ws', which is wrong here)",
           got=repr(scope.get("scheme", "<absent>")))


# --- over HTTP/2 (RFC 8441 extended CONNECT; the exchange of ws_http2.py) -------------------------


@pytest.mark.requirement("ASGI-WS-SCOPE-020")
def test_http_version_is_2_over_http2(over_h2: dict[str, Any]) -> None:
    scope = over_h2["scope"]
    verify(scope.get("http_version") == "2", sent=over_h2["sent"],
           expected="http_version '2' (a missing one means '1.1')", got=repr(scope.get("http_version", "<absent>")))


@pytest.mark.requirement("ASGI-WS-SCOPE-011")
def test_no_pseudo_headers_and_authority_is_the_first_host(over_h2: dict[str, Any]) -> None:
    exchange = over_h2
    headers = [(bytes(name), bytes(value)) for name, value in exchange["scope"].get("headers") or []]
    pseudo = [name for name, _ in headers if name.startswith(b":")]
    hosts = [value for name, value in headers if name.lower() == b"host"]
    ok = not pseudo and bool(headers) and headers[0] == (b"host", exchange["authority"]) and len(hosts) == 1
    verify(ok, sent=exchange["sent"] + " and no host header",
           expected=f"no header name starting with ':', and host {exchange['authority']!r} first (and once)",
           got=f"headers {headers[:8]}")
