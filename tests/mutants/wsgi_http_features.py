"""The mutants of "Other HTTP Features" (conformance/requirements/wsgi_http_features.toml): the
server plays dumb, or takes on an HTTP feature itself (compression, ranges, cache validation),
and hop-by-hop headers are its own.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware;
most rewrite the probe's whole response the way a server that takes on an HTTP feature would.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, response_mutant, start_response_mutant, without

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}


def _header(headers: list, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


@breaks("WSGI-HOP-001")
@start_response_mutant
def hop_by_hop_dropped(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        return start_response(status, [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP], exc_info)

    return patched


# --- the server plays dumb, or takes on a feature (reported) ----------------------------------------


@breaks("WSGI-HOP-003")
@response_mutant
def content_type_charset_changed(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    return status, [(k, v.replace("charset=latin-1", "charset=utf-8") if k.lower() == "content-type" else v)
                    for k, v in headers], body


@breaks("WSGI-HOP-004", observes="304")
@response_mutant
def cache_validation(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    etag = _header(headers, "ETag")
    if status.startswith("200") and etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
        return "304 Not Modified", without(headers, "Content-Length"), b""
    return status, headers, body


@breaks("WSGI-HOP-005", observes="compressed: Content-Encoding gzip")
@response_mutant
def gzip_when_accepted(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "") or _header(headers, "Content-Encoding"):
        return status, headers, body
    packed = gzip.compress(body)
    return status, [*without(headers, "Content-Length"), ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding"),
                    ("Content-Length", str(len(packed)))], packed


@breaks("WSGI-HOP-006", observes="206")
@response_mutant
def ranges_served(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    first, _, last = environ.get("HTTP_RANGE", "").removeprefix("bytes=").partition("-")
    if not (status.startswith("200") and first.isdigit() and last.isdigit()):
        return status, headers, body
    part = body[int(first):int(last) + 1]
    return "206 Partial Content", [*without(headers, "Content-Length"), ("Content-Length", str(len(part))),
                                   ("Content-Range", f"bytes {first}-{last}/{len(body)}")], part
