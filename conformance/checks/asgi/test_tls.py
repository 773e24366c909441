"""The tls extension (tls.rst): no "tls" in the extensions of a scope over plain HTTP ("When to use
this extension"), whether a scope over TLS offers it (reported), and each key of
scope["extensions"]["tls"] ("TLS Connection Scope") against what the client itself sees of the
same TLS connection (the certificate it was served, the version and cipher suite it negotiated),
on the TLS instance the checks share (started by the adapter's tls launch variant with a
certificate made here; conformance/checks/launching.py).

Every check of a key is not applicable where the server does not put "tls" in the extensions of a
scope over TLS. No installed server does (read in their source: uvicorn, hypercorn, daphne, gunicorn
and granian build no such entry); an emulation on uvicorn's TLS shows these checks passing (see
tests/test_real_servers.py), mutants of it show them failing.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import trustme

from conformance.checks.asgi.gating import extensions_of
from conformance.checks.launching import TlsServer, TlsServers, trusting
from conformance.clients.raw import RawClient, read_response
from conformance.clients.websocket import CLOSE, RawWebSocket, close_payload, frame
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.servers import ServerSpec
from conformance.verify import shown, verify

# The version numbers of tls.rst ("0x0303 for TLS 1.2 or 0x0304 for TLS 1.3"), by the client's pin.
VERSIONS = {"1.2": (ssl.TLSVersion.TLSv1_2, 0x0303), "1.3": (ssl.TLSVersion.TLSv1_3, 0x0304)}
# The TLS 1.2 suites the client offers (one per key type): its pick is the one the scope must name.
TLS12_CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"


@pytest.mark.requirement("ASGI-EXT-TLS-001")
def test_no_tls_extension_on_a_plain_connection(asgi: RawClient) -> None:
    extensions = extensions_of(asgi) or {}
    verify("tls" not in extensions, sent="GET /scope over plain HTTP (no TLS)",
           expected="no 'tls' in scope['extensions']", got=repr(extensions))


@pytest.mark.requirement("ASGI-EXT-TLS-002")
def test_whether_the_tls_extension_is_offered_is_reported(tls_scope: dict, observe: Callable[[str], None]) -> None:
    extensions = tls_scope.get("extensions") or {}
    observe("the tls extension is " + (f"present: {extensions['tls']!r}" if "tls" in extensions else
                                       "not offered over TLS"))


@dataclass
class TlsConnection:
    """What the client saw of one TLS connection, and the scopes of the requests sent on it."""

    version: str  # as ssl names it: 'TLSv1.3'
    cipher: str  # the OpenSSL name of the negotiated suite
    cipher_id: int  # its 16-bit IANA number
    served_der: bytes  # the server's certificate, as sent
    scopes: list[dict]

    def tls(self, index: int = 0) -> dict:
        """The tls extension of a request's scope; skip where the server does not offer it."""
        extensions = self.scopes[index].get("extensions") or {}
        if "tls" not in extensions:
            pytest.skip("not applicable: the server does not offer the tls extension over TLS")
        return extensions["tls"]


@pytest.fixture(scope="module")
def tls_ext_server(tls_servers: TlsServers) -> TlsServer:
    return tls_servers.server("asgi")


def connect(server: ServerProcess, ca: trustme.CA, version: str = "1.3", requests: int = 1) -> TlsConnection:
    """GET /scope ``requests`` times on one TLS connection pinned to ``version``."""
    context = trusting(ca)
    context.minimum_version = context.maximum_version = VERSIONS[version][0]
    if version == "1.2":
        context.set_ciphers(TLS12_CIPHERS)
    ids = {cipher["name"]: cipher["id"] & 0xFFFF for cipher in context.get_ciphers()}
    host = server.host.encode()
    try:
        with socket.create_connection((server.host, server.port), timeout=5.0) as plain, \
                context.wrap_socket(plain, server_hostname=server.host) as sock:
            scopes = []
            for index in range(requests):
                close = b"Connection: close\r\n" if index == requests - 1 else b""
                sock.sendall(b"GET /scope HTTP/1.1\r\nHost: %s\r\n%s\r\n" % (host, close))
                scopes.append(revive(read_response(sock).json()["scope"]))
            name = sock.cipher()[0]
            return TlsConnection(sock.version() or "", name, ids.get(name, -1), sock.getpeercert(binary_form=True)
                                 or b"", scopes)
    except ssl.SSLError as error:
        pytest.skip(f"not applicable: the server refused a client pinned to TLS {version} ({error})")


@pytest.fixture(scope="module")
def tls13(tls_ext_server: TlsServer) -> TlsConnection:
    return connect(*tls_ext_server)


def mandatory(tls: dict, key: str) -> None:
    verify(key in tls, sent="GET /scope over TLS", expected=f"the mandatory key {key!r} in the tls extension",
           got=f"keys {sorted(tls)}")


@pytest.mark.requirement("ASGI-EXT-TLS-003")
def test_tls_extension_server_cert_is_the_certificate_served(tls13: TlsConnection,
                                                              observe: Callable[[str], None]) -> None:
    """None is allowed (a server that cannot tell), and reported."""
    tls = tls13.tls()
    mandatory(tls, "server_cert")
    value = tls["server_cert"]
    if value is None:
        observe("server_cert is None")
        return
    try:
        der = ssl.PEM_cert_to_DER_cert(value) if isinstance(value, str) else None
    except ValueError:
        der = None
    verify(der == tls13.served_der, sent="GET /scope over TLS (a certificate for 127.0.0.1 made here)",
           expected="server_cert: the PEM (a str) of the very certificate the server sent, or None",
           got=f"{type(value).__name__} {shown(str(value).encode(), 80)}, "
               + ("another certificate" if der else "not a PEM certificate"))


@pytest.mark.requirement("ASGI-EXT-TLS-004")
def test_tls_extension_client_cert_chain_is_empty_without_a_client_certificate(tls13: TlsConnection) -> None:
    chain = tls13.tls().get("client_cert_chain", [])
    verify(isinstance(chain, (list, tuple)) and len(chain) == 0,
           sent="GET /scope over TLS without a client certificate",
           expected="client_cert_chain empty (or left out: it defaults to an empty iterable)", got=repr(chain)[:200])


@pytest.mark.requirement("ASGI-EXT-TLS-005")
def test_tls_extension_client_cert_name_is_none_without_a_client_certificate(tls13: TlsConnection) -> None:
    name = tls13.tls().get("client_cert_name")
    verify(name is None, sent="GET /scope over TLS without a client certificate",
           expected="client_cert_name None (or left out)", got=repr(name))


@pytest.mark.requirement("ASGI-EXT-TLS-006")
def test_tls_extension_client_cert_error_is_none_without_a_client_certificate(tls13: TlsConnection) -> None:
    error = tls13.tls().get("client_cert_error")
    verify(error is None, sent="GET /scope over TLS without a client certificate",
           expected="client_cert_error None (or left out)", got=repr(error))


@pytest.mark.requirement("ASGI-EXT-TLS-007")
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_tls_extension_tls_version_is_the_version_in_use(tls_ext_server: TlsServer,
                                                          version: str, observe: Callable[[str], None]) -> None:
    """None is allowed (a server that cannot tell), and reported."""
    connection = connect(*tls_ext_server, version=version)
    tls = connection.tls()
    mandatory(tls, "tls_version")
    value, number = tls["tls_version"], VERSIONS[version][1]
    if value is None:
        observe(f"tls_version None over TLS {version}")
    verify(value is None or (type(value) is int and value == number),
           sent=f"GET /scope over TLS, the client pinned to TLS {version} (it negotiated {connection.version})",
           expected=f"tls_version {number} (0x{number:04x}), or None", got=repr(value))


@pytest.mark.requirement("ASGI-EXT-TLS-008")
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_tls_extension_cipher_suite_is_the_suite_in_use(tls_ext_server: TlsServer,
                                                         version: str, observe: Callable[[str], None]) -> None:
    """The client offers one TLS 1.2 suite per key type; over TLS 1.3 it takes what it negotiated.
    None is allowed (a server that cannot tell), and reported."""
    connection = connect(*tls_ext_server, version=version)
    tls = connection.tls()
    mandatory(tls, "cipher_suite")
    value = tls["cipher_suite"]
    if value is None:
        observe(f"cipher_suite None over TLS {version}")
    verify(value is None or (type(value) is int and value == connection.cipher_id),
           sent=f"GET /scope over TLS {version}; the connection's suite is {connection.cipher}",
           expected=f"cipher_suite {connection.cipher_id} (0x{connection.cipher_id:04x}, the suite's two bytes "
                    "in network order), or None",
           got=repr(value))


@pytest.mark.requirement("ASGI-EXT-TLS-011")
def test_tls_extension_is_the_same_for_each_request_on_a_connection(
        tls_ext_server: TlsServer) -> None:
    connection = connect(*tls_ext_server, requests=2)
    first, second = connection.tls(0), connection.tls(1)
    verify(first == second, sent="GET /scope twice on one TLS connection (keep-alive)",
           expected="the same tls extension in both scopes",
           got=f"first {shown(repr(first).encode(), 200)}, second {shown(repr(second).encode(), 200)}")


@pytest.mark.requirement("ASGI-EXT-TLS-010")
def test_tls_extension_comes_with_scheme_https(tls13: TlsConnection) -> None:
    tls13.tls()
    scheme = tls13.scopes[0].get("scheme", "<absent>")
    verify(scheme == "https", sent="GET /scope over TLS (the scope offers the tls extension)",
           expected="scheme 'https'", got=repr(scheme))


@pytest.mark.requirement("ASGI-EXT-TLS-009")
def test_whether_a_websocket_over_tls_carries_the_tls_extension_is_reported(
        tls_ext_server: TlsServer, server_spec: ServerSpec,
        observe: Callable[[str], None]) -> None:
    """Opens /inspect as a WebSocket over TLS (wss); its first message describes the scope."""
    if server_spec.name != "custom" and "websocket" not in server_spec.capabilities:
        pytest.skip(f"not applicable: {server_spec.name} does not do WebSocket")
    server, ca = tls_ext_server
    ws = RawWebSocket(server.host, server.port)
    try:
        ws.sock = trusting(ca).wrap_socket(ws.sock, server_hostname=server.host)
        head = ws.open("/inspect")
        if head.status != 101:
            pytest.skip(f"not applicable: the WebSocket handshake over TLS was answered {head.status}")
        scope = revive(json.loads(ws.recv_frame().payload)["scope"])
        version = ws.sock.version()
        ws.send(frame(CLOSE, close_payload(1000)))
    finally:
        ws.close()
    tls = (scope.get("extensions") or {}).get("tls")
    if tls is None:
        observe("the tls extension is not offered in the scope of a WebSocket over TLS")
        return
    number = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}.get(version or "")
    observe("the tls extension is offered in the scope of a WebSocket over TLS, "
            + ("with the connection's TLS version" if tls.get("tls_version") in (number, None) else
               f"with tls_version {tls.get('tls_version')!r} on a {version} connection"))
