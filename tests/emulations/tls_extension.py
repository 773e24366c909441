"""An emulation of the tls extension (tls.rst) on uvicorn's TLS: the scope of each request on a TLS
connection, HTTP and WebSocket, gets the "tls" entry that describes the connection. uvicorn offers
none, and hands the app no transport to describe: it runs here with the h11 protocol below, which
notes the ssl object of each connection (UVICORN_TLS_NOTED).
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from probe_apps.asgi_probe import app as probe
from tests.mutants.asgi_middleware import App, Receive, Scope, Send

# uvicorn (h11) noting each TLS connection, and the same over TLS (its launch variant).
UVICORN_TLS_NOTED = ("uvicorn --host {host} --port {port} "
                     "--http tests.emulations.tls_extension:TlsRecordingH11Protocol {app}")
UVICORN_TLS_NOTED_TLS = {"tls": UVICORN_TLS_NOTED.replace("{app}",
                                                          "--ssl-certfile {certfile} --ssl-keyfile {keyfile} {app}")}

# The ssl object of each TLS connection, by the client's address.
_tls_connections: dict[tuple[Any, ...], ssl.SSLObject] = {}
TLS_VERSION_NUMBERS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}


class TlsRecordingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, noting the ssl object of each connection so that the emulation
    can describe it."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None and self.client:
            _tls_connections[tuple(self.client)] = ssl_object


def _served_certificate() -> str:
    """The first PEM block of the file uvicorn was given with --ssl-certfile: the certificate it sends."""
    with open(sys.argv[sys.argv.index("--ssl-certfile") + 1]) as file:
        text = file.read()
    end = "-----END CERTIFICATE-----"
    return text[:text.index(end) + len(end)] + "\n"


def _cipher_numbers() -> dict[str, int]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers("ALL")
    return {cipher["name"]: cipher["id"] & 0xFFFF for cipher in context.get_ciphers()}


def _as_described(scope: Scope, connection: ssl.SSLObject) -> None:
    pass


def emulation(*, scope_types: tuple[str, ...] = ("http", "websocket"),
              change: Callable[[Scope, ssl.SSLObject], None] = _as_described) -> App:
    """The probe, handed in the scope of each request on a TLS connection (of ``scope_types``) the
    tls extension's entry for it: no client certificate (uvicorn asks for none), the version and
    cipher suite in use as their TLS numbers. ``change`` may change that scope in place, given the
    connection's ssl object, before the app gets it (by default it leaves it as it is)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        connection = _tls_connections.get(tuple(scope.get("client") or ())) if scope["type"] in scope_types else None
        if connection is None:
            await probe(scope, receive, send)
            return
        cipher = connection.cipher()
        tls: dict[str, Any] = {"server_cert": _served_certificate(), "client_cert_chain": [],
                               "client_cert_name": None, "client_cert_error": None,
                               "tls_version": TLS_VERSION_NUMBERS.get(connection.version()),
                               "cipher_suite": _cipher_numbers().get(cipher[0]) if cipher else None}
        scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "tls": tls}}
        change(scope, connection)
        await probe(scope, receive, send)

    return app


app = emulation()
