"""The mutants of HTTP features and request framing (conformance/requirements/wsgi_http.toml):
a server that takes on an HTTP feature itself (compression, ranges, cache validation) or gets the
request's framing wrong.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware;
most rewrite the probe's whole response the way a server that takes on an HTTP feature would.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.configurations import WSGIREF_HTTP11
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, environ_mutant, unchanged

Transform = Callable[[Environ, str, list, bytes], tuple[str, list, bytes]]


def response_mutant(transform: Transform) -> Callable[..., Any]:
    """The probe's status, headers and body, collected and then rewritten by ``transform``."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        collected: dict[str, Any] = {}
        written: list[bytes] = []

        def collect(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
            collected.update(status=status, headers=headers)
            return written.append

        result = probe(environ, collect)
        try:
            body = b"".join([*written, *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, body = transform(environ, collected["status"], collected["headers"], body)
        start_response(status, headers)
        return [body]

    return app


def _header(headers: list, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def _without(headers: list, *names: str) -> list:
    return [(k, v) for k, v in headers if k.lower() not in {n.lower() for n in names}]


# --- HTTP features: the server plays dumb, or takes on a feature (reported) ------------------------


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
        return "304 Not Modified", _without(headers, "Content-Length"), b""
    return status, headers, body


@breaks("WSGI-HOP-005", observes="compressed: Content-Encoding gzip")
@response_mutant
def gzip_when_accepted(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "") or _header(headers, "Content-Encoding"):
        return status, headers, body
    packed = gzip.compress(body)
    return status, [*_without(headers, "Content-Length"), ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding"),
                    ("Content-Length", str(len(packed)))], packed


@breaks("WSGI-HOP-006", observes="206")
@response_mutant
def ranges_served(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    first, _, last = environ.get("HTTP_RANGE", "").removeprefix("bytes=").partition("-")
    if not (status.startswith("200") and first.isdigit() and last.isdigit()):
        return status, headers, body
    part = body[int(first):int(last) + 1]
    return "206 Partial Content", [*_without(headers, "Content-Length"), ("Content-Length", str(len(part))),
                                   ("Content-Range", f"bytes {first}-{last}/{len(body)}")], part


@breaks("WSGI-H11-021")
@response_mutant
def head_content_length_zeroed(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if environ["REQUEST_METHOD"] != "HEAD":
        return status, headers, body
    return status, [*_without(headers, "Content-Length"), ("Content-Length", "0")], b""


@breaks("WSGI-H11-022", observes="500 Internal Server Error")
@response_mutant
def interim_status_replaced(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if status.startswith("1"):
        return "500 Internal Server Error", [("Content-Type", "text/plain")], b"a 1xx status is no final response"
    return status, headers, body


# --- request framing (wsgiref reads every body by Content-Length and never looks at Transfer-Encoding) --

# What a server that counts a chunked body it has not read yet as empty tells the app.
chunked_content_length_zero = breaks("WSGI-H11-002")(environ_mutant(
    lambda e: e.update(CONTENT_LENGTH="0") if "chunked" in e.get("HTTP_TRANSFER_ENCODING", "").lower() else None
))
unchanged = breaks("WSGI-H11-003")(unchanged)
unchanged = breaks("WSGI-H11-004")(unchanged)
unchanged = breaks("WSGI-H11-005")(unchanged)
# an HTTP/1.1 wsgiref keeps an HTTP/1.0 keep-alive connection open whatever its Transfer-Encoding
unchanged = breaks("WSGI-H11-006", server=WSGIREF_HTTP11)(unchanged)
