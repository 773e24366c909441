"""PEP 3333, wsgi.input: the app reads exactly the request body, as bytes.

The probe's /echo scenario reads wsgi.input the way ?mode= says and sends back what the reads
returned, with their types in X-Probe-Read-Types.
"""

from __future__ import annotations

import os

import pytest

from conformance.clients.raw import RawClient
from conformance.verify import shown, verify

# Every byte value, CR LF pairs and a NUL, so that no translation or decoding goes unnoticed.
AWKWARD_BODY = bytes(range(256)) + b"\r\n\r\n\x00\xff" + os.urandom(64 * 1024)


@pytest.mark.requirement("WSGI-IN-012")
@pytest.mark.parametrize("body", [b"hello", b"\r\n\r\n", AWKWARD_BODY], ids=["text", "crlf", "binary-64k"])
def test_input_yields_exactly_the_body(wsgi: RawClient, body: bytes) -> None:
    """The app reads CONTENT_LENGTH bytes, as the PEP tells it to."""
    response = wsgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    verify(response.body == body, sent=f"POST /echo with body {shown(body, 40)}",
           expected=f"the app reads exactly those {len(body)} bytes",
           got=f"{len(response.body)} bytes: {shown(response.body, 40)}")


@pytest.mark.requirement("WSGI-IN-002")
def test_read_with_a_size_returns_the_body_in_bounded_pieces(wsgi: RawClient) -> None:
    """The app calls read(1000) until it has CONTENT_LENGTH bytes; the pieces join to the body."""
    body = os.urandom(10_000)
    response = wsgi.request("POST", "/echo?mode=chunks&size=1000", [], body)
    sizes = [int(n) for n in (response.header("X-Probe-Read-Sizes") or b"0").decode().split(",") if n.isdigit()]
    verify(response.body == body and all(size <= 1000 for size in sizes),
           sent="POST /echo?mode=chunks&size=1000 with 10000 random bytes",
           expected="read(1000) calls of at most 1000 bytes each that together return the 10000 bytes, in order",
           got=f"{len(response.body)} bytes, {'equal' if response.body == body else 'different'}; "
               f"read sizes {sizes}")


@pytest.mark.requirement("WSGI-STR-005")
def test_read_returns_bytes(wsgi: RawClient) -> None:
    response = wsgi.request("POST", "/echo?mode=chunks&size=3", [], b"abcdefg")
    types = (response.header("X-Probe-Read-Types") or b"").decode()
    verify(types and set(types.split(",")) == {"bytes"}, sent="POST /echo?mode=chunks&size=3 with b'abcdefg'",
           expected="every read() result of type bytes", got=f"read() returned: {types or 'nothing'}")
