"""Reading what a server wrote on one connection, beyond a single well-formed response.

The raw client (conformance/clients/raw.py) reads exactly one response. Some checks need more:
whether a response ended or the connection was just left open, and what bytes follow a response
on the same connection (a body where none may be, or the next response). Every read has a
deadline.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable

import h11

# What a check sends to see what follows a response on the same connection.
FOLLOW_UP = b"GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bytes, bool]:
    """Everything the server sends until it closes the connection; the flag says whether it did
    (False: the deadline passed with the connection still open)."""
    data, deadline = b"", time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return data, False
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return data, False
        except ConnectionError:
            return data, True
        if not chunk:
            return data, True
        data += chunk


def read_head(sock: socket.socket, timeout: float) -> tuple[bytes, bytes]:
    """The status line and headers (up to the blank line), and whatever arrived after them."""
    data, deadline = b"", time.monotonic() + timeout
    while b"\r\n\r\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no complete header section within {timeout:g} s; got {data[:200]!r}")
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            raise AssertionError(f"the server closed the connection before the header section ended: {data[:200]!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", rest


def what_follows(sock: socket.socket, already: bytes, timeout: float) -> tuple[bytes, bool]:
    """Send FOLLOW_UP on the connection (if the server still takes it) and return every byte that
    came after the response just read: ``already`` plus the rest, until the server closes."""
    try:
        sock.sendall(FOLLOW_UP)
    except OSError:
        pass  # the server closed the connection: what it sent before that is what counts
    rest, closed = read_until_closed(sock, timeout)
    return already + rest, closed


def is_next_response_or_nothing(data: bytes) -> bool:
    """The bytes after a response are either none (the server closed) or the next response."""
    return data == b"" or data.startswith(b"HTTP/1.")


def parse(data: bytes, method: str = "GET") -> tuple[int | None, bytes, bool]:
    """Parse ``data`` as one response to ``method``: (status or None, body bytes, complete?)."""
    parser = h11.Connection(our_role=h11.CLIENT)
    parser.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
    parser.send(h11.EndOfMessage())
    parser.receive_data(data)
    parser.receive_data(b"")  # the connection closed: a close-delimited body ends here
    status, body = None, b""
    while True:
        try:
            event = parser.next_event()
        except h11.RemoteProtocolError:
            return status, body, False
        if isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage):
            return status, body, True
        elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return status, body, False


def read_one(sock: socket.socket, timeout: float, method: str = "GET") -> tuple[int, bytes, bytes]:
    """One complete response: (status, body, the bytes that came after it in the same reads)."""
    parser = h11.Connection(our_role=h11.CLIENT)
    parser.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
    parser.send(h11.EndOfMessage())
    status, body, deadline = 0, b"", time.monotonic() + timeout
    while True:
        try:
            event = parser.next_event()
        except h11.RemoteProtocolError as error:
            raise AssertionError(f"not a valid HTTP/1.x response: {error}") from None
        if event is h11.NEED_DATA:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no complete response within {timeout:g} s (status {status or 'none'}, "
                                     f"{len(body)} body bytes)")
            sock.settimeout(remaining)
            try:
                parser.receive_data(sock.recv(65536))
            except TimeoutError:
                continue
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.Data):
            body += bytes(event.data)
        elif isinstance(event, h11.EndOfMessage):
            return status, body, parser.trailing_data[0]
        elif isinstance(event, h11.ConnectionClosed):
            raise AssertionError("the server closed the connection before a complete response")


def gap_between_parts(chunks: Iterable[tuple[float, bytes]], first_part: int) -> float:
    """Seconds from the arrival of the first ``first_part`` bytes to that of the next byte (0.0
    when the body never went past the first part): how far apart two streamed parts came."""
    received, first_done, second_started = 0, None, None
    for at, data in chunks:
        if first_done is None and received + len(data) >= first_part:
            first_done = at
        if second_started is None and received + len(data) > first_part:
            second_started = at
        received += len(data)
    return (second_started - first_done) if first_done is not None and second_started is not None else 0.0
