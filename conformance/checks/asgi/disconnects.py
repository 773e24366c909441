"""The exchanges in which the HTTP client goes away, shared by the checks that read them (the
disconnect checks in test_http_disconnect.py, and those of the core spec and the request body in
test_core.py and test_http_request.py).

What the app sees after its client left has no response to travel in, so the probe reports it to
the recorder: /after-response what receive() returns once the response is out, /wait-disconnect
what receive() and send() do when the client hangs up. Each exchange is made once per server
instance (conformance/checks/per_instance.py).
"""

from __future__ import annotations

from conformance.checks.per_instance import PerInstance
from conformance.clients.raw import RawClient, read_response
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, Record, Recorder, RecordTimeout

OPEN_FOR = 1.0  # seconds the client keeps the connection open after the response, before closing
APP_WAITS = 5.0  # seconds the probe waits in receive() (see probe_apps/asgi_http_disconnect.py)

_exchanges: PerInstance[dict] = PerInstance()


def request_line(target: str, token: str, extra: str = "") -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{TOKEN_HEADER}: {token}\r\n{extra}\r\n".encode()


def after_response(asgi: RawClient, recorder: Recorder, server: ServerProcess) -> dict:
    def run() -> dict:
        token = recorder.new_token()
        with asgi.connect() as sock:
            sock.sendall(request_line("/after-response", token))
            read_response(sock)
            try:
                first = recorder.wait_for(token, "after-response.receive", timeout=OPEN_FOR)[0]
                when = "while the connection was still open"
            except RecordTimeout:
                first, when = None, ""
        if first is None:
            first = recorder.wait_for(token, "after-response.receive", timeout=APP_WAITS + 1)[0]
            when = f"only once the client closed the connection ({OPEN_FOR:g} s after the response)"
        again = recorder.wait_for(token, "after-response.receive-again", timeout=APP_WAITS)[0]
        return {"got": first.data["got"], "when": when, "again": again.data["got"]}

    return _exchanges.once(server, "after-response", run)


def hang_up(asgi: RawClient, recorder: Recorder, server: ServerProcess) -> dict[str, Record]:
    """The client asks /wait-disconnect, waits until the app is in receive(), and hangs up."""
    def run() -> dict:
        token = recorder.new_token()
        with asgi.connect() as sock:
            sock.sendall(request_line("/wait-disconnect", token))
            recorder.wait_for(token, "waiting", timeout=APP_WAITS)
        return {event: recorder.wait_for(token, f"wait-disconnect.{event}", timeout=APP_WAITS + 1)[0]
                for event in ("receive", "receive-again", "send")}

    return _exchanges.once(server, "hang-up", run)
