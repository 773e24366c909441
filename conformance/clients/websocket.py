"""WebSocket clients: the `websockets` library for ordinary traffic, and a frame-level client for
what a library will not send or hides (RFC 6455).

H2WebSocket is the same frame-level client on an HTTP/2 stream (RFC 8441 extended CONNECT).

Rule: the frame-level client writes exactly the frames a check asks for (fragments, pings
between fragments, a close frame without a code, a TCP drop without any close) and hands back
every frame as it came, control frames included; it answers nothing by itself. Every read has a
deadline, so a server that stops answering fails the check instead of hanging the run.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import ssl
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import h2.config
import h2.connection
import h2.events
import h2.settings
from websockets.sync.client import ClientConnection, connect

from conformance.clients.raw import WireError

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
OPCODE_NAMES = {CONTINUATION: "continuation", TEXT: "text", BINARY: "binary", CLOSE: "close", PING: "ping",
                PONG: "pong"}
TIMEOUT = 5.0


def accept_value(key: bytes) -> bytes:
    """The Sec-WebSocket-Accept a server must answer ``key`` with (RFC 6455 section 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key + GUID).digest())


def new_key() -> bytes:
    return base64.b64encode(os.urandom(16))


def handshake(target: str, host: str, key: bytes, headers: Iterable[tuple[str, str]] = ()) -> bytes:
    """An opening handshake request (RFC 6455 section 4.1), with extra header lines as given."""
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key.decode('ascii')}", "Sec-WebSocket-Version: 13"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def frame(opcode: int, payload: bytes = b"", *, fin: bool = True, mask: bool = True) -> bytes:
    """One frame as a client sends it (masked, as RFC 6455 section 5.3 requires of clients)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    length = len(payload)
    bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([bit | length])
    elif length < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def close_payload(code: int | None = None, reason: str = "") -> bytes:
    return b"" if code is None else struct.pack("!H", code) + reason.encode("utf-8")


@dataclass
class Frame:
    fin: bool
    opcode: int
    payload: bytes

    @property
    def kind(self) -> str:
        return OPCODE_NAMES.get(self.opcode, f"opcode {self.opcode:#x}")

    def close_code(self) -> int | None:
        return struct.unpack("!H", self.payload[:2])[0] if self.opcode == CLOSE and len(self.payload) >= 2 else None

    def close_reason(self) -> str:
        return self.payload[2:].decode("utf-8", "replace") if self.opcode == CLOSE else ""


@dataclass
class Head:
    """The server's answer to the opening handshake: status line and header lines as received."""
    status: int
    headers: list[tuple[bytes, bytes]]
    raw: bytes

    def values(self, name: str) -> list[bytes]:
        wanted = name.lower().encode("latin-1")
        return [value for key, value in self.headers if key.lower() == wanted]


class RawWebSocket:
    """One connection: the handshake as given, then frames in and out exactly as asked."""

    def __init__(self, host: str, port: int, timeout: float = TIMEOUT) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        self.key = new_key()
        self.sent = b""  # the handshake, shown in failure messages

    def open(self, target: str, headers: Iterable[tuple[str, str]] = (), *, then: bytes = b"") -> Head:
        """Send the handshake (and ``then``, in the same write), and read the answer's head."""
        self.sent = handshake(target, f"{self.host}:{self.port}", self.key, headers)
        self.sock.sendall(self.sent + then)
        return self.read_head()

    def read_head(self) -> Head:
        deadline = time.monotonic() + self.timeout
        while b"\r\n\r\n" not in self.buffer:
            chunk = self._recv(deadline, "the answer to the handshake")
            if not chunk:
                raise WireError(f"the server closed the connection before answering the handshake "
                                f"(got {self.buffer[:200]!r})")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            raise WireError(f"not an HTTP status line: {lines[0][:200]!r}") from None
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers.append((name.strip(), value.strip()))
        return Head(status, headers, head + b"\r\n\r\n")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv_frame(self, timeout: float | None = None) -> Frame:
        """The next frame the server sends; WireError if the connection ends first or the
        deadline passes."""
        deadline = time.monotonic() + (timeout or self.timeout)
        self._fill(2, deadline)
        first, second = self.buffer[0], self.buffer[1]
        length, offset = second & 0x7F, 2
        if length == 126:
            self._fill(4, deadline)
            length, offset = struct.unpack("!H", self.buffer[2:4])[0], 4
        elif length == 127:
            self._fill(10, deadline)
            length, offset = struct.unpack("!Q", self.buffer[2:10])[0], 10
        mask = b""
        if second & 0x80:  # a server must not mask (RFC 6455 section 5.1), but read it anyway
            self._fill(offset + 4, deadline)
            mask, offset = self.buffer[offset:offset + 4], offset + 4
        self._fill(offset + length, deadline)
        payload = self.buffer[offset:offset + length]
        self.buffer = self.buffer[offset + length:]
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return Frame(bool(first & 0x80), first & 0x0F, payload)

    def frames_until(self, opcode: int, timeout: float | None = None) -> list[Frame]:
        """Frames up to and including the first one with ``opcode``."""
        found: list[Frame] = []
        deadline = time.monotonic() + (timeout or self.timeout)
        while not found or found[-1].opcode != opcode:
            found.append(self.recv_frame(max(0.0, deadline - time.monotonic()) or 0.001))
        return found

    def closed_within(self, timeout: float) -> bool:
        """Whether the server ends the TCP connection within ``timeout`` (bytes meanwhile are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.sock.settimeout(remaining)
            try:
                if not self.sock.recv(65536):
                    return True
            except TimeoutError:
                return False
            except OSError:
                return True

    def drop(self) -> None:
        """End the TCP connection at once, without a close frame (an RST, as a crashed client)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawWebSocket:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _fill(self, size: int, deadline: float) -> None:
        while len(self.buffer) < size:
            chunk = self._recv(deadline, f"a frame ({len(self.buffer)} of {size} bytes so far)")
            if not chunk:
                raise WireError(f"the server closed the connection while a frame was expected "
                                f"({len(self.buffer)} bytes pending)")
            self.buffer += chunk

    def _recv(self, deadline: float, what: str) -> bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WireError(f"no {what} within {self.timeout:g} s")
        self.sock.settimeout(remaining)
        try:
            return self.sock.recv(1 << 20)
        except TimeoutError:
            raise WireError(f"no {what} within {self.timeout:g} s") from None
        except ConnectionError as error:
            raise WireError(f"the connection failed while waiting for {what}: {error}") from None


def open_websocket(url: str, *, headers: Iterable[tuple[str, str]] = (), subprotocols: list[str] | None = None,
                   timeout: float = TIMEOUT, tls: ssl.SSLContext | None = None) -> ClientConnection:
    """A `websockets` client connection with a deadline on every step, no compression (frames
    carry the bytes as sent) and no size limit or keepalive pings of its own; ``tls`` for wss://."""
    return connect(url, additional_headers=list(headers), subprotocols=subprotocols,  # type: ignore[arg-type]
                   open_timeout=timeout, close_timeout=timeout, compression=None, max_size=None,
                   ping_interval=None, proxy=None, ssl=tls)


class NoExtendedConnect(WireError):
    """The server does not offer WebSocket over HTTP/2 (no SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441)."""


class H2WebSocket(RawWebSocket):
    """A WebSocket on one HTTP/2 stream (RFC 8441), over cleartext HTTP/2 with prior knowledge (or
    TLS: clients/h2.py's tls_h2_websocket): an extended CONNECT, then WebSocket frames carried in
    DATA frames, written and read exactly as the frame-level client does."""

    def __init__(self, host: str, port: int, timeout: float = TIMEOUT,
                 wrap: Callable[[socket.socket], socket.socket] | None = None) -> None:
        super().__init__(host, port, timeout)
        # ``wrap`` puts TLS (with ALPN h2) on the TCP connection before the preface goes out
        self.scheme = b"http" if wrap is None else b"https"
        if wrap is not None:
            self.sock = wrap(self.sock)
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
        self.h2.initiate_connection()
        self.stream_id = 0
        self.response: list[tuple[bytes, bytes]] = []
        self.ended = False
        self._data = b""
        self._settings_seen = False
        self.sock.sendall(self.h2.data_to_send())

    def open_stream(self, target: str, headers: Iterable[tuple[str, str]] = ()) -> int:
        """Send the extended CONNECT for ``target``; the :status of the answer. NoExtendedConnect
        if the server's SETTINGS do not enable it."""
        deadline = time.monotonic() + self.timeout
        while not self._settings_seen:
            self._pump(deadline, "the server's HTTP/2 SETTINGS")
        if self.h2.remote_settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL) != 1:
            raise NoExtendedConnect("the server's SETTINGS do not enable extended CONNECT (RFC 8441)")
        self.stream_id = self.h2.get_next_available_stream_id()
        request = [(b":method", b"CONNECT"), (b":protocol", b"websocket"), (b":scheme", self.scheme),
                   (b":path", target.encode()), (b":authority", f"{self.host}:{self.port}".encode()),
                   (b"sec-websocket-version", b"13")]
        request += [(name.lower().encode(), value.encode()) for name, value in headers]
        self.h2.send_headers(self.stream_id, request)
        self.sock.sendall(self.h2.data_to_send())
        while not self.response and not self.ended:
            self._pump(deadline, "the answer to the extended CONNECT")
        return int(dict(self.response).get(b":status", b"0"))

    def send(self, data: bytes) -> None:
        self.h2.send_data(self.stream_id, data)
        self.sock.sendall(self.h2.data_to_send())

    def _pump(self, deadline: float, what: str) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WireError(f"no {what} within {self.timeout:g} s")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise WireError(f"no {what} within {self.timeout:g} s") from None
        if not chunk:
            raise WireError(f"the server closed the HTTP/2 connection while waiting for {what}")
        for event in self.h2.receive_data(chunk):
            if isinstance(event, h2.events.RemoteSettingsChanged):
                self._settings_seen = True
            elif isinstance(event, h2.events.ResponseReceived) and event.stream_id == self.stream_id:
                self.response = list(event.headers)
            elif isinstance(event, h2.events.DataReceived) and event.stream_id == self.stream_id:
                self._data += event.data
                self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)) and \
                    event.stream_id == self.stream_id:
                self.ended = True
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.ended = True
        self.sock.sendall(self.h2.data_to_send())

    def _recv(self, deadline: float, what: str) -> bytes:
        """The stream's next DATA bytes (b"" once the stream has ended)."""
        while not self._data and not self.ended:
            self._pump(deadline, what)
        data, self._data = self._data, b""
        return data
