"""The raw client keeps what a normalising client would hide: interim responses, and bytes that
came after the end of a response."""

from __future__ import annotations

import socket

from conformance.clients.raw import read_response


def test_interim_responses_and_trailing_bytes_are_kept() -> None:
    server, client = socket.socketpair()
    with server, client:
        server.sendall(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
        response = read_response(client, timeout=2)
    assert (response.informational, response.body, response.leftover) == ([100], b"ok", b"EXTRA")
