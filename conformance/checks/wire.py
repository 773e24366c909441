"""What the checks of both interfaces share on the wire, beyond the one well-formed response the
raw client (conformance/clients/raw.py) reads: reading until the server closes, a header section
on its own, what follows a response on the same connection (a body where none may be, the next
response, or a follow-up request that proves the framing held), a response parsed from bytes
already read, and when the parts of a streamed body arrived.

Rules: every read has a deadline; nothing here sleeps a fixed time. Nothing here knows which
interface the probe app speaks: what only one of them needs stays in checks/wsgi or checks/asgi.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from urllib.parse import urlencode

import h11

from conformance.clients.raw import RawClient, Response, WireError, build_request, read_response, response_parser
from conformance.recorder import TOKEN_HEADER

# What a check sends to see what follows a response on the same connection (what_follows).
FOLLOW_UP = b"GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def target(path: str, *pairs: tuple[str, str | int | float]) -> str:
    """``path`` with the query built from ``pairs`` (repeated names kept, values escaped)."""
    return f"{path}?{urlencode([(k, str(v)) for k, v in pairs])}" if pairs else path


def wall(monotonic: float) -> float:
    """A client-side time.monotonic() reading as time.time(), the clock the probe app records in."""
    return time.time() - (time.monotonic() - monotonic)


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bytes, bool]:
    """Everything the server sends until it closes the connection; the flag says whether it did
    (False: the deadline passed with the connection still open). The socket's own timeout is left
    as it was."""
    data, deadline, previous = b"", time.monotonic() + timeout, sock.gettimeout()
    try:
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
    finally:
        sock.settimeout(previous)


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


def split_head(data: bytes) -> tuple[bytes, list[tuple[bytes, bytes]], bytes]:
    """A raw response as (status line, header lines, everything after the head)."""
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(b":") for line in lines[1:])]
    return lines[0], headers, rest


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
    parser = response_parser(method)
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
    parser = response_parser(method)
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


class Exchange:
    """One request on a connection that stays open after the response, so a check can look at
    what follows it: the follow-up request must parse, or the server must have closed."""

    def __init__(self, client: RawClient, method: str, path: str, headers: list[tuple[str, str]] | None = None,
                 body: bytes = b"", *, http_version: str = "1.1", token: str | None = None,
                 timeout: float | None = None) -> None:
        self.client, self.method, self.http_version = client, method, http_version
        self.timeout = timeout or client.timeout
        headers = list(headers or [])
        if token:
            headers.append((TOKEN_HEADER, token))
        self.raw = build_request(method, path, headers, body, host=f"{client.host}:{client.port}",
                                 http_version=http_version)
        client.last_sent = self.raw
        self.sock = socket.create_connection((client.host, client.port), timeout=self.timeout)

    def __enter__(self) -> Exchange:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def response(self) -> Response:
        self.sock.sendall(self.raw)
        return read_response(self.sock, method=self.method, timeout=self.timeout)

    def follow_up(self, response: Response) -> tuple[bool, str]:
        """After ``response``: either the server closed (nothing more arrives), or a second request
        on the same connection gets a well-formed answer. Anything else is bytes the first
        response left behind."""
        if response.leftover:
            return False, f"{len(response.leftover)} bytes after the end of the response: {response.leftover[:60]!r}"
        try:
            self.sock.sendall(build_request("GET", "/ready", host=f"{self.client.host}:{self.client.port}"))
        except OSError:
            return True, "the server had closed the connection"
        try:
            second = read_response(self.sock, timeout=self.timeout)
        except WireError as error:
            if ("not even a status line" in str(error) and "closed" in str(error)) or "connection failed" in str(error):
                return True, "the server closed the connection"
            return False, f"the follow-up request on the same connection failed: {error}"
        if second.status != 200 or second.body != b"ready":
            return False, f"the follow-up request got status {second.status} and body {second.body[:60]!r}"
        return True, "the follow-up request on the same connection was answered"
