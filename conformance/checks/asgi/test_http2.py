"""The ASGI HTTP scope, body and response over HTTP/2 (www.rst, "HTTP", "HTTP Connection Scope",
"Response Start", "Response Body").

Every check here talks HTTP/2 in cleartext with prior knowledge (h2c) and is not applicable to a
server that does not answer the HTTP/2 connection preface; the response checks also run over TLS
where ALPN picks h2. The probe scenarios are the HTTP/1.1 ones: /scope, /echo, /respond, /stream,
/linger, /trailers.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.asgi.http2 import h2, scope_of
from conformance.clients.h2 import H2Request
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
