"""A byte-exact HTTP/1.x client: the check writes exactly the bytes it wants, h11 parses the answer.

Rule: nothing here normalises what is sent (the request target, header case, duplicate headers
and body framing go out exactly as given) or what comes back (header lines keep their order and
duplicates; each body chunk keeps its arrival time, for streaming checks). Every read has a
timeout, so a server that stops answering fails the check instead of hanging the run.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import h11

HeaderList = Iterable[tuple[bytes | str, bytes | str]]


class WireError(AssertionError):
    """The server's answer could not be read: closed, timed out or not valid HTTP/1.x."""


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


@dataclass
class Response:
    status: int
    reason: bytes
    http_version: bytes
    headers: list[tuple[bytes, bytes]]  # as received: original case, order and duplicates
    body: bytes = b""
    chunks: list[tuple[float, bytes]] = field(default_factory=list)  # (monotonic time, data)
    informational: list[int] = field(default_factory=list)  # 1xx statuses before this response
    leftover: bytes = b""  # bytes that came after the end of this response (on a reused connection)

    def header(self, name: str) -> bytes | None:
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[bytes]:
        wanted = name.lower().encode("latin-1")
        return [value for key, value in self.headers if key.lower() == wanted]

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise WireError(
                f"expected the probe app's JSON, got status {self.status} and body {self.body[:300]!r}"
            ) from None


def build_request(
    method: str,
    target: bytes | str,
    headers: HeaderList = (),
    body: bytes = b"",
    *,
    host: str = "127.0.0.1",
    http_version: str = "1.1",
    content_length: bool = True,
) -> bytes:
    """The request bytes, exactly: the target is not quoted or normalised in any way."""
    lines = [b"%s %s HTTP/%s" % (_bytes(method), _bytes(target), http_version.encode())]
    names = set()
    for name, value in headers:
        names.add(_bytes(name).lower())
        lines.append(_bytes(name) + b": " + _bytes(value))
    if b"host" not in names and http_version == "1.1":
        lines.insert(1, b"Host: " + host.encode())
    if body and content_length and b"content-length" not in names and b"transfer-encoding" not in names:
        lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def chunked(body: bytes, size: int = 7) -> bytes:
    """``body`` in chunked transfer coding, cut into chunks of ``size`` bytes."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


class RawClient:
    def __init__(self, host: str, port: int, timeout: float = 5.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.last_sent = b""  # shown in a failure message when the answer cannot be read

    def request(
        self,
        method: str,
        target: bytes | str,
        headers: HeaderList = (),
        body: bytes = b"",
        *,
        http_version: str = "1.1",
        content_length: bool = True,
    ) -> Response:
        """Send one request on a new connection and read the whole response."""
        raw = build_request(
            method, target, headers, body,
            host=f"{self.host}:{self.port}", http_version=http_version, content_length=content_length,
        )
        return self.exchange(raw, method=method)

    def exchange(self, raw: bytes, *, method: str = "GET") -> Response:
        """Send ``raw`` exactly as given on a new connection, then read one response."""
        self.last_sent = raw
        with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
            sock.sendall(raw)
            return read_response(sock, method=method, timeout=self.timeout)

    def connect(self) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


def response_parser(method: str = "GET") -> h11.Connection:
    """An h11 parser for the response to a ``method`` request. h11 needs to know what was asked (a
    HEAD has no body); the bytes it would write are dropped, since the check wrote its own."""
    parser = h11.Connection(our_role=h11.CLIENT)
    parser.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
    parser.send(h11.EndOfMessage())
    return parser


def read_response(sock: socket.socket, *, method: str = "GET", timeout: float = 5.0) -> Response:
    """Read one complete response from ``sock`` with an overall deadline of ``timeout`` seconds."""
    parser = response_parser(method)
    deadline = time.monotonic() + timeout
    response: Response | None = None
    informational: list[int] = []
    head = bytearray()  # what arrived before a status line was parsed (stray bytes, when one never is)
    while True:
        try:
            event = parser.next_event()
        except h11.RemoteProtocolError as error:
            if parser.their_state is h11.CLOSED or "ConnectionClosed" in str(error):
                raise WireError(_incomplete("the server closed the connection before a complete response",
                                            None, response, head)) from None
            raise WireError(f"the server's response is not valid HTTP/1.x: {error}") from None
        if event is h11.NEED_DATA:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WireError(_incomplete("no complete response", timeout, response, head))
            sock.settimeout(remaining)
            try:
                data = sock.recv(65536)
            except TimeoutError:
                raise WireError(_incomplete("no complete response", timeout, response, head)) from None
            except ConnectionError as error:
                raise WireError(f"the connection failed while reading the response: {error}") from None
            if response is None:
                head += data
            parser.receive_data(data)
            continue
        if isinstance(event, h11.InformationalResponse):
            informational.append(event.status_code)
            continue
        if isinstance(event, h11.Response):
            response = Response(
                status=event.status_code,
                reason=bytes(event.reason),
                http_version=bytes(event.http_version),
                headers=[(bytes(k), bytes(v)) for k, v in event.headers.raw_items()],
                informational=informational,
            )
        elif isinstance(event, h11.Data) and response is not None:
            response.chunks.append((time.monotonic(), bytes(event.data)))
        elif isinstance(event, h11.EndOfMessage) and response is not None:
            response.body = b"".join(data for _, data in response.chunks)
            response.leftover = bytes(parser.trailing_data[0])
            return response
        elif isinstance(event, h11.ConnectionClosed):
            raise WireError(_incomplete("the server closed the connection before a complete response", None, response,
                                        head))


def _incomplete(what: str, timeout: float | None, response: Response | None, head: bytes = b"") -> str:
    waited = f" within {timeout:g} s" if timeout else ""
    if response is None and head:
        return f"{what}{waited}: {len(head)} bytes arrived that are not a status line ({bytes(head[:80])!r})"
    if response is None:
        return f"{what}{waited}: not even a status line arrived"
    received = b"".join(data for _, data in response.chunks)
    return f"{what}{waited}: status {response.status} and {len(received)} body bytes arrived ({received[:80]!r}...)"
