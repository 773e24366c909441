"""PEP 3333, "Other HTTP Features": the server plays dumb with the app's response, and what it may
add on its own (cache validation, compression, byte ranges) is reported, never required; a
hop-by-hop header from the app is an error at start_response. HEAD and 1xx statuses from the app
are HTTP/1.1's, in test_http11.py.

The response scenario is /respond, which answers exactly the status, headers and body in its
query, so any difference on the wire is the server's doing; /bad-header says what start_response
raised.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed
from conformance.checks.wsgi.scenarios import changed_headers, headers_of, respond
from conformance.clients.raw import RawClient
from conformance.verify import verify


@pytest.mark.requirement("WSGI-HOP-001")
@pytest.mark.parametrize("case", ["connection", "keep-alive", "transfer-encoding", "upgrade", "te",
                                  "proxy-authenticate"])
def test_hop_by_hop_headers_raise_at_start_response(wsgi: RawClient, case: str) -> None:
    response = wsgi.request("GET", f"/bad-header?case={case}")
    raised = response.body.decode("latin-1").removeprefix("raised=")
    verify(raised != "none", sent=f"GET /bad-header?case={case}",
           expected="start_response raises (a hop-by-hop header from the app is a fatal error)",
           got=f"start_response accepted it; the client got headers {headers_of(response)}")


GZIPPED = gzip.compress(b"played dumb " * 20, mtime=0)

PLAIN_DUMB = [("Content-Type", "text/x-probe; charset=latin-1"), ("ETag", '"e1"'), ("Cache-Control", "no-store"),
              ("Vary", "X-Probe"), ("Content-Encoding", "gzip"), ("X-A", "1"),
              ("Content-Length", str(len(GZIPPED)))]


@pytest.mark.requirement("WSGI-HOP-003")
def test_the_apps_response_arrives_unchanged(wsgi: RawClient) -> None:
    """The app answers 200 with meaningful headers and a gzip-encoded body of its own."""
    path = respond("200 OK", PLAIN_DUMB, GZIPPED)
    response = wsgi.request("GET", path)
    changed = changed_headers(response, PLAIN_DUMB)
    verify(response.status == 200 and not changed and response.body == GZIPPED,
           sent=f"GET /respond with {', '.join(f'{k}: {v}' for k, v in PLAIN_DUMB)} and a {len(GZIPPED)}-byte "
                "gzip body (no Accept-Encoding)",
           expected="status 200, each of those headers once with its value, the body byte for byte",
           got=f"status {response.status}; " + ("; ".join(changed) or "the headers as sent")
           + ("; the body as sent" if response.body == GZIPPED else f"; a {len(response.body)}-byte body "
              f"{response.body[:30]!r}"))


TEXT = b"hello world"


@pytest.mark.requirement("WSGI-HOP-004")
def test_cache_validation_by_the_server_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The app always answers 200 with ETag "abc"; the client sends If-None-Match: "abc"."""
    path = respond("200 OK", [("ETag", '"abc"'), ("Content-Length", str(len(TEXT)))], TEXT)
    with Exchange(wsgi, "GET", path, [("If-None-Match", '"abc"'), ("Connection", "close")]) as exchange:
        response = exchange.response()
        rest, _ = read_until_closed(exchange.sock, 1.0)
    extra = response.leftover + rest
    if response.status == 200 and response.body == TEXT:
        observe("200 with the app's body: cache validation left to the app")
    elif response.status == 304:
        observe("304: the server validated the ETag itself")
    verify(not extra and (response.status == 304 or (response.status == 200 and response.body == TEXT)),
           sent=f'GET {path} with If-None-Match: "abc" and Connection: close',
           expected=f"the app's 200 and body {TEXT!r}, or a 304 with no body",
           got=f"status {response.status}, body {response.body[:40]!r}"
               + (f"; then {len(extra)} more bytes: {extra[:40]!r}" if extra else ""))


LONG_TEXT = "hello again " * 150  # long and repetitive: worth compressing, for a server that does


@pytest.mark.requirement("WSGI-HOP-005", "WSGI-IT-003")
def test_compression_by_the_server_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The client sends Accept-Encoding: gzip to an app that answers uncompressed text."""
    body = LONG_TEXT.encode()
    path = respond("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))], LONG_TEXT)
    response = wsgi.request("GET", path, [("Accept-Encoding", "gzip")])
    coding = (response.header("Content-Encoding") or b"").decode("latin-1").strip().lower()
    decoded: bytes | None = response.body
    if coding == "gzip":
        try:
            decoded = zlib.decompress(response.body, wbits=31)
        except zlib.error:
            decoded = None
        vary = b", ".join(response.header_values("Vary")).decode("latin-1")
        observe(f"compressed: Content-Encoding gzip, Vary {vary or 'absent'}")
    elif not coding:
        observe("not compressed")
    verify(coding in ("", "gzip") and decoded == body and response.status == 200,
           sent=f"GET /respond (a {len(body)}-byte text body) with Accept-Encoding: gzip",
           expected="the app's body as it was, or gzip-compressed (Content-Encoding: gzip) so that it decodes to it",
           got=f"status {response.status}, Content-Encoding {coding or 'none'}, "
               + ("a body that decodes to the app's" if decoded == body else f"{len(response.body)} body bytes "
                  "that are not the app's body"))


@pytest.mark.requirement("WSGI-HOP-006", "WSGI-IT-003")
def test_byte_ranges_by_the_server_are_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The client asks for bytes 0-3 of an 11-byte response the app answers in full."""
    path = respond("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(TEXT)))], TEXT)
    response = wsgi.request("GET", path, [("Range", "bytes=0-3")])
    content_range = response.header("Content-Range")
    if response.status == 200:
        observe("200 with the whole body: ranges left to the app")
    elif response.status == 206:
        observe("206: the server sent the range itself")
    whole = response.status == 200 and response.body == TEXT
    ranged = response.status == 206 and response.body == TEXT[:4] and content_range == b"bytes 0-3/%d" % len(TEXT)
    verify(whole or ranged, sent=f"GET {path} with Range: bytes=0-3",
           expected=f"200 with {TEXT!r}, or 206 with Content-Range: bytes 0-3/{len(TEXT)} and {TEXT[:4]!r}",
           got=f"status {response.status}, Content-Range {content_range!r}, body {response.body[:40]!r}")
