"""A front for a real server that breaks one HTTP/1.1 parsing rule: a loopback TCP relay that
passes each connection on to the server behind it, except for the one thing its ``Front`` does.
The pair then behaves as one server that gets that one rule wrong.

Belongs here: the relay, and the kinds of fault a front can have (``repairs`` what the server
must refuse into a request it accepts; ``refuses`` what it must accept; holds a connection open
that the server closed; answers pipelined requests out of order). Does not belong here: which
fault breaks which requirement (tests/mutants/http_parsing.py).

Client bytes are taken a burst at a time (what arrives until the client pauses for COALESCE
seconds), so that a fault sees each request whole, as the checks send it in one write.
"""

from __future__ import annotations

import re
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass, field

from conformance.launcher import free_port

COALESCE = 0.05  # seconds of quiet that end a burst of client bytes
REFUSAL = b"HTTP/1.1 %d Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@dataclass
class Front:
    """No fault: every byte passed on, both ways; the client's connection closed with the server's."""

    hold_open: bool = False  # keep the client's connection open once the server has closed it
    reorder: bool = False  # hold the server's answers until it closes, then send the first two swapped

    def client_bytes(self, burst: bytes) -> bytes | int:
        """What to pass on for a burst of client bytes, or a status to answer the client with instead."""
        return burst

    def opened(self) -> bool:
        """A new connection came; whether to reset it once its first bytes come, passing none on."""
        return False

    def closed(self) -> None:
        """A connection ended (each one ``opened`` counted)."""


@dataclass
class Repairs(Front):
    """Rewrites ``pattern`` (a regular expression) in the client's bytes to ``replacement``."""

    pattern: bytes = b""
    replacement: bytes = b""

    def client_bytes(self, burst: bytes) -> bytes | int:
        return re.sub(self.pattern, self.replacement, burst, flags=re.DOTALL)


@dataclass
class DropsFirstPipelined(Front):
    """Passes on only the last of the requests that arrive in one burst, as a server that parses
    only the newest request in its buffer (bjoern). A request starts a burst, or is one of the
    parsing probe's (/parsed, or the request sent after each case) after a line end."""

    def client_bytes(self, burst: bytes) -> bytes | int:
        later = [m.start() for m in re.finditer(rb"(?<=\n)(?:GET|POST) /(?:parsed|record\?event=after)", burst)]
        return burst[later[-1]:] if later else burst


@dataclass
class ResetsWhenCrowded(Front):
    """Resets a connection that arrives while ``room`` others are open, before the server reads a
    byte of it: what a kernel does to the connections a full accept queue dropped (a server with a
    short listen backlog, sent many connections at once). It breaks nothing: a case sent again on
    its own is served."""

    room: int = 8
    connections: int = 0  # open now
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def opened(self) -> bool:
        with self.lock:
            self.connections += 1
            return self.connections > self.room

    def closed(self) -> None:
        with self.lock:
            self.connections -= 1


@dataclass
class Refuses(Front):
    """Answers ``status`` itself, and closes, to a burst in which ``pattern`` is found."""

    pattern: bytes = b""
    status: int = 400

    def client_bytes(self, burst: bytes) -> bytes | int:
        return self.status if re.search(self.pattern, burst, flags=re.DOTALL) else burst


def repairs(pattern: bytes, replacement: bytes) -> Repairs:
    return Repairs(pattern=pattern, replacement=replacement)


def refuses(pattern: bytes, status: int = 400) -> Refuses:
    return Refuses(pattern=pattern, status=status)


def run_before(front: Front, command: str, host: str, port: int) -> None:
    """Start ``command`` (a launch template: {python}, {host}, {port}) on a free port, and serve
    ``front`` before it on ``host:port`` until stopped; the server is in this process group, so
    it is stopped with the front."""
    inner = free_port(host)
    server = subprocess.Popen(command.format(python=sys.executable, host=host, port=inner), shell=True)
    try:
        serve(front, host, port, (host, inner))
    finally:
        server.kill()


def serve(front: Front, host: str, port: int, upstream: tuple[str, int]) -> None:
    """Relay every connection to ``host:port`` on to ``upstream`` through ``front``, forever."""
    listener = socket.create_server((host, port))
    while True:
        client, _ = listener.accept()
        threading.Thread(target=_connection, args=(front, client, upstream), daemon=True).start()


def _connection(front: Front, client: socket.socket, upstream: tuple[str, int]) -> None:
    try:
        if front.opened():
            client.recv(65536)  # the client's first bytes came: the reset answers them
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
            client.close()
        else:
            _relay(front, client, upstream)
    finally:
        front.closed()


def _relay(front: Front, client: socket.socket, upstream: tuple[str, int]) -> None:
    try:
        server = socket.create_connection(upstream)
    except OSError:
        client.close()
        return
    refused = threading.Event()
    threading.Thread(target=_from_client, args=(front, client, server, refused), daemon=True).start()
    _from_server(front, client, server, refused)


def _bursts(sock: socket.socket):  # type: ignore[no-untyped-def]
    while True:
        sock.settimeout(None)
        try:
            data = sock.recv(65536)
        except OSError:
            return
        if not data:
            return
        sock.settimeout(COALESCE)
        while True:
            try:
                more = sock.recv(65536)
            except TimeoutError:
                break
            except OSError:
                more = b""
            if not more:
                yield data
                return
            data += more
        yield data


def _from_client(front: Front, client: socket.socket, server: socket.socket, refused: threading.Event) -> None:
    for burst in _bursts(client):
        passed = front.client_bytes(burst)
        if isinstance(passed, int):
            refused.set()
            try:
                client.sendall(REFUSAL % passed)
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:  # wakes the relay blocked in recv on it: a close alone leaves the connection open
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
            return
        try:
            server.sendall(passed)
        except OSError:
            return
    try:
        server.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _from_server(front: Front, client: socket.socket, server: socket.socket, refused: threading.Event) -> None:
    held = b""
    while True:
        try:
            data = server.recv(65536)
        except OSError:
            data = b""
        if not data:
            break
        if front.reorder:
            held += data
            continue
        try:
            client.sendall(data)
        except OSError:
            break
    if refused.is_set():
        return
    if front.reorder:
        answers = re.split(rb"(?=HTTP/1\.[01] \d{3} )", held)
        answers = [a for a in answers if a]
        if len(answers) >= 2:
            answers[0], answers[1] = answers[1], answers[0]
        try:
            client.sendall(b"".join(answers))
        except OSError:
            pass
    if front.hold_open:
        return  # the client's connection stays open until the client closes it
    try:
        client.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    client.close()
