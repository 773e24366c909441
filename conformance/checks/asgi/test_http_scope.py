"""ASGI HTTP connection scope (www.rst, "HTTP Connection Scope"): over HTTP/1.1, as properties
over many generated requests (hypothesis), over HTTP/2 (www.rst, "HTTP"), and from a server
started another way: over TLS with a certificate made here, over HTTP/2 on that TLS where ALPN
picks h2, and mounted at a root path (www.rst, "WSGI Compatibility").

Every check sends a request to the ASGI probe app's /scope scenario, which answers with the
scope it was called with (values of their exact types), and compares it with what was sent. The
HTTP/2 checks talk h2c (see http2.py). Over TLS the checks read the TLS instance the checks share
(conformance/checks/launching.py; its scope is the tls_scope fixture of conftest.py); the root
path needs a dedicated instance. A server whose adapter has no such launch variant (a
--server-cmd server, or one that cannot be started that way) is reported not applicable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import given

from conformance.checks.asgi.gating import HTTP_SPEC_VERSIONS
from conformance.checks.asgi.http2 import h2, scope_of
from conformance.checks.launching import TlsServer, needs_variant, trusting
from conformance.clients.h2 import H2Request, NoHTTP2, alpn_context, exchange
from conformance.clients.raw import RawClient, read_response
from conformance.launcher import ServerProcess
from conformance.probe_data import revive, type_name
from conformance.probing import fetch_scope
from conformance.servers import ServerSpec
from conformance.strategies import (
    PROPERTY_SETTINGS,
    encoded_path,
    has_obs_text,
    header_lists,
    padded_fields,
    path_texts,
    query_strings,
    raw_path_segments,
)
from conformance.verify import verify


def header_values(scope: dict, name: bytes) -> list[bytes]:
    return [bytes(v) for n, v in scope.get("headers", []) if bytes(n).lower() == name]


@pytest.mark.requirement("ASGI-HTTP-SCOPE-001", "ASGI-GEN-004")
def test_scope_type_is_http(asgi_http: httpx.Client) -> None:
    scope, _, _ = fetch_scope(asgi_http)
    verify(scope.get("type") == "http", sent="GET /scope", expected="type 'http'", got=repr(scope.get("type")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-003", "ASGI-GEN-007")
def test_spec_version_is_an_http_spec_version(asgi_http: httpx.Client, observe: Callable[[str], None]) -> None:
    """Reads asgi.spec_version of an HTTP scope: absent (apps assume "2.0"; reported), or a version of
    the HTTP spec."""
    scope, _, _ = fetch_scope(asgi_http)
    spec_version = (scope.get("asgi") or {}).get("spec_version")
    observe(f"asgi.spec_version = {spec_version!r}" + (" (missing: apps assume '2.0')" if spec_version is None else ""))
    verify(spec_version is None or spec_version in HTTP_SPEC_VERSIONS, sent="GET /scope",
           expected=f"asgi.spec_version absent or one of {', '.join(HTTP_SPEC_VERSIONS)}",
           got=f"asgi.spec_version = {spec_version!r}")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-004")
@pytest.mark.parametrize("http_version", ["1.1", "1.0"])
def test_http_version_is_the_version_of_the_request(asgi: RawClient, http_version: str) -> None:
    scope, _, _ = fetch_scope(asgi, http_version=http_version)
    verify(scope.get("http_version") == http_version, sent=f"GET /scope HTTP/{http_version}",
           expected=f"http_version {http_version!r}", got=repr(scope.get("http_version")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-005")
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_method_is_the_uppercased_method_sent(asgi_http: httpx.Client, method: str) -> None:
    scope, _, _ = fetch_scope(asgi_http, method=method, body=b"x" if method in ("POST", "PUT", "PATCH") else b"")
    got = scope.get("method")
    verify(type(got) is str and got == method, sent=f"{method} /scope",
           expected=f"method {method!r} (a str)", got=f"{got!r} ({type_name(got)})")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-006")
def test_scheme_is_http_or_absent_on_a_plain_listener(asgi_http: httpx.Client) -> None:
    scope, _, _ = fetch_scope(asgi_http)
    scheme = scope.get("scheme", "http")
    verify(scheme == "http", sent="GET /scope over plain HTTP",
           expected="scheme 'http' or no scheme key (never '')", got=repr(scope.get("scheme", "<absent>")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-007")
@pytest.mark.parametrize(
    ("target", "path"),
    [(b"/scope/caf%C3%A9/a%20b", "/scope/café/a b"), (b"/scope/%7Euser/x+y", "/scope/~user/x+y")],
    ids=["utf8-and-space", "tilde-and-plus"],
)
def test_path_is_percent_and_utf8_decoded(asgi: RawClient, target: bytes, path: str) -> None:
    scope, _, _ = fetch_scope(asgi, target)
    got = scope.get("path")
    verify(type(got) is str and got == path, sent=f"GET {target.decode()}",
           expected=f"path {path!r} (a str)", got=f"{got!r} ({type_name(got)})")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-008")
def test_path_excludes_the_query_string(asgi: RawClient) -> None:
    scope, _, _ = fetch_scope(asgi, b"/scope/p?x=1&y=2")
    verify(scope.get("path") == "/scope/p", sent="GET /scope/p?x=1&y=2",
           expected="path '/scope/p'", got=repr(scope.get("path")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-010")
def test_raw_path_is_the_path_bytes_as_received(asgi: RawClient) -> None:
    target = b"/scope/a%2Fb/caf%C3%A9/%7e?x=1"
    scope, _, _ = fetch_scope(asgi, target)
    raw_path = scope.get("raw_path")
    if raw_path is None:
        pytest.skip("not applicable: the server does not provide raw_path (optional)")
    expected = target.split(b"?")[0]
    verify(type(raw_path) is bytes and raw_path == expected, sent=f"GET {target.decode()}",
           expected=f"raw_path {expected!r} (bytes, byte-exact, no query)", got=f"{raw_path!r} ({type_name(raw_path)})")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-012")
def test_query_string_is_the_bytes_after_the_question_mark(asgi: RawClient) -> None:
    query = b"a=%20b&c=d+e&e=%E2%82%AC&f=%2f"
    scope, _, _ = fetch_scope(asgi, b"/scope?" + query)
    got = scope.get("query_string")
    verify(type(got) is bytes and got == query, sent=f"GET /scope?{query.decode()}",
           expected=f"query_string {query!r} (bytes, not decoded)", got=f"{got!r} ({type_name(got)})")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-013")
@pytest.mark.parametrize("target", [b"/scope", b"/scope?"], ids=["no-question-mark", "bare-question-mark"])
def test_query_string_is_empty_without_a_query(asgi: RawClient, target: bytes) -> None:
    scope, _, _ = fetch_scope(asgi, target)
    got = scope.get("query_string", "<absent>")
    verify(got == b"" and type(got) is bytes, sent=f"GET {target.decode()}",
           expected="query_string b''", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-014")
def test_root_path_is_empty_by_default(asgi_http: httpx.Client) -> None:
    scope, _, _ = fetch_scope(asgi_http)
    root_path = scope.get("root_path", "")
    verify(type(root_path) is str and root_path == "", sent="GET /scope (server started without a root path)",
           expected="root_path '' or absent", got=repr(scope.get("root_path")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-016", "ASGI-GEN-011")
def test_headers_are_pairs_of_bytes(asgi: RawClient) -> None:
    scope, _, _ = fetch_scope(asgi, headers=[("X-Probe", "1"), ("Accept", "*/*")])
    headers = scope.get("headers")
    bad = [h for h in (headers or []) if len(h) != 2 or type(h[0]) is not bytes or type(h[1]) is not bytes]
    verify(isinstance(headers, (list, tuple)) and headers and not bad,
           sent="GET /scope with X-Probe: 1 and Accept: */*",
           expected="headers an iterable of [name, value] pairs, both bytes",
           got=repr(bad or headers))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-017")
def test_repeated_header_values_keep_their_order(asgi: RawClient) -> None:
    sent = [("X-Multi", "1"), ("X-Other", "a"), ("X-Multi", "2"), ("X-Multi", "3")]
    scope, _, _ = fetch_scope(asgi, headers=sent)
    got = header_values(scope, b"x-multi")
    verify(got == [b"1", b"2", b"3"], sent="GET /scope with X-Multi: 1, X-Other: a, X-Multi: 2, X-Multi: 3",
           expected="x-multi values [b'1', b'2', b'3'], in that order", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-018")
def test_duplicate_headers_are_kept_apart(asgi: RawClient) -> None:
    scope, _, _ = fetch_scope(asgi, headers=[("X-Dup", "a"), ("X-Dup", "b")])
    got = header_values(scope, b"x-dup")
    verify(got == [b"a", b"b"], sent="GET /scope with X-Dup: a and X-Dup: b",
           expected="two x-dup entries, b'a' then b'b' (not joined)", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-019")
def test_header_name_case_is_reported(asgi: RawClient, observe: Callable[[str], None]) -> None:
    """Informational: lowercased or kept as sent, both are allowed."""
    scope, _, _ = fetch_scope(asgi, headers=[("X-MiXeD-Case", "v")])
    names = [bytes(n) for n, _ in scope.get("headers", []) if bytes(n).lower() == b"x-mixed-case"]
    choice = "lowercased" if names == [b"x-mixed-case"] else f"kept as {names!r}"
    observe(f"header names are {choice}")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-020")
def test_header_values_are_the_exact_bytes_sent(asgi: RawClient) -> None:
    """UTF-8 and a lone latin-1 octet (obs-text); a refusal with 400 is HTTP1-PARSE-070's failure."""
    response = asgi.request("GET", "/scope", [(b"X-Utf8", b"caf\xc3\xa9"), (b"X-Obs", b"\xe9 \t!~")])
    if response.status == 400:
        pytest.skip("not applicable: the server refused obs-text in header values with 400 (its failure is "
                    "HTTP1-PARSE-070's)")
    scope = revive(response.json()["scope"])
    got = (header_values(scope, b"x-utf8"), header_values(scope, b"x-obs"))
    verify(got == ([b"caf\xc3\xa9"], [b"\xe9 \t!~"]),
           sent="GET /scope with X-Utf8: caf\\xc3\\xa9 and X-Obs: \\xe9 \\t!~",
           expected="x-utf8 b'caf\\xc3\\xa9' and x-obs b'\\xe9 \\t!~'", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-023")
def test_client_is_the_peer_address_and_port(asgi: RawClient) -> None:
    with asgi.connect() as sock:
        local_host, local_port = sock.getsockname()[:2]
        sock.sendall(b"GET /scope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        scope = revive(read_response(sock).json()["scope"])
    client = scope.get("client")
    if client is None:
        pytest.skip("not applicable: the server does not provide client (optional)")
    ok = len(client) == 2 and type(client[0]) is str and type(client[1]) is int and \
        list(client) == [local_host, local_port]
    verify(ok, sent=f"GET /scope from {local_host}:{local_port}",
           expected=f"client [{local_host!r}, {local_port}] (str, int)", got=repr(client))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-025")
def test_server_is_the_listening_address_and_port(asgi: RawClient, asgi_server: ServerProcess) -> None:
    scope, _, _ = fetch_scope(asgi)
    server = scope.get("server")
    if server is None:
        pytest.skip("not applicable: the server does not provide server (optional)")
    expected = [asgi_server.host, asgi_server.port]
    ok = len(server) == 2 and type(server[0]) is str and type(server[1]) is int and list(server) == expected
    verify(ok, sent=f"GET /scope to {asgi_server.host}:{asgi_server.port}",
           expected=f"server {expected!r} (str, int)", got=repr(server))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-009")
def test_an_encoded_slash_is_decoded_in_path(asgi: RawClient) -> None:
    """path only: what raw_path holds is ASGI-HTTP-SCOPE-010's."""
    scope, _, _ = fetch_scope(asgi, b"/scope/a%2Fb")
    verify(scope.get("path") == "/scope/a/b", sent="GET /scope/a%2Fb", expected="path '/scope/a/b'",
           got=f"path {scope.get('path')!r}")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-011")
def test_raw_path_excludes_the_query_string(asgi: RawClient) -> None:
    scope, _, _ = fetch_scope(asgi, b"/scope/q?x=1&y=%3F")
    raw_path = scope.get("raw_path")
    if raw_path is None:
        pytest.skip("not applicable: the server does not provide raw_path (optional)")
    verify(raw_path == b"/scope/q", sent="GET /scope/q?x=1&y=%3F", expected="raw_path b'/scope/q'",
           got=repr(raw_path))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-026", "ASGI-GEN-001")
def test_each_request_on_a_connection_gets_its_own_scope(asgi: RawClient) -> None:
    paths = ["/scope/first", "/scope/second"]
    got = []
    with asgi.connect() as sock:
        for index, path in enumerate(paths):
            last = index == len(paths) - 1
            extra = "Connection: close\r\n" if last else ""
            try:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
            except OSError:
                pytest.skip("not applicable: the server closed the connection after the first response")
            got.append(revive(read_response(sock).json()["scope"]).get("path"))
    verify(got == paths, sent="GET /scope/first, then GET /scope/second on the same connection",
           expected="two calls of the app, each with its own request's path", got=repr(got))


HOLD = 1.5  # seconds the long-polling app keeps its response open with nothing sent


@pytest.mark.requirement("ASGI-HTTP-SCOPE-027")
def test_a_response_held_open_completes(asgi: RawClient) -> None:
    """Long-polling: the app sends its start, then nothing for 1.5 s, then its body."""
    target = f"/stream?chunks=1&size=16&hold={HOLD:g}"
    try:
        response = asgi.request("GET", target)
        ok = response.status == 200 and response.body == b"0" + b"." * 15
        got = f"status {response.status}, body {response.body!r}"
    except (OSError, AssertionError) as error:
        ok, got = False, f"no complete response ({error})"
    verify(ok, sent=f"GET {target} (the start, {HOLD:g} s of nothing, then a 16-byte body)",
           expected="the complete response: the connection scope lasts until the response ends", got=got)


# --- properties, over many generated requests (hypothesis) ----------------------------------------


@pytest.mark.requirement("ASGI-HTTP-SCOPE-007")
@PROPERTY_SETTINGS
@given(text=path_texts())
def test_path_is_the_decoding_of_the_target(asgi: RawClient, text: str) -> None:
    target = b"/scope/" + encoded_path(text)
    scope, _, _ = fetch_scope(asgi, target)
    verify(scope.get("path") == "/scope/" + text, sent=f"GET {target.decode()}",
           expected=f"path {'/scope/' + text!r}", got=repr(scope.get("path")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-010")
@PROPERTY_SETTINGS
@given(path=raw_path_segments())
def test_raw_path_is_exactly_the_bytes_sent(asgi: RawClient, path: bytes) -> None:
    target = b"/scope/" + path
    scope, _, _ = fetch_scope(asgi, target + b"?q=1")
    if scope.get("raw_path") is None:
        pytest.skip("not applicable: the server does not provide raw_path (optional)")
    verify(scope["raw_path"] == target, sent=f"GET {target.decode()}?q=1",
           expected=f"raw_path {target!r}", got=repr(scope["raw_path"]))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-012")
@PROPERTY_SETTINGS
@given(query=query_strings())
def test_query_string_is_exactly_the_bytes_sent(asgi: RawClient, query: bytes) -> None:
    scope, _, _ = fetch_scope(asgi, b"/scope?" + query)
    verify(scope.get("query_string") == query, sent=f"GET /scope?{query.decode()}",
           expected=f"query_string {query!r}", got=repr(scope.get("query_string")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-017", "ASGI-HTTP-SCOPE-018")
@PROPERTY_SETTINGS
@given(headers=header_lists())
def test_header_values_keep_their_order_and_duplicates(asgi: RawClient, headers: list[tuple[bytes, bytes]]) -> None:
    scope, _, _ = fetch_scope(asgi, headers=headers)
    pairs = [(bytes(n).lower(), bytes(v)) for n, v in scope.get("headers", [])]
    got = [(n, v) for n, v in pairs if n.startswith(b"x-probe-")]
    for name in {n for n, _ in headers}:
        sent_values = [v for n, v in headers if n == name]
        got_values = [v for n, v in got if n == name]
        verify(got_values == sent_values, sent=f"GET /scope with headers {headers}",
               expected=f"{name.decode()} values {sent_values}, each apart, in order", got=repr(got_values))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-020")
@PROPERTY_SETTINGS
@given(fields=padded_fields())
def test_header_values_are_the_bytes_sent_over_the_range_rfc_9110_allows(
        asgi: RawClient, fields: list[tuple[bytes, bytes, bytes]]) -> None:
    """Values of visible ASCII and obs-text with SP and HTAB inside, sent with OWS around them: the
    scope holds each value's bytes. (The OWS itself is HTTP1-PARSE-051's: ignored here either way;
    a refusal of obs-text is HTTP1-PARSE-070's: such an example is set aside.)"""
    sent = [(name, padded) for name, _, padded in fields]
    response = asgi.request("GET", "/scope", sent)
    if response.status == 400 and any(has_obs_text(value) for _, value, _ in fields):
        return  # set aside, not rejected: a server refusing all obs-text must still get a verdict
    scope = revive(response.json()["scope"]) if response.status == 200 else {}
    got = {bytes(n).lower(): bytes(v) for n, v in scope.get("headers", []) if bytes(n).lower().startswith(b"x-probe-")}
    wanted = {name: value for name, value, _ in fields}
    verify({name: value.strip(b" \t") for name, value in got.items()} == wanted,
           sent=f"GET /scope with the fields {sent} (the padding is OWS)", expected=f"the values {wanted}",
           got=f"status {response.status}, values {got}")


# --- over HTTP/2 (www.rst, "HTTP"), in cleartext with prior knowledge (h2c) -----------------------


def scope_headers(scope: dict) -> list[tuple[bytes, bytes]]:
    return [(bytes(n), bytes(v)) for n, v in scope.get("headers", [])]


@pytest.mark.requirement("ASGI-HTTP-SCOPE-004")
def test_http_version_is_2_over_http2(asgi_server: ServerProcess) -> None:
    scope = scope_of(h2(asgi_server, H2Request(path="/scope"))[0])
    verify(scope.get("http_version") == "2", sent="GET /scope over HTTP/2 (h2c)", expected="http_version '2'",
           got=repr(scope.get("http_version")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-021")
def test_no_pseudo_headers_in_the_scope(asgi_server: ServerProcess) -> None:
    headers = scope_headers(scope_of(h2(asgi_server, H2Request(path="/scope"))[0]))
    pseudo = [name for name, _ in headers if name.startswith(b":")]
    verify(not pseudo, sent="GET /scope over HTTP/2 (:method, :scheme, :authority, :path)",
           expected="no header name starting with ':' in scope['headers']", got=repr(pseudo))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-022")
def test_authority_becomes_the_first_host_header(asgi_server: ServerProcess) -> None:
    authority = f"{asgi_server.host}:{asgi_server.port}"
    headers = scope_headers(scope_of(h2(asgi_server, H2Request(path="/scope", headers=[(b"x-probe", b"1")]))[0]))
    hosts = [value for name, value in headers if name.lower() == b"host"]
    verify(bool(headers) and headers[0] == (b"host", authority.encode()) and len(hosts) == 1,
           sent=f"GET /scope over HTTP/2 with :authority {authority} and no host header",
           expected=f"scope['headers'] starting with (b'host', {authority.encode()!r}), the only host",
           got=repr(headers[:3]))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-018")
def test_duplicate_headers_are_kept_apart_over_http2(asgi_server: ServerProcess,
                                                     observe: Callable[[str], None]) -> None:
    sent = [(b"x-dup", b"1"), (b"cookie", b"a=1"), (b"x-dup", b"2"), (b"cookie", b"b=2")]
    headers = scope_headers(scope_of(h2(asgi_server, H2Request(path="/scope", headers=sent))[0]))
    cookies = [value for name, value in headers if name == b"cookie"]
    observe(f"HTTP/2 cookie fields reach the app as {cookies!r}")
    got = [value for name, value in headers if name == b"x-dup"]
    verify(got == [b"1", b"2"], sent="GET /scope over HTTP/2 with x-dup: 1, cookie: a=1, x-dup: 2, cookie: b=2",
           expected="two x-dup entries, b'1' then b'2'", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-028")
def test_concurrent_streams_get_their_own_scopes(asgi_server: ServerProcess) -> None:
    paths = [f"/scope/stream-{index}" for index in range(4)]
    responses = h2(asgi_server, *(H2Request(path=path) for path in paths))
    got = [scope_of(response).get("path") for response in responses]
    verify(got == paths, sent=f"GET {', '.join(paths)}, all at once on one HTTP/2 connection",
           expected="each stream's response holds its own request's path", got=repr(got))


# --- a server started another way: over TLS, over HTTP/2 on TLS, at a root path -------------------

ROOT_PATH = "/mnt/probe"


@pytest.fixture(scope="module")
def h2_tls_scope(tls_server: TlsServer) -> dict:
    """The scope of GET /scope over HTTP/2 on TLS (ALPN h2); not applicable where ALPN picks HTTP/1.1."""
    server, ca = tls_server
    try:
        response = exchange(server.host, server.port, [H2Request(path="/scope")], tls=alpn_context(trusting(ca)))[0]
    except NoHTTP2 as error:
        pytest.skip(f"not applicable: no HTTP/2 over TLS ({error})")
    return revive(json.loads(response.body)["scope"])


@pytest.mark.requirement("ASGI-HTTP-SCOPE-006")
def test_scheme_is_https_over_tls(tls_scope: dict) -> None:
    verify(tls_scope.get("scheme") == "https", sent="GET /scope over TLS (a certificate for 127.0.0.1)",
           expected="scheme 'https' (a missing scheme means 'http', which is wrong here)",
           got=repr(tls_scope.get("scheme", "<absent>")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-004")
def test_http_version_is_2_over_tls(h2_tls_scope: dict) -> None:
    verify(h2_tls_scope.get("http_version") == "2", sent="GET /scope over HTTP/2 on TLS (ALPN h2)",
           expected="http_version '2'", got=repr(h2_tls_scope.get("http_version")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-006")
def test_scheme_is_https_over_http2_on_tls(h2_tls_scope: dict) -> None:
    verify(h2_tls_scope.get("scheme") == "https", sent="GET /scope over HTTP/2 on TLS (ALPN h2)",
           expected="scheme 'https'", got=repr(h2_tls_scope.get("scheme", "<absent>")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-021")
def test_no_pseudo_headers_over_http2_on_tls(h2_tls_scope: dict) -> None:
    pseudo = [bytes(name) for name, _ in h2_tls_scope.get("headers", []) if bytes(name).startswith(b":")]
    verify(not pseudo, sent="GET /scope over HTTP/2 on TLS (:method, :scheme, :authority, :path)",
           expected="no header name starting with ':' in scope['headers']", got=repr(pseudo))


@pytest.fixture(scope="module")
def root_path_scope(dedicated_server: Callable, server_spec: ServerSpec) -> Iterator[dict]:
    """The scope of GET {ROOT_PATH}/scope/x from a dedicated instance told it is mounted at ROOT_PATH."""
    needs_variant(server_spec, "root_path")
    with dedicated_server("asgi", variant="root_path", values={"root_path": ROOT_PATH}) as server:
        scope, _, _ = fetch_scope(RawClient(server.host, server.port), f"{ROOT_PATH}/scope/x")
        yield scope


@pytest.mark.requirement("ASGI-HTTP-SCOPE-014")
def test_root_path_is_the_mount_point_the_server_was_given(root_path_scope: dict) -> None:
    got = root_path_scope.get("root_path")
    verify(type(got) is str and got == ROOT_PATH,
           sent=f"GET {ROOT_PATH}/scope/x to an instance started with the root path {ROOT_PATH!r}",
           expected=f"root_path {ROOT_PATH!r} (a str)", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-010")
def test_raw_path_is_the_path_bytes_as_received_under_a_root_path(root_path_scope: dict) -> None:
    """raw_path holds on every launch variant: mounted at a root path too, it is the bytes the client
    sent (whether path carries the root path is ASGI-HTTP-SCOPE-015's open question; raw_path's is not)."""
    raw_path = root_path_scope.get("raw_path")
    if raw_path is None:
        pytest.skip("not applicable: the server provides no raw_path (it may not: \"Optional\")")
    sent = f"{ROOT_PATH}/scope/x".encode()
    verify(raw_path == sent, sent=f"GET {ROOT_PATH}/scope/x to an instance started with the root path {ROOT_PATH!r}",
           expected=f"raw_path {sent!r}, the bytes received", got=f"raw_path {raw_path!r}")


@pytest.mark.requirement("ASGI-HTTP-SCOPE-015")
def test_how_path_relates_to_root_path_is_reported(root_path_scope: dict, observe: Callable[[str], None]) -> None:
    path, raw_path = root_path_scope.get("path"), root_path_scope.get("raw_path")
    includes = isinstance(path, str) and path.startswith(ROOT_PATH)
    observe(f"with root_path {root_path_scope.get('root_path')!r}, a request for {ROOT_PATH}/scope/x gives path "
            f"{path!r} ({'includes' if includes else 'does not include'} the root path), raw_path {raw_path!r}")
