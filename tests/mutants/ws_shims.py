"""WebSocket server shims: uvicorn (h11, websockets-sansio) with one server-side duty broken,
for what app middleware cannot break (answering pings, closing the connection after a refusal or
after the closing handshake). Each shim is a mutant, declared beside it by the requirement it
breaks, and serves the plain probe app.

Usage: python -m tests.mutants.ws_shims SHIM HOST PORT MODULE:ATTRIBUTE, SHIM the name of a shim
below (``launch``).
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from tests.mutants.declare import DECLARATIONS, breaks


class _TransportKeptOpen:
    """The connection's transport, except that close() does nothing."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


@breaks("ASGI-WS-HS-013", also=["test_the_connection_is_closed_after_the_denial_response"])
def ws_kept_open_after_refusal() -> None:
    """The 403 (or the app's denial response) is sent, but the server never closes the
    connection: it stays open until the client closes it."""
    send = WebSocketsSansIOProtocol.send

    async def refusing_without_closing(self: WebSocketsSansIOProtocol, message: dict[str, Any]) -> None:
        if not self.handshake_complete and not isinstance(self.transport, _TransportKeptOpen):
            self.transport = _TransportKeptOpen(self.transport)  # type: ignore[assignment]
        if isinstance(self.transport, _TransportKeptOpen) and message["type"] == "websocket.accept":
            self.transport = self.transport._transport  # accepted after all: the real one again
        await send(self, message)

    WebSocketsSansIOProtocol.send = refusing_without_closing  # type: ignore[method-assign]


@breaks("ASGI-WS-MSG-008", also=["test_a_ping_between_fragments_is_answered_and_splits_nothing"])
def ws_pings_unanswered() -> None:
    """Pings are read, and never answered."""

    def handle_ping(self: WebSocketsSansIOProtocol) -> None:
        self.conn.data_to_send()  # the pong websockets prepared: dropped

    WebSocketsSansIOProtocol.handle_ping = handle_ping  # type: ignore[method-assign]


@breaks("ASGI-WS-CLOSE-005")
def ws_tcp_kept_after_close() -> None:
    """The closing handshake completes (the client's close frame answers the app's), but the
    server leaves the TCP connection open, until its close timeout (10 s)."""
    handle_close = WebSocketsSansIOProtocol.handle_close

    def handle_close_keeping_open(self: WebSocketsSansIOProtocol, event: Any) -> None:
        if not self.close_sent:
            handle_close(self, event)

    WebSocketsSansIOProtocol.handle_close = handle_close_keeping_open  # type: ignore[method-assign]


def launch(name: str) -> str:
    """The launch command of uvicorn with the shim ``name`` applied."""
    return f"{{python}} -m tests.mutants.ws_shims {name} {{host}} {{port}} {{app}}"


def main(argv: list[str]) -> None:
    name, host, port, app = argv
    shim = globals().get(name)
    if not hasattr(shim, DECLARATIONS):
        raise SystemExit(f"no shim {name!r} in tests.mutants.ws_shims: expected the name of a declared one")
    shim()
    uvicorn.run(app, host=host, port=int(port), http="h11", ws="websockets-sansio")


if __name__ == "__main__":
    main(sys.argv[1:])
