"""WebSocket mutants of the connection scope (conformance/requirements/asgi_websocket_scope.toml):
what the websocket scope holds, over HTTP/1.1 and HTTP/2, and that the connection lives as long as
the app's call (an app's return must end it).

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Does not belong here: the lifespan state the scope carries (asgi_state.py). The building blocks
are in ws_middleware.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from tests.configurations import HYPERCORN, HYPERCORN_TLS
from tests.mutants.asgi_middleware import client_port_wrong, duplicates_joined, server_port_str
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import Scope, holding_open, scope_change


def _without_handshake_headers(scope: Scope) -> None:
    scope["headers"] = [(n, v) for n, v in scope["headers"] if not n.lower().startswith(b"sec-websocket-")]


def _no_subprotocols_as_none(scope: Scope) -> None:
    if not scope.get("subprotocols"):
        scope["subprotocols"] = None


ws_type_http = breaks("ASGI-WS-SCOPE-001")(scope_change(lambda scope: scope.update(type="http")))
ws_asgi_version_missing = breaks("ASGI-WS-SCOPE-002")(
    scope_change(lambda scope: scope.update(asgi={"spec_version": "2.4"})))
ws_spec_version_is_the_asgi_version = breaks("ASGI-WS-SCOPE-002")(
    scope_change(lambda scope: scope.update(asgi={**scope["asgi"], "spec_version": "3.0"})))
ws_http_version_1_0 = breaks("ASGI-WS-SCOPE-003")(scope_change(lambda scope: scope.update(http_version="1.0")))
ws_scheme_http = breaks("ASGI-WS-SCOPE-004")(scope_change(lambda scope: scope.update(scheme="http")))
ws_path_not_decoded = breaks("ASGI-WS-SCOPE-005")(
    scope_change(lambda scope: scope.update(path=scope["raw_path"].decode("latin-1"))))
ws_raw_path_decoded = breaks("ASGI-WS-SCOPE-006")(
    scope_change(lambda scope: scope.update(raw_path=scope["path"].encode())))
ws_query_string_decoded = breaks("ASGI-WS-SCOPE-007")(
    scope_change(lambda scope: scope.update(query_string=unquote_to_bytes(scope["query_string"]))))
ws_root_path_set = breaks("ASGI-WS-SCOPE-008")(scope_change(lambda scope: scope.update(root_path="/mnt")))
ws_headers_joined = breaks("ASGI-WS-SCOPE-009")(scope_change(duplicates_joined(b",")))
ws_headers_grouped_by_name = breaks("ASGI-WS-SCOPE-017")(
    scope_change(lambda scope: scope.update(headers=sorted(scope["headers"]))))
ws_header_names_title_case = breaks("ASGI-WS-SCOPE-010", observes="reached the app kept as sent")(
    scope_change(lambda scope: scope.update(headers=[(n.decode().title().encode(), v) for n, v in scope["headers"]])))
ws_handshake_headers_dropped = breaks("ASGI-WS-SCOPE-018", observes="left out: sec-websocket-key")(
    scope_change(_without_handshake_headers))
ws_client_port_wrong = breaks("ASGI-WS-SCOPE-012")(scope_change(client_port_wrong))
ws_server_port_str = breaks("ASGI-WS-SCOPE-013")(scope_change(server_port_str))
ws_subprotocols_reversed = breaks("ASGI-WS-SCOPE-014")(
    scope_change(lambda scope: scope.update(subprotocols=scope["subprotocols"][::-1])))
ws_no_subprotocols_as_none = breaks("ASGI-WS-SCOPE-015")(scope_change(_no_subprotocols_as_none))
ws_scheme_ws_over_tls = breaks("ASGI-WS-SCOPE-019")(scope_change(lambda scope: scope.update(scheme="ws")))
ws_return_held_open = breaks("ASGI-WS-SCOPE-016")(holding_open(catch=False))


# --- the scope over HTTP/2 (on hypercorn, which offers WebSocket over it) -----------------------


def _h2_only(change: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
    return lambda scope: change(scope) if scope.get("http_version") == "2" else None


ws_h2_http_version_1_1 = breaks("ASGI-WS-SCOPE-020", server=HYPERCORN, variants=HYPERCORN_TLS)(
    scope_change(_h2_only(lambda scope: scope.update(http_version="1.1"))))
ws_h2_pseudo_header_kept = breaks("ASGI-WS-SCOPE-011", server=HYPERCORN, variants=HYPERCORN_TLS)(
    scope_change(_h2_only(lambda scope: scope.update(headers=[(b":protocol", b"websocket"), *scope["headers"]]))))
