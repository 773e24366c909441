"""The raw client keeps what a normalising client would hide: interim responses, and bytes that
came after the end of a response."""

from __future__ import annotations

import socket

import pytest

from conformance.clients.raw import WireError, read_response


def test_interim_responses_and_trailing_bytes_are_kept() -> None:
    server, client = socket.socketpair()
    with server, client:
        server.sendall(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
        response = read_response(client, timeout=2)
    assert (response.informational, response.body, response.leftover) == ([100], b"ok", b"EXTRA")


def test_bytes_that_are_no_status_line_are_named_in_the_error() -> None:
    """A follow-up request takes "not even a status line arrived" for a clean close: stray bytes
    (what a previous response left behind) must never be reported as that."""
    server, client = socket.socketpair()
    with server, client:
        server.sendall(b"1....")
        with pytest.raises(WireError, match=r"5 bytes arrived that are not a status line \(b'1\.\.\.\.'\)"):
            read_response(client, timeout=0.3)
