"""Mutants of the HTTP connection scope: each breaks a requirement of
conformance/requirements/asgi_http_scope.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file, whatever server shows the fault (uvicorn, or
hypercorn for HTTP/2 and for HTTP/2 over TLS: pseudo-headers, :authority, one scope per stream).
Does not belong here: the tls extension in the scope (asgi_tls.py), or a building block other areas
use too (asgi_middleware.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from tests.configurations import HYPERCORN, HYPERCORN_TLS
from tests.mutants import http_parsing as fronts  # (not `launch` itself: the registry reads a module's own)
from tests.mutants.asgi_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    duplicates_joined,
    http_mutant,
    if_tls,
    over_http2,
    probe,
    scope_mutant,
    unchanged,
)
from tests.mutants.asgi_middleware import client_port_wrong as port_plus_one
from tests.mutants.asgi_middleware import server_port_str as port_as_str
from tests.mutants.declare import allows, breaks


def _set(**values: Any) -> Callable[[Scope], None]:
    return lambda scope: scope.update(values)


def _swap_http_version(scope: Scope) -> None:
    scope["http_version"] = {"1.0": "1.1", "1.1": "1.0"}.get(scope["http_version"], scope["http_version"])


def _path_not_decoded(scope: Scope) -> None:
    scope["path"] = scope["raw_path"].decode("latin-1")


def _path_with_query(scope: Scope) -> None:
    if scope["query_string"]:
        scope["path"] += "?" + scope["query_string"].decode("latin-1")


def _query_string_decoded(scope: Scope) -> None:
    scope["query_string"] = unquote_to_bytes(scope["query_string"])


def _query_string_none(scope: Scope) -> None:
    if not scope["query_string"]:
        scope["query_string"] = None


def _header_values_ascii_only(scope: Scope) -> None:
    scope["headers"] = [(n, v.decode("ascii", "replace").encode("ascii", "replace")) for n, v in scope["headers"]]


def _keep_encoded_slash(scope: Scope) -> None:
    raw = scope["raw_path"].decode("ascii")
    scope["path"] = unquote(raw.replace("%2F", "%252F").replace("%2f", "%252f"))


spec_version_is_the_asgi_version = breaks("ASGI-HTTP-SCOPE-003")(
    scope_mutant(lambda scope: scope["asgi"].update(spec_version="3.0")))
type_uppercased = breaks("ASGI-HTTP-SCOPE-001")(scope_mutant(_set(type="HTTP")))
http_version_swapped = breaks("ASGI-HTTP-SCOPE-004", only=("test_http_version_is_the_version_of_the_request",))(
    scope_mutant(_swap_http_version))
method_lowercased = breaks("ASGI-HTTP-SCOPE-005")(
    scope_mutant(lambda scope: scope.update(method=scope["method"].lower())))
scheme_empty = breaks("ASGI-HTTP-SCOPE-006", only=("test_scheme_is_http_or_absent_on_a_plain_listener",))(
    scope_mutant(_set(scheme="")))
path_not_decoded = breaks("ASGI-HTTP-SCOPE-007")(scope_mutant(_path_not_decoded))
path_with_query = breaks("ASGI-HTTP-SCOPE-008")(scope_mutant(_path_with_query))
encoded_slash_kept = breaks("ASGI-HTTP-SCOPE-009")(scope_mutant(_keep_encoded_slash))
# uvicorn itself, mounted at a root path, puts it in front of raw_path (a request for /mnt/probe/x
# gives raw_path b'/mnt/probe/mnt/probe/x'): bytes it never received.
root_path_doubled_in_raw_path = breaks(
    "ASGI-HTTP-SCOPE-010", only=("test_raw_path_is_the_path_bytes_as_received_under_a_root_path",))(unchanged())
raw_path_decoded = breaks("ASGI-HTTP-SCOPE-010")(
    scope_mutant(lambda scope: scope.update(raw_path=unquote(scope["path"]).encode())))
raw_path_with_query = breaks("ASGI-HTTP-SCOPE-011")(scope_mutant(
    lambda scope: scope.update(raw_path=scope["raw_path"] + b"?" + scope["query_string"])
    if scope["query_string"] else None))
query_string_decoded = breaks("ASGI-HTTP-SCOPE-012")(scope_mutant(_query_string_decoded))
query_string_none = breaks("ASGI-HTTP-SCOPE-013")(scope_mutant(_query_string_none))
root_path_set = breaks("ASGI-HTTP-SCOPE-014", only=("test_root_path_is_empty_by_default",))(
    scope_mutant(_set(root_path="/mnt")))
headers_as_str = breaks("ASGI-HTTP-SCOPE-016")(scope_mutant(
    lambda scope: scope.update(headers=[(n.decode(), v.decode("latin-1")) for n, v in scope["headers"]])))
headers_reversed = breaks("ASGI-HTTP-SCOPE-017")(
    scope_mutant(lambda scope: scope.update(headers=list(reversed(scope["headers"])))))
headers_joined = breaks("ASGI-HTTP-SCOPE-018", only=("test_duplicate_headers_are_kept_apart",))(
    scope_mutant(duplicates_joined(b", ")))
headers_joined_over_http2 = breaks("ASGI-HTTP-SCOPE-018", only=("test_duplicate_headers_are_kept_apart_over_http2",),
                                   server=HYPERCORN)(scope_mutant(duplicates_joined(b", ")))
header_names_uppercased = breaks("ASGI-HTTP-SCOPE-019", observes="kept as [b'X-MIXED-CASE']")(
    scope_mutant(lambda scope: scope.update(headers=[(n.upper(), v) for n, v in scope["headers"]])))
header_values_ascii_only = breaks("ASGI-HTTP-SCOPE-020")(scope_mutant(_header_values_ascii_only))
client_port_wrong = breaks("ASGI-HTTP-SCOPE-023")(scope_mutant(port_plus_one))
server_port_str = breaks("ASGI-HTTP-SCOPE-025")(scope_mutant(port_as_str))

# --- HTTP/2 (hypercorn), over h2c and over TLS --------------------------------------------------

_http_version_2_0 = over_http2(lambda scope: scope.update(http_version="2.0"))
http_version_2_as_2_0 = breaks("ASGI-HTTP-SCOPE-004", only=("test_http_version_is_2_over_http2",),
                               server=HYPERCORN)(scope_mutant(_http_version_2_0))
http_version_2_as_2_0_on_tls = breaks("ASGI-HTTP-SCOPE-004", only=("test_http_version_is_2_over_tls",),
                                      server=HYPERCORN, variants=HYPERCORN_TLS)(scope_mutant(_http_version_2_0))
_pseudo_header_kept = over_http2(
    lambda scope: scope.update(headers=[(b":method", scope["method"].encode()), *scope["headers"]]))
pseudo_headers_kept = breaks("ASGI-HTTP-SCOPE-021", only=("test_no_pseudo_headers_in_the_scope",),
                             server=HYPERCORN)(scope_mutant(_pseudo_header_kept))
pseudo_headers_kept_on_tls = breaks("ASGI-HTTP-SCOPE-021", only=("test_no_pseudo_headers_over_http2_on_tls",),
                                    server=HYPERCORN, variants=HYPERCORN_TLS)(scope_mutant(_pseudo_header_kept))


def _host_moved_to_the_end(scope: Scope) -> None:
    headers = scope["headers"]
    scope["headers"] = [h for h in headers if h[0] != b"host"] + [h for h in headers if h[0] == b"host"]


host_moved_to_the_end = breaks("ASGI-HTTP-SCOPE-022", server=HYPERCORN)(
    scope_mutant(over_http2(_host_moved_to_the_end)))

# --- launch variants: over TLS (uvicorn's, or hypercorn's over HTTP/2), and mounted at a root path

_scheme_http = if_tls(lambda scope: scope.update(scheme="http"))
scheme_http_over_tls = breaks("ASGI-HTTP-SCOPE-006", only=("test_scheme_is_https_over_tls",))(
    scope_mutant(_scheme_http))
scheme_http_over_http2_on_tls = breaks("ASGI-HTTP-SCOPE-006", only=("test_scheme_is_https_over_http2_on_tls",),
                                       server=HYPERCORN, variants=HYPERCORN_TLS)(scope_mutant(_scheme_http))


def _strip_root_path(scope: Scope) -> None:
    root = scope.get("root_path") or ""
    while root.strip("/") and scope["path"].startswith(root):
        scope["path"] = scope["path"][len(root):]


def _root_path_dropped(scope: Scope) -> None:
    _strip_root_path(scope)  # so that the probe still finds its scenario
    scope["root_path"] = ""


root_path_dropped = breaks("ASGI-HTTP-SCOPE-014", only=("test_root_path_is_the_mount_point_the_server_was_given",))(
    scope_mutant(_root_path_dropped))
root_path_kept_out_of_path = breaks("ASGI-HTTP-SCOPE-015", observes="does not include the root path")(
    scope_mutant(_strip_root_path))

# --- one scope per request, and per HTTP/2 stream; a response held open -------------------------

_first_scope: dict[Any, Scope] = {}


@breaks("ASGI-HTTP-SCOPE-026")
async def scope_reused_on_a_connection(scope: Scope, receive: Receive, send: Send) -> None:
    """Gives every request on a connection the scope of its first request."""
    if scope["type"] == "http" and scope.get("path", "").startswith("/scope/"):
        scope = _first_scope.setdefault(tuple(scope.get("client") or ()), scope)
    await probe(scope, receive, send)


_recent_scope: dict[str, Any] = {}


@breaks("ASGI-HTTP-SCOPE-028", server=HYPERCORN)
async def scopes_shared_between_streams(scope: Scope, receive: Receive, send: Send) -> None:
    """Hands requests that arrive together (within 0.5 s) the scope of the first of them."""
    if scope["type"] == "http" and scope.get("path", "").startswith("/scope/stream-"):
        now = asyncio.get_running_loop().time()
        if now - _recent_scope.get("at", -10.0) > 0.5:
            _recent_scope.update(at=now, scope=scope)
        scope = _recent_scope["scope"]
    await probe(scope, receive, send)


def _cuts_silent_responses(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """A server that ends a response whose app has sent nothing for 1 s (an aggressive timeout)."""
    started = 0.0

    async def cutting(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = time.monotonic()
        elif message["type"] == "http.response.body" and time.monotonic() - started > 1.0:
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return receive, cutting


silent_response_cut = breaks("ASGI-HTTP-SCOPE-027")(http_mutant(_cuts_silent_responses, path="/stream"))

# A server refusing every obs-text value fails HTTP1-PARSE-070 alone: the property sets such
# examples aside, and still gives a verdict.
every_obs_text_refused = allows(
    "ASGI-HTTP-SCOPE-020", observes="", server=fronts.launch("obs_text_refused_everywhere_asgi"),
    only=("test_header_values_are_the_bytes_sent_over_the_range_rfc_9110_allows",))(unchanged())
