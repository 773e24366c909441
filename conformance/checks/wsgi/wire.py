"""What the WSGI checks share on the wire: a request on a connection kept open, the follow-up
request that proves the framing held, reading until the server closes, and the client's clock
in the app's terms.

Rule: every read has a deadline; nothing here sleeps a fixed time.
"""

from __future__ import annotations

import select
import socket
import time
from urllib.parse import urlencode

from conformance.clients.raw import RawClient, Response, WireError, build_request, read_response
from conformance.recorder import TOKEN_HEADER, Record, Recorder


def target(path: str, *pairs: tuple[str, str | int | float]) -> str:
    """``path`` with the query built from ``pairs`` (repeated names kept, values escaped)."""
    return f"{path}?{urlencode([(k, str(v)) for k, v in pairs])}" if pairs else path


def wall(monotonic: float) -> float:
    """A client-side time.monotonic() reading as time.time(), the clock the probe app records in."""
    return time.time() - (time.monotonic() - monotonic)


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


def read_until_close(sock: socket.socket, timeout: float) -> tuple[bytes, bool]:
    """Everything the server sends until it closes the connection (True) or ``timeout`` passes
    (False)."""
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return data, False
        ready, _, _ = select.select([sock], [], [], remaining)
        if not ready:
            return data, False
        try:
            chunk = sock.recv(65536)
        except ConnectionError:
            return data, True
        if not chunk:
            return data, True
        data += chunk


def split_head(data: bytes) -> tuple[bytes, list[tuple[bytes, bytes]], bytes]:
    """A raw response as (status line, header lines, everything after the head)."""
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(b":") for line in lines[1:])]
    return lines[0], headers, rest


def wait_closed(recorder: Recorder, token: str, timeout: float = 5.0) -> list[str]:
    """Wait for the app's close() record; the events seen under ``token``, in order."""
    recorder.wait_for(token, "close", timeout=timeout)
    return [r.event for r in recorder.records(token)]



def headers_arrival(client: RawClient, recorder: Recorder, path: str,
                    timeout: float = 5.0) -> tuple[float | None, Record]:
    """GET ``path`` of a scenario that records "returning" just before the app returns: when the
    first byte of the response arrived (wall clock, None if nothing came within ``timeout``), and
    the app's "returning" record (its time is when the app was about to return)."""
    token = recorder.new_token()
    with Exchange(client, "GET", path, token=token) as exchange:
        exchange.sock.sendall(exchange.raw)
        ready, _, _ = select.select([exchange.sock], [], [], timeout)
        first = wall(time.monotonic()) if ready else None
        returning = recorder.wait_for(token, "returning", timeout=timeout)[0]
    return first, returning
