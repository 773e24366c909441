"""http.disconnect, and send() once the client has gone (www.rst, "Disconnect - receive event",
"Disconnected Client - send exception"): receive() after the response and after the client hung
up (a second time too, reported), a client hanging up mid-body, a request body left unread
(reported), a streaming app told that the client left, and send() raising OSError from
spec_version 2.4.

What the app sees after its client left has no response to travel in, so the probe reports it to
the recorder: /after-response what receive() returns once the response is out, /wait-disconnect
what receive() and send() do when the client hangs up (each exchange made once and shared, see
disconnects.py), /upload-watch each body event until the client goes, /stream-until-disconnect
what receive() gives between the parts of a stream.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.asgi.disconnects import APP_WAITS, OPEN_FOR, after_response, hang_up, request_line
from conformance.checks.asgi.gating import at_least, http_spec_version
from conformance.checks.wire import read_head
from conformance.clients.raw import RawClient, build_request, read_response
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.verify import verify


@pytest.mark.requirement("ASGI-HTTP-DISC-001")
def test_receive_after_the_response_returns_disconnect(asgi: RawClient, recorder: Recorder,
                                                       asgi_server: ServerProcess,
                                                       observe: Callable[[str], None]) -> None:
    outcome = after_response(asgi, recorder, asgi_server)
    if outcome["got"] == "http.disconnect":
        observe(f"receive() after the response returned http.disconnect {outcome['when']}")
    verify(outcome["got"] == "http.disconnect",
           sent=f"GET /after-response (the app answers, then calls receive()); the client reads the response, "
                f"keeps the connection {OPEN_FOR:g} s, then closes it",
           expected="receive() returns http.disconnect",
           got=f"receive() gave {outcome['got']} ({APP_WAITS:g} s wait) {outcome['when']}")


@pytest.mark.requirement("ASGI-HTTP-DISC-002", "ASGI-HTTP-DISC-007")
def test_a_client_hanging_up_gives_disconnect(asgi: RawClient, recorder: Recorder,
                                             asgi_server: ServerProcess) -> None:
    got = hang_up(asgi, recorder, asgi_server)["receive"].data
    verify(got["got"] == "http.disconnect",
           sent="GET /wait-disconnect; once the app waits in receive() (after the whole request), the client "
                "closes the connection",
           expected="receive() returns http.disconnect",
           got=f"receive() gave {got['got']} (the app waits {APP_WAITS:g} s)")


@pytest.mark.requirement("ASGI-HTTP-DISC-003")
def test_a_second_receive_after_disconnect_gives_disconnect_again(asgi: RawClient, recorder: Recorder,
                                                                  asgi_server: ServerProcess) -> None:
    """After a complete response, and after the client hung up: the app calls receive() a second time."""
    answers = {
        "after a complete response": after_response(asgi, recorder, asgi_server)["again"],
        "after the client hung up": hang_up(asgi, recorder, asgi_server)["receive-again"].data["got"],
    }
    shown = {case: "http.disconnect" if got == "http.disconnect" else "blocked (nothing within 1 s)"
             if got == "nothing" else got for case, got in answers.items()}
    verify(all(got == "http.disconnect" for got in answers.values()),
           sent="GET /after-response (the app answers, then calls receive() twice), and GET /wait-disconnect "
                "with the client hanging up while the app waits in receive() (then it calls receive() again)",
           expected="the second receive() returns http.disconnect again, in both cases",
           got="; ".join(f"second receive() {case}: {what}" for case, what in shown.items()))


@pytest.mark.requirement("ASGI-HTTP-DISC-008")
def test_send_after_the_client_left_raises_oserror_from_2_4(asgi: RawClient, recorder: Recorder,
                                                           asgi_server: ServerProcess) -> None:
    version = http_spec_version(asgi)
    if not at_least(version, "2.4"):
        pytest.skip(f"not applicable: the server advertises HTTP spec_version {version} (the rule came in 2.4)")
    sent = hang_up(asgi, recorder, asgi_server)["send"].data
    verify(sent.get("oserror") is True,
           sent="GET /wait-disconnect; the client hangs up; the app, after http.disconnect, sends a response",
           expected=f"send() raises a subclass of OSError (spec_version {version} >= 2.4)",
           got=f"send() raised {sent['raised']}" if sent.get("raised") else "send() returned without raising")


@pytest.mark.requirement("ASGI-HTTP-DISC-004")
def test_a_client_hanging_up_mid_body_gives_disconnect_not_a_cut_body(asgi: RawClient, recorder: Recorder,
                                                                     observe: Callable[[str], None]) -> None:
    token = recorder.new_token()
    with asgi.connect() as sock:
        sock.sendall(build_request("POST", "/upload-watch", [(TOKEN_HEADER, token), ("Content-Length", "100000")])
                     + b"a" * 10000)
        try:
            recorder.wait_for(token, "upload-watch.started", timeout=OPEN_FOR)
            started = True
        except RecordTimeout:
            started = False
    if not started:
        observe("the app was not called before the body was complete (the server buffers the body); "
                "a client hanging up mid-body never reached it")
        return
    events = recorder.wait_for(token, "upload-watch.done", timeout=APP_WAITS + 1)[0].data["events"]
    cut = [e for e in events if e["type"] == "http.request" and not e["more_body"]]
    verify(not cut and events[-1]["type"] == "http.disconnect",
           sent="POST /upload-watch with Content-Length: 100000 and 10000 bytes of it, then the client closes",
           expected="http.request events with more_body true, then http.disconnect; never more_body false "
                    "(the body is not complete)",
           got=f"events {events}")


@pytest.mark.requirement("ASGI-HTTP-DISC-005")
def test_receive_after_a_response_that_left_the_body_unread_is_reported(asgi: RawClient, recorder: Recorder,
                                                                         observe: Callable[[str], None]) -> None:
    """Informational: http.disconnect, or the request body the app never read."""
    token = recorder.new_token()
    body = b"u" * (256 * 1024)
    with asgi.connect() as sock:
        sock.sendall(build_request("POST", "/after-response?read=0", [(TOKEN_HEADER, token)], body))
        read_response(sock, method="POST")
        try:
            got = recorder.wait_for(token, "after-response.receive", timeout=OPEN_FOR)[0].data["got"]
        except RecordTimeout:
            got = None
    if got is None:
        got = recorder.wait_for(token, "after-response.receive", timeout=APP_WAITS + 1)[0].data["got"]
    observe(f"receive() after a response that left a {len(body)}-byte body unread: {got}")


@pytest.mark.requirement("ASGI-HTTP-DISC-006")
def test_a_streaming_app_learns_that_the_client_hung_up(asgi: RawClient, recorder: Recorder) -> None:
    token = recorder.new_token()
    with asgi.connect() as sock:
        sock.sendall(request_line("/stream-until-disconnect", token))
        head, rest = read_head(sock, APP_WAITS)
        while b"part 0" not in rest:  # once the stream flows, hang up
            data = sock.recv(4096)
            if not data:
                break
            rest += data
    got = recorder.wait_for(token, "streaming.received", timeout=12.0)[0].data
    verify(got["got"] == "http.disconnect",
           sent="GET /stream-until-disconnect (a part every 50 ms, receive() between parts); the client reads "
                "the first part and hangs up",
           expected="receive() gives http.disconnect", got=f"receive() gave {got['got']} after {got['parts']} parts")
