"""The scope of a server started another way, by the adapter's launch variants: over TLS with a
certificate made here (www.rst "scheme"; tls.rst), over HTTP/2 on that TLS where ALPN picks h2
(www.rst "HTTP"), and mounted at a root path (www.rst "root_path", "WSGI Compatibility").

Each variant is a dedicated instance, but for TLS: the TLS instance the checks share
(conformance/checks/launching.py). A server whose adapter has no such variant (a --server-cmd
server, or one that cannot be started that way) is reported not applicable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from conformance.checks.launching import TlsServer, needs_variant, trusting
from conformance.clients.h2 import H2Request, NoHTTP2, alpn_context, exchange
from conformance.clients.raw import RawClient
from conformance.probe_data import revive
from conformance.probing import fetch_scope
from conformance.servers import ServerSpec
from conformance.verify import verify

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


@pytest.mark.requirement("ASGI-HTTP-SCOPE-015")
def test_how_path_relates_to_root_path_is_reported(root_path_scope: dict, observe: Callable[[str], None]) -> None:
    path, raw_path = root_path_scope.get("path"), root_path_scope.get("raw_path")
    includes = isinstance(path, str) and path.startswith(ROOT_PATH)
    observe(f"with root_path {root_path_scope.get('root_path')!r}, a request for {ROOT_PATH}/scope/x gives path "
            f"{path!r} ({'includes' if includes else 'does not include'} the root path), raw_path {raw_path!r}")


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
