"""Sending every HTTP/1.1 parsing case at once, and what came back for each.

Each case (cases.py) goes on a connection of its own, followed by AFTER: a well-formed request
with Connection: close, which a server answers once it has read the case as a request and framed
it as the case says, and must never answer where it should have refused the case. Every byte
is then read until the server closes or DEADLINE passes.

Why at once: a server that waits (for a body, for more of a chunk) costs its deadline; waiting
in parallel, the whole batch costs about one. But a server that serves one connection at a time
keeps the others queued meanwhile, so a case that got nothing at all, its connection still open
and the app never called, is sent again alone afterwards: a queue must never pass for a verdict.
(A case whose app was called was read by the server, which is waiting: that is its answer.)
Nor must a queue fail a server: a case that got nothing and fails for it is sent again alone too,
whatever else was seen (a server of several processes may serve the probe from one while the case
waits in another's queue, or call the app for it just after its deadline); and so is one that
failed on a close before any byte came, the app never called: a server with a short listen backlog
(wsgiref's is 5) has the kernel reset the connections its full accept queue dropped.

And one defect is charged once: a server that drops the first of two pipelined requests (and
answers the second) fails HTTP1-PARSE-066 for it, and would fail every case after which AFTER
alone was answered. Where the server does so with two well-formed requests, each such failing case
is sent again with AFTER held back until the case's answer came (``Outcome.alone``), and judged on
that.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import h11

from conformance.checks.wire import read_until_closed
from conformance.clients.raw import response_parser
from conformance.recorder import TOKEN_HEADER, Recorder

DEADLINE = 3.0  # seconds a case has for its answers and the close, on a loaded 2-core machine


@dataclass(frozen=True)
class Sent:
    """What a case puts on the wire: the bytes (AFTER is added), and whether the client then shuts
    its sending side (a body cut short)."""

    raw: bytes
    half_close: bool = False
    several: bool = False  # several requests in one write: pipelining itself, never sent with AFTER held back


Build = Callable[[str, str], Sent]  # (the Host value, the case's token) -> what to send


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class Outcome:
    answers: list[Answer]
    stray: bytes  # bytes after the last answer that are no complete response
    closed: bool  # the server closed the connection before the deadline
    seconds: float
    events: list[str] = field(default_factory=list)  # what the recorder got for the case's token
    serving: bool = False  # (when nothing came) the server answered another connection meanwhile
    started: float = 0.0  # time.monotonic() when the connection was opened
    alone: bool = False  # AFTER was sent only once the case was answered (not pipelined behind it)

    @property
    def called(self) -> bool:
        """The app was called for the case's own request."""
        return "parsed" in self.events

    @property
    def after(self) -> bool:
        """The AFTER request reached the app."""
        return "after" in self.events

    @property
    def silent(self) -> bool:
        """No byte came back (the connection may have been closed)."""
        return not self.answers and not self.stray

    @property
    def nothing(self) -> bool:
        return self.silent and not self.closed


def after_request(host: str, token: str) -> bytes:
    return (f"GET /record?event=after HTTP/1.1\r\nHost: {host}\r\n{TOKEN_HEADER}: {token}\r\n"
            "Connection: close\r\n\r\n").encode("latin-1")


def split_answers(data: bytes, closed: bool) -> tuple[list[Answer], bytes]:
    """The complete responses at the start of ``data``, one after another, and what is left."""
    answers: list[Answer] = []
    while data:
        parser = response_parser("GET")
        parser.receive_data(data)
        if closed:
            parser.receive_data(b"")
        status, headers, body = 0, [], b""
        try:
            while True:
                event = parser.next_event()
                if isinstance(event, h11.InformationalResponse):
                    continue
                if isinstance(event, h11.Response):
                    status, headers = event.status_code, [(bytes(n), bytes(v)) for n, v in event.headers]
                elif isinstance(event, h11.Data):
                    body += bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:  # NEED_DATA, a close, PAUSED: no complete response here
                    return answers, data
        except h11.RemoteProtocolError:
            return answers, data
        answers.append(Answer(status, headers, body))
        data = parser.trailing_data[0]
    return answers, b""


def exchange(host: str, port: int, sent: Sent, token: str, recorder: Recorder, alone: bool = False) -> Outcome:
    """The case on a connection of its own, AFTER behind it in the same write (or, ``alone``, once
    the case got its answer, or DEADLINE passed without one)."""
    started = time.monotonic()
    after = b"" if sent.half_close else after_request(f"{host}:{port}", token)
    alone = alone and bool(after) and not sent.several
    raw, held_back = (sent.raw, after) if alone else (sent.raw + after, b"")
    try:
        sock = socket.create_connection((host, port), timeout=DEADLINE)
    except OSError:  # not even accepted (a full backlog): nothing came, and the server may be stuck
        return Outcome([], b"", False, time.monotonic() - started, started=started)
    started = time.monotonic()  # once accepted into the queue: a probe sent after this is behind it
    with sock:
        # A writer of its own: a server may answer (and close) before a large request is all sent.
        writer = threading.Thread(target=_send, args=(sock, raw, sent.half_close), daemon=True)
        writer.start()
        if held_back:
            data, closed = read_first_answer(sock)
            writer.join(DEADLINE)  # the case all sent before AFTER follows it
            if not closed:
                _send(sock, held_back, False)
                rest, closed = read_until_closed(sock, DEADLINE)
                data += rest
        else:
            data, closed = read_answers(sock)
        writer.join(DEADLINE)
    answers, stray = split_answers(data, closed)
    events = [r.event for r in recorder.records(token)]
    return Outcome(answers, stray, closed, time.monotonic() - started, events, started=started, alone=alone)


def read_answers(sock: socket.socket) -> tuple[bytes, bool]:
    """Every byte until the server closes: DEADLINE for the first to come, and DEADLINE more from
    then on, so that a case a busy server took up late is watched as long as one it took at once."""
    ready, _, _ = select.select([sock], [], [], DEADLINE)
    if not ready:
        return b"", False
    return read_until_closed(sock, DEADLINE)


def read_first_answer(sock: socket.socket) -> tuple[bytes, bool]:
    """What came until one whole answer did, or the server closed, or DEADLINE passed."""
    data, deadline = b"", time.monotonic() + DEADLINE
    while not split_answers(data, False)[0]:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([sock], [], [], max(remaining, 0))
        if not ready:
            return data, False
        try:
            chunk = sock.recv(65536)
        except OSError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


STUCK_AFTER = 1.0  # seconds without an answer to GET /ready that make an instance stuck (and replaced)


def answers_ready(host: str, port: int, timeout: float = DEADLINE) -> bool:
    """Whether the server answers GET /ready on another connection within ``timeout``."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(f"GET /ready HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
            data, _ = read_until_closed(sock, timeout)
    except OSError:
        return False
    return data.startswith(b"HTTP/1.") and b" 200 " in data.split(b"\r\n", 1)[0]


def drops_pipelined(host: str, port: int) -> bool:
    """Whether, of two well-formed requests in one write (/parsed?n=1, then n=2 with Connection:
    close), the server answers the second but not the first."""
    request = f"GET /parsed?n={{}} HTTP/1.1\r\nHost: {host}:{port}\r\n{{}}\r\n"
    try:
        with socket.create_connection((host, port), timeout=DEADLINE) as sock:
            sock.sendall((request.format(1, "") + request.format(2, "Connection: close\r\n")).encode())
            data, closed = read_until_closed(sock, DEADLINE)
    except OSError:
        return False
    answered = [_report_n(answer.body) for answer in split_answers(data, closed)[0]]
    return "2" in answered and "1" not in answered


def _report_n(body: bytes) -> object:
    try:
        return json.loads(body).get("n")
    except (ValueError, AttributeError):
        return None


class Monitor:
    """GET /ready, again and again while cases run: when the server answered other connections."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.served: list[tuple[float, float]] = []  # (sent, answered) of each probe answered
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Monitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Not waited for: a probe still out (a stuck server) can only be answered after every
        # case ended, so it counts for none of them.
        self._done.set()

    def _watch(self) -> None:
        while not self._done.is_set():
            sent = time.monotonic()
            if answers_ready(self.host, self.port):
                self.served.append((sent, time.monotonic()))
            self._done.wait(0.2)

    def serving_during(self, outcome: Outcome) -> bool:
        """Whether a probe sent after the case's connection opened was answered while it stayed open."""
        ended = outcome.started + outcome.seconds
        return any(sent >= outcome.started and answered <= ended for sent, answered in self.served)


def _send(sock: socket.socket, raw: bytes, half_close: bool) -> None:
    try:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server closed first: what it answered is what counts


Endpoint = Callable[[bool], tuple[str, int]]  # (start a fresh instance?) -> the server's host and port


Passes = Callable[[str, Outcome], bool]  # (a case's name, its outcome) -> whether its rule holds


def send_all(endpoint: Endpoint, cases: Mapping[str, Build], recorder: Recorder,
             passes: Passes) -> dict[str, Outcome]:
    """Every case's outcome by name: all at once, then (all together, then one by one) each that got
    nothing, where the server served no one else either or where nothing fails the case (queued, or
    the server stuck: then on a fresh instance)."""
    host, port = endpoint(False)

    def run(names: list[str], parallel: int, alone: bool = False) -> dict[str, Outcome]:
        def one(name: str) -> tuple[str, Outcome]:
            token = recorder.new_token()
            return name, exchange(host, port, cases[name](f"{host}:{port}", token), token, recorder, alone)

        with Monitor(host, port) as monitor, ThreadPoolExecutor(parallel) as pool:
            outcomes = dict(pool.map(one, names))
        for outcome in outcomes.values():
            outcome.serving = outcome.nothing and monitor.serving_during(outcome)
        return outcomes

    def unsettled(names: list[str]) -> list[str]:
        """Those that got nothing, where that may be a queue's doing (or fails them); and those
        that got no byte before a close and fail for it: a kernel resets a connection that its
        full accept queue dropped, before the server read a byte of it."""
        def queued(o: Outcome) -> bool:
            return o.nothing and not o.called and not o.serving

        def failed_unread(name: str, o: Outcome) -> bool:
            return o.silent and (o.nothing or not o.called) and not passes(name, o)

        return [name for name in names if queued(outcomes[name]) or failed_unread(name, outcomes[name])]

    outcomes = run(list(cases), len(cases))
    again = unsettled(list(cases))
    if again:
        # All together first: a server that took one connection at a time and stuck on one case
        # serves the rest at once; then one by one, those that still got nothing.
        if not answers_ready(host, port, STUCK_AFTER):  # a wrong guess costs a restart only
            host, port = endpoint(True)
        outcomes.update(run(again, len(again)))
        for name in unsettled(again):
            if not answers_ready(host, port, STUCK_AFTER):  # a wrong guess costs a restart only
                host, port = endpoint(True)
            outcomes.update(run([name], 1))
    dropped = [name for name, o in outcomes.items() if not o.called and o.after and not passes(name, o)]
    if dropped and drops_pipelined(host, port):
        outcomes.update(run(dropped, len(dropped), alone=True))
    return outcomes
