"""An HTTP/2 client, over cleartext TCP with prior knowledge (h2c) or over TLS where ALPN picks h2,
built on the h2 library; and the frame-level WebSocket client on an HTTP/2 stream over TLS
(tls_h2_websocket; the h2c one is websocket.py's H2WebSocket).

Rules: one connection per exchange, on which every request of the exchange goes out at once, each
on its own stream (so concurrency is real); what comes back is kept per stream as received:
informational (1xx) header blocks, the response headers in order, the body, and trailers. Every
read has a deadline.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

from conformance.clients.websocket import TIMEOUT as WS_TIMEOUT
from conformance.clients.websocket import H2WebSocket

Headers = list[tuple[bytes, bytes]]


class H2Error(AssertionError):
    """The HTTP/2 exchange could not be completed: no preface answer, a reset stream, a timeout."""


class NoHTTP2(H2Error):
    """The server does not speak HTTP/2 on this connection (ALPN chose something else)."""


def alpn_context(context: ssl.SSLContext) -> ssl.SSLContext:
    """``context``, offering h2 (and http/1.1) by ALPN."""
    context.set_alpn_protocols(["h2", "http/1.1"])
    return context


@dataclass
class H2Request:
    method: str = "GET"
    path: str = "/"
    headers: Headers = field(default_factory=list)  # sent after the pseudo-headers, in order
    body: bytes = b""
    frames: int = 1  # how many DATA frames the body is cut into
    authority: str | None = None  # default: host:port


@dataclass
class H2Response:
    status: int = 0
    headers: Headers = field(default_factory=list)
    body: bytes = b""
    trailers: Headers = field(default_factory=list)
    informational: list[Headers] = field(default_factory=list)
    reset: int | None = None  # the error code, if the server reset the stream
    # What the server pushed alongside (HTTP/2 server push): each PUSH_PROMISE's request headers and
    # the response that came on the promised stream.
    pushes: list[tuple[Headers, H2Response]] = field(default_factory=list)
    # Each DATA frame's payload with when it arrived (time.monotonic()), for checks of pacing.
    chunks: list[tuple[float, bytes]] = field(default_factory=list)

    def header_values(self, name: bytes) -> list[bytes]:
        return [value for key, value in self.headers if key.lower() == name]


def exchange(host: str, port: int, requests: list[H2Request], timeout: float = 5.0,
             tls: ssl.SSLContext | None = None, push: bool = True) -> list[H2Response]:
    """Send every request at once on one connection (h2c, or TLS with ``tls``); return the responses
    in request order. Over TLS, a server whose ALPN does not pick h2 raises NoHTTP2. With ``push``
    false the client's SETTINGS say SETTINGS_ENABLE_PUSH 0."""
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
    if not push:
        connection.local_settings = h2.settings.Settings(client=True,
                                                         initial_values={h2.settings.SettingCodes.ENABLE_PUSH: 0})
    connection.initiate_connection()
    responses: dict[int, H2Response] = {}
    ended: set[int] = set()
    waiting: set[int] = set()  # the streams to see end: the requests', and any pushed ones
    plain = socket.create_connection((host, port), timeout=timeout)
    # wrap_socket takes over the descriptor: the TLS socket is the one to close, however this ends.
    with tls.wrap_socket(plain, server_hostname=host) if tls else plain as sock:
        if tls and sock.selected_alpn_protocol() != "h2":
            raise NoHTTP2(f"ALPN picked {sock.selected_alpn_protocol()!r}, not h2")
        order = []
        for request in requests:
            stream_id = connection.get_next_available_stream_id()
            order.append(stream_id)
            waiting.add(stream_id)
            responses[stream_id] = H2Response()
            pseudo = [(b":method", request.method.encode()), (b":scheme", b"https" if tls else b"http"),
                      (b":authority", (request.authority or f"{host}:{port}").encode()),
                      (b":path", request.path.encode())]
            connection.send_headers(stream_id, pseudo + request.headers, end_stream=not request.body)
            if request.body:
                size = -(-len(request.body) // max(request.frames, 1))
                pieces = [request.body[i:i + size] for i in range(0, len(request.body), size)]
                for index, piece in enumerate(pieces):
                    connection.send_data(stream_id, piece, end_stream=index == len(pieces) - 1)
        sock.sendall(connection.data_to_send())
        deadline = time.monotonic() + timeout
        while not waiting <= ended:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise H2Error(f"no complete HTTP/2 response within {timeout:g} s on streams "
                              f"{sorted(waiting - ended)}")
            sock.settimeout(remaining)
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                raise H2Error("the server closed the HTTP/2 connection before every stream ended")
            for event in connection.receive_data(data):
                _absorb(connection, event, responses, ended, waiting)
            sock.sendall(connection.data_to_send())
    return [responses[stream_id] for stream_id in order]


def _absorb(connection: h2.connection.H2Connection, event: h2.events.Event,
            responses: dict[int, H2Response], ended: set[int], waiting: set[int]) -> None:
    stream_id = getattr(event, "stream_id", None)
    response = responses.get(stream_id) if stream_id is not None else None
    if isinstance(event, h2.events.PushedStreamReceived):
        pushed = responses[event.pushed_stream_id] = H2Response()
        responses[event.parent_stream_id].pushes.append((list(event.headers), pushed))
        waiting.add(event.pushed_stream_id)
    elif isinstance(event, h2.events.InformationalResponseReceived) and response is not None:
        response.informational.append(list(event.headers))
    elif isinstance(event, h2.events.ResponseReceived) and response is not None:
        headers = list(event.headers)
        response.status = int(dict(headers).get(b":status", b"0"))
        response.headers = headers
    elif isinstance(event, h2.events.DataReceived) and response is not None:
        response.body += event.data
        response.chunks.append((time.monotonic(), event.data))
        connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
    elif isinstance(event, h2.events.TrailersReceived) and response is not None:
        response.trailers = list(event.headers)
    elif isinstance(event, h2.events.StreamEnded):
        ended.add(event.stream_id)
    elif isinstance(event, h2.events.StreamReset):
        if response is not None:
            response.reset = event.error_code
        ended.add(event.stream_id)
    elif isinstance(event, h2.events.ConnectionTerminated):
        raise H2Error(f"the server ended the HTTP/2 connection (GOAWAY, error code {event.error_code})")


def speaks_h2c(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether the server answers the HTTP/2 connection preface with its SETTINGS."""
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(connection.data_to_send())
            data = sock.recv(65536)
            events = connection.receive_data(data) if data else []
    except (OSError, h2.exceptions.ProtocolError):
        return False
    return any(isinstance(event, h2.events.RemoteSettingsChanged) for event in events)


def tls_h2_websocket(host: str, port: int, tls: ssl.SSLContext, timeout: float = WS_TIMEOUT) -> H2WebSocket:
    """An H2WebSocket over TLS where ALPN picks h2 (NoHTTP2 otherwise); its CONNECT says :scheme https."""
    context = alpn_context(tls)

    def wrap(plain: socket.socket) -> socket.socket:
        wrapped = context.wrap_socket(plain, server_hostname=host)
        if wrapped.selected_alpn_protocol() != "h2":
            wrapped.close()
            raise NoHTTP2(f"ALPN picked {wrapped.selected_alpn_protocol()!r}, not h2")
        return wrapped

    return H2WebSocket(host, port, timeout, wrap=wrap)
