"""WebSocket over HTTP/2 (RFC 8441 extended CONNECT; www.rst, "Websocket Connection Scope"): the
scope says http_version "2", has no pseudo-header, and gives :authority as the first host
header; messages go both ways on the stream.

One exchange per server and transport, each check run on both: over cleartext HTTP/2 with prior
knowledge on the shared instance, and over TLS where ALPN picks h2 on the shared TLS instance
(started by the adapter's tls launch variant; conformance/checks/launching.py). The frame-level
client (H2WebSocket, tls_h2_websocket) opens /inspect/h2 with an extended CONNECT, reads the
scope (the probe's first message, a text frame), sends a text message and reads the app's
description of it. A server that does not speak HTTP/2 that way, or whose SETTINGS do not enable
extended CONNECT, is not applicable.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.checks.asgi.ws import ABSENT, typed_value
from conformance.checks.asgi.ws_http2 import MESSAGE
from conformance.clients.websocket import TEXT
from conformance.verify import verify


@pytest.mark.requirement("ASGI-WS-MSG-001", "ASGI-WS-MSG-011")
def test_messages_go_both_ways_over_http2(over_h2: dict[str, Any]) -> None:
    exchange = over_h2
    event = exchange["event"]
    text, data = typed_value(event.get("text")), typed_value(event.get("bytes"))
    ok = (exchange["first"].opcode == TEXT and event.get("type") == "websocket.receive" and type(text) is str
          and text == MESSAGE and data in (None, ABSENT))
    verify(ok, sent=exchange["sent"] + f"; the client sends the text message {MESSAGE!r}",
           expected=f"the app's first message arrives as a text frame, and the app gets websocket.receive with text "
                    f"{MESSAGE!r}",
           got=f"first message: a {exchange['first'].kind} frame; the app got {json.dumps(event, ensure_ascii=False)}")
