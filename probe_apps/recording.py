"""The probe apps' half of the recorder side channel.

The suite listens on a loopback TCP port and passes its address in ``CONFORMANCE_RECORDER``.
Each record is one JSON line on a fresh connection, so it works from any worker process or
thread, and from blocking or async code alike (a loopback round trip takes microseconds).
The suite acknowledges each record, and record() waits for that.
A record is tagged with the token the check sent in the ``X-Probe-Token`` request header.
"""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

RECORDER_ENV = "CONFORMANCE_RECORDER"
INSTANCE_ENV = "CONFORMANCE_INSTANCE"
TOKEN_HEADER = "x-probe-token"


def record(token: str | None, event: str, **data: Any) -> None:
    """Send one record to the suite; silently do nothing if there is no recorder or token."""
    address = os.environ.get(RECORDER_ENV)
    if not address or not token:
        return
    host, _, port = address.rpartition(":")
    line = json.dumps(
        {"token": token, "event": event, "pid": os.getpid(), "time": time.time(), "data": data}
    )
    try:
        with socket.create_connection((host, int(port)), timeout=2) as sock:
            sock.sendall(line.encode("utf-8") + b"\n")
            # Wait for the suite's acknowledgement: once record() returns, the record is stored,
            # so anything the app does afterwards (answering the request) comes after it.
            sock.recv(16)
    except OSError:
        pass  # the suite may be gone; a probe never breaks the server because of it


def instance_token(name: str) -> str:
    """The token for records that belong to no request, such as lifespan events."""
    return f"{name}:{os.environ.get(INSTANCE_ENV, '')}"
