"""Fixtures of the ASGI checks."""

from __future__ import annotations

import pytest

from conformance.checks.asgi.ws import WsServer, websocket_server
from conformance.launcher import ServerProcess
from conformance.recorder import Recorder
from conformance.servers import ServerSpec


@pytest.fixture
def ws(asgi_server: ServerProcess, server_spec: ServerSpec, recorder: Recorder) -> WsServer:
    """The server under test as a WebSocket server; the check is not applicable (skipped) if the
    server does not do WebSocket (see conformance/checks/asgi/ws.py)."""
    return websocket_server(asgi_server, server_spec, recorder)
