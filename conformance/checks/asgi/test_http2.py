"""The ASGI HTTP scope, body and response over HTTP/2 (www.rst, "HTTP", "HTTP Connection Scope",
"Response Start", "Response Body").

Every check here talks HTTP/2 in cleartext with prior knowledge (h2c) and is not applicable to a
server that does not answer the HTTP/2 connection preface; the response checks also run over TLS
where ALPN picks h2. The probe scenarios are the HTTP/1.1 ones: /scope, /echo, /respond, /stream,
/linger, /trailers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from h2.exceptions import InvalidBodyLengthError

from conformance.checks.asgi.http2 import h2, scope_of
from conformance.checks.launching import TlsServer, TlsServers, trusting
from conformance.checks.wire import gap_between_parts
from conformance.clients.h2 import H2Request, H2Response, NoHTTP2, alpn_context, exchange
from conformance.launcher import ServerProcess
from conformance.verify import verify


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


@pytest.mark.requirement("ASGI-HTTP-RESP-004")
def test_set_cookie_fields_stay_separate_over_http2(asgi_server: ServerProcess) -> None:
    response = h2(asgi_server, H2Request(path="/respond?body=c&header=set-cookie:a%3D1&header=set-cookie:b%3D2"))[0]
    got = response.header_values(b"set-cookie")
    verify(got == [b"a=1", b"b=2"], sent="GET /respond over HTTP/2: the app sends set-cookie a=1 and b=2",
           expected="two set-cookie fields, a=1 then b=2", got=repr(got))


# --- the response over HTTP/2 (www.rst, "Response Start", "Response Body") ---------------------
# Each check twice: over h2c on the shared instance, and over TLS where ALPN picks h2, on the
# shared TLS instance, started by the adapter's tls launch variant (daphne speaks HTTP/2 only there).

H2Exchange = Callable[..., list[H2Response]]


@pytest.fixture(scope="module")
def tls_h2_server(tls_servers: TlsServers) -> TlsServer:
    return tls_servers.server("asgi")


@pytest.fixture(params=["h2c", "tls"])
def over_h2(request: pytest.FixtureRequest) -> H2Exchange:
    """Sends requests at once on one HTTP/2 connection: h2c, or TLS with ALPN h2; skips where the
    server does not speak HTTP/2 that way."""
    if request.param == "h2c":
        server: ServerProcess = request.getfixturevalue("asgi_server")
        return lambda *requests: h2(server, *requests)
    tls_server, ca = request.getfixturevalue("tls_h2_server")

    def over_tls(*requests: H2Request) -> list[H2Response]:
        try:
            return exchange(tls_server.host, tls_server.port, list(requests), tls=alpn_context(trusting(ca)))
        except NoHTTP2 as error:
            pytest.skip(f"not applicable: no HTTP/2 over TLS ({error})")

    return over_tls


def probe_fields(response: H2Response) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in response.headers if name.startswith(b"x-probe-")
            and name != b"x-probe-pid"]


@pytest.mark.requirement("ASGI-HTTP-RESP-001")
@pytest.mark.parametrize("status", [200, 201, 404, 418, 500, 503])
def test_the_status_is_the_apps_over_http2(over_h2: H2Exchange, status: int) -> None:
    response = over_h2(H2Request(path=f"/respond?status={status}&body=status+body&length=1"))[0]
    verify(response.status == status, sent=f"GET /respond?status={status} over HTTP/2",
           expected=f":status {status}", got=f":status {response.status}")


@pytest.mark.requirement("ASGI-HTTP-RESP-002")
def test_response_fields_keep_the_apps_order_over_http2(over_h2: H2Exchange,
                                                        observe: Callable[[str], None]) -> None:
    """Informational on the order across names (HTTP gives it no meaning), as over HTTP/1.1."""
    sent = [(b"x-probe-a", b"1"), (b"x-probe-b", b"2"), (b"x-probe-a", b"3"), (b"x-probe-c", b"4"),
            (b"x-probe-a", b"5")]
    query = "&".join(f"header={name.decode()}:{value.decode()}" for name, value in sent)
    got = probe_fields(over_h2(H2Request(path=f"/respond?body=ordered&length=1&{query}"))[0])
    observe("HTTP/2 response fields across names: " + ("in the app's order" if got == sent else
                                                       f"reordered to {[n.decode() for n, _ in got]}"))
    per_name = {name: [v for n, v in got if n == name] for name, _ in sent}
    verify(per_name == {name: [v for n, v in sent if n == name] for name, _ in sent},
           sent="GET /respond over HTTP/2: the app sends x-probe-a: 1, x-probe-b: 2, x-probe-a: 3, x-probe-c: 4, "
                "x-probe-a: 5",
           expected="each field's values in the app's order, none lost or joined (x-probe-a: 1, 3, 5)",
           got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-RESP-011")
def test_each_part_of_a_stream_arrives_before_the_next_over_http2(over_h2: H2Exchange) -> None:
    """The app sends a 16-byte part, waits 0.5 s, then sends the last part."""
    gap, size = 0.5, 16
    response = over_h2(H2Request(path=f"/stream?chunks=2&size={size}&gap={gap}"))[0]
    apart = gap_between_parts(response.chunks, size)
    verify(response.body == b"0" + b"." * (size - 1) + b"1" + b"." * (size - 1) and apart >= gap / 2,
           sent=f"GET /stream?chunks=2&size={size}&gap={gap} over HTTP/2: two body events, {gap} s apart",
           expected=f"the first part in a DATA frame at least {gap / 2:g} s before the second",
           got=f"{apart:.3f} s between the end of the first part and the start of the second; body {response.body!r}")


@pytest.mark.requirement("ASGI-HTTP-RESP-015")
def test_a_bare_body_event_completes_an_empty_response_over_http2(over_h2: H2Exchange) -> None:
    response = over_h2(H2Request(path="/respond?status=200&omit=body"))[0]
    verify(response.status == 200 and response.body == b"" and response.reset is None,
           sent="GET /respond over HTTP/2: http.response.start, then {'type': 'http.response.body'} and nothing else",
           expected="a complete 200 response (the stream ended, not reset) with an empty body",
           got=f":status {response.status}, body {response.body!r}, reset {response.reset}")


@pytest.mark.requirement("ASGI-HTTP-RESP-021")
def test_a_head_response_carries_no_body_over_http2(over_h2: H2Exchange) -> None:
    """The app sends the body it would send for GET, with its Content-Length."""
    sent = "HEAD /respond over HTTP/2 (the app sends a body and its content-length)"
    expected = "a 200 response with no DATA payload, the stream ended normally"
    try:
        response = over_h2(H2Request(method="HEAD", path="/respond?body=the+body+a+GET+would+get&length=1"))[0]
    except InvalidBodyLengthError as error:  # the client's h2 refuses content for HEAD
        verify(False, sent=sent, expected=expected, got=f"DATA frames with {error.actual_length} bytes of content")
    verify(response.status == 200 and response.body == b"" and response.reset is None, sent=sent, expected=expected,
           got=f":status {response.status}, {len(response.body)} body bytes {response.body[:40]!r}, "
               f"reset {response.reset}")


@pytest.mark.requirement("ASGI-HTTP-RESP-014")
def test_the_final_body_event_ends_the_stream_at_once_over_http2(over_h2: H2Exchange) -> None:
    started = time.monotonic()
    response = over_h2(H2Request(path="/linger?seconds=2"))[0]
    took = time.monotonic() - started
    verify(response.body == b"complete" and took < 1.0,
           sent="GET /linger?seconds=2 over HTTP/2 (the app sends its final body event, then goes on for 2 s)",
           expected="the stream ended with the complete response within 1 s, before the app returns",
           got=f"body {response.body!r} after {took:.2f} s")
