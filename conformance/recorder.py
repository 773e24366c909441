"""The suite's half of the recorder side channel (the probe apps' half is probe_apps/recording.py).

A TCP listener on loopback, owned by the pytest process, that collects JSON-line records from
any number of server worker processes. Records are grouped by token; a check waits for the record
it needs with a timeout and never sleeps a fixed time.
"""

from __future__ import annotations

import json
import socketserver
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

# The request header that carries a check's token to the probe app (probe_apps/recording.py reads it).
TOKEN_HEADER = "X-Probe-Token"


@dataclass(frozen=True)
class Record:
    token: str
    event: str
    pid: int
    time: float
    data: dict[str, Any] = field(default_factory=dict)


class RecordTimeout(AssertionError):
    """The record a check waited for did not arrive in time."""


class _Listener(socketserver.ThreadingTCPServer):
    # Workers may report in bursts: a deep backlog keeps their connects from waiting on retries.
    request_queue_size = 256
    daemon_threads = True
    allow_reuse_address = True


class Recorder:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._records: dict[str, list[Record]] = {}
        self._arrived = threading.Condition()
        recorder = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                for line in self.rfile:
                    recorder._add(json.loads(line))
                    self.wfile.write(b"ok\n")  # the probe waits for this: see probe_apps/recording.py

        self._server = _Listener((host, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @staticmethod
    def new_token() -> str:
        return uuid.uuid4().hex

    def _add(self, raw: dict[str, Any]) -> None:
        record = Record(raw["token"], raw["event"], raw["pid"], raw["time"], raw.get("data", {}))
        with self._arrived:
            self._records.setdefault(record.token, []).append(record)
            self._arrived.notify_all()

    def records(self, token: str) -> list[Record]:
        with self._arrived:
            return list(self._records.get(token, []))

    def wait_for(self, token: str, event: str, timeout: float = 5.0, count: int = 1) -> list[Record]:
        """Wait until ``count`` records of ``event`` arrived under ``token``; return them."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = [r for r in self._records.get(token, []) if r.event == event]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [r.event for r in self._records.get(token, [])]
                    wanted = f"{event!r}" if count == 1 else f"{count} records of {event!r} (got {len(found)})"
                    raise RecordTimeout(
                        f"the probe app never reported {wanted} (waited {timeout:g} s; "
                        f"records seen for this token: {seen[-20:] or 'none'})"
                    )
                self._arrived.wait(remaining)

    def wait_for_first(self, token: str, events: tuple[str, ...], timeout: float = 5.0) -> Record:
        """Wait for the first record of any of ``events`` under ``token`` (for an app that reports
        one of several outcomes, so a check need not wait out the timeout of the others)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = [r for r in self._records.get(token, []) if r.event in events]
                if found:
                    return found[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [r.event for r in self._records.get(token, [])]
                    raise RecordTimeout(
                        f"the probe app never reported any of {', '.join(map(repr, events))} (waited {timeout:g} s; "
                        f"records seen for this token: {seen[-20:] or 'none'})"
                    )
                self._arrived.wait(remaining)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
