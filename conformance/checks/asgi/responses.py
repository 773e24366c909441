"""What the checks on the app's HTTP response share (test_http_response.py, and the core checks on
invalid events and failing apps in test_core.py): how long a check waits, how the server ended a
request the app gave no response to (the probe's /raise and /silent), and what send() did with
one of the probe's invalid events (its /bad-send).
"""

from __future__ import annotations

from conformance.clients.raw import RawClient, build_request, read_response
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import verify

WAIT = 5.0  # seconds a check waits for the server to end a response or the connection
# Once the app has returned or raised, ending the request is the server's alone and takes it
# milliseconds; the bound is how long a server that leaves the client waiting is waited for.
ENDED_WAIT = 3.0


def ended_by_the_server(asgi: RawClient, target: str) -> str:
    """How the server ended a request the app gave no response to: 'status N', 'closed without a
    response', or 'hang' when nothing came and the connection stayed open."""
    with asgi.connect() as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target.encode())
        try:
            response = read_response(sock, timeout=ENDED_WAIT)
        except AssertionError:
            sock.settimeout(0.1)
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
            except OSError:
                closed = True
            return "closed without a complete response" if closed else "hang"
    return f"status {response.status}"


def bad_send(asgi: RawClient, recorder: Recorder, kind: str) -> dict:
    """What send() did with one of the probe's invalid events (BAD_SENDS in the probe)."""
    token = recorder.new_token()
    with asgi.connect() as sock:  # the answer after a bad event is not judged: only the app's report is waited for
        sock.sendall(build_request("GET", f"/bad-send?kind={kind}", [(TOKEN_HEADER, token)]))
        return recorder.wait_for(token, "bad-send", timeout=WAIT)[0].data


def verify_raised(asgi: RawClient, recorder: Recorder, kind: str, what: str) -> None:
    outcome = bad_send(asgi, recorder, kind)
    verify(outcome["raised"] is not None, sent=f"GET /bad-send?kind={kind}: the app sends {what}",
           expected="send() raises an exception back to the app", got="send() returned without raising")
