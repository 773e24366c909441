"""Mutants of the tls extension: each breaks a requirement of conformance/requirements/asgi_tls.toml
(what a server over TLS tells the app of the connection), and is declared beside its fault.

Belongs here: the mutants of that catalogue file: on a plain connection and over uvicorn's TLS, and
the faults put into the tls extension's emulation (tests/emulations/tls_extension.py, served by
uvicorn noting each TLS connection) through its ``change`` hook. Does not belong here: the scheme
and other scope keys over TLS as the HTTP scope rules read them (asgi_http_scope.py), another
extension (the module of its own catalogue file), or a building block other areas use too
(asgi_middleware.py).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import trustme

from tests.emulations import tls_extension
from tests.emulations.tls_extension import UVICORN_TLS_NOTED, UVICORN_TLS_NOTED_TLS
from tests.mutants.asgi_middleware import App, Scope, if_tls, scope_mutant, with_extensions
from tests.mutants.declare import breaks

tls_on_a_plain_connection = breaks("ASGI-EXT-TLS-001")(scope_mutant(with_extensions(
    tls={"server_cert": None, "tls_version": None, "cipher_suite": None})))
tls_extension_offered = breaks("ASGI-EXT-TLS-002", observes="the tls extension is present")(scope_mutant(if_tls(
    with_extensions(tls={"server_cert": None, "client_cert_chain": [], "tls_version": None, "cipher_suite": None}))))

# --- faults in the emulation: each changes the scope it made (its "tls" entry correct) -----------


def _faulty(change: Callable[[Scope, ssl.SSLObject], None]) -> App:
    return tls_extension.emulation(change=change)


def _tls_entry(**values: Any) -> Callable[[Scope, ssl.SSLObject], None]:
    return lambda scope, connection: scope["extensions"]["tls"].update(values)


def _server_cert_of_another(scope: Scope, connection: ssl.SSLObject) -> None:
    scope["extensions"]["tls"]["server_cert"] = trustme.CA().cert_pem.bytes().decode()


def _version_swapped(scope: Scope, connection: ssl.SSLObject) -> None:
    """TLS 1.2 said for 1.3, and the other way round."""
    tls = scope["extensions"]["tls"]
    tls["tls_version"] = {0x0303: 0x0304, 0x0304: 0x0303}.get(tls["tls_version"])


def _cipher_suite_by_name(scope: Scope, connection: ssl.SSLObject) -> None:
    """The OpenSSL name of the cipher suite (a str), not its number."""
    cipher = connection.cipher()
    scope["extensions"]["tls"]["cipher_suite"] = cipher[0] if cipher else None


def _client_chain_of_the_server(scope: Scope, connection: ssl.SSLObject) -> None:
    tls = scope["extensions"]["tls"]
    tls["client_cert_chain"] = [tls["server_cert"]]


_requests = [0]


def _cipher_suite_every_other_request(scope: Scope, connection: ssl.SSLObject) -> None:
    """Every other request on a connection says cipher_suite None."""
    _requests[0] += 1
    if _requests[0] % 2:
        scope["extensions"]["tls"]["cipher_suite"] = None


def _scheme_http(scope: Scope, connection: ssl.SSLObject) -> None:
    scope["scheme"] = "http"


tls_server_cert_of_another = breaks("ASGI-EXT-TLS-003", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_server_cert_of_another))
tls_client_chain_without_a_client_cert = breaks(
    "ASGI-EXT-TLS-004", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(_faulty(_client_chain_of_the_server))
tls_client_name_without_a_client_cert = breaks(
    "ASGI-EXT-TLS-005", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_tls_entry(client_cert_name="CN=127.0.0.1")))
tls_client_error_without_a_client_cert = breaks(
    "ASGI-EXT-TLS-006", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_tls_entry(client_cert_error="no client certificate")))
tls_version_swapped = breaks("ASGI-EXT-TLS-007", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_version_swapped))
tls_cipher_suite_by_name = breaks("ASGI-EXT-TLS-008", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_cipher_suite_by_name))
tls_extension_not_in_websocket_scopes = breaks(
    "ASGI-EXT-TLS-009", observes="not offered", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    tls_extension.emulation(scope_types=("http",)))
tls_extension_with_scheme_http = breaks("ASGI-EXT-TLS-010", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_scheme_http))
tls_extension_changes_on_a_connection = breaks(
    "ASGI-EXT-TLS-011", server=UVICORN_TLS_NOTED, variants=UVICORN_TLS_NOTED_TLS)(
    _faulty(_cipher_suite_every_other_request))
