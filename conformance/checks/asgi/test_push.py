"""The http.response.push extension (extensions.rst, "HTTP/2 Server Push"), over HTTP/2 in
cleartext (h2c, see http2.py): whether the scope advertises it (reported), and where it does, the
push accepted by send(), the PUSH_PROMISE the client gets (with the request's :authority), the
pushed request reaching the app, a malformed push refused ("Error Handling"), and no promise to a
client that disabled push.

The probe's /push pushes /record (the request's recorder token in the push headers) before its
body, or answers 501 where the scope does not advertise the extension.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from h2.exceptions import ProtocolError

from conformance.checks.asgi.http2 import h2, scope_of
from conformance.clients.h2 import H2Error, H2Request, H2Response, exchange
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.verify import verify


def token_field(token: str) -> tuple[bytes, bytes]:
    """The recorder token as an HTTP/2 field (whose names are lowercase)."""
    return TOKEN_HEADER.lower().encode(), token.encode()


def pushed(server: ServerProcess, recorder: Recorder) -> tuple[H2Response, str]:
    """GET /push over HTTP/2 with a fresh token; skip if push is not advertised."""
    token = recorder.new_token()
    response = h2(server, H2Request(path="/push", headers=[token_field(token)]))[0]
    if response.status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.push over HTTP/2")
    return response, token


@pytest.mark.requirement("ASGI-EXT-PUSH-001")
def test_whether_push_is_offered_is_reported(asgi_server: ServerProcess, observe: Callable[[str], None]) -> None:
    scope = scope_of(h2(asgi_server, H2Request(path="/scope"))[0])
    offered = "http.response.push" in (scope.get("extensions") or {})
    observe("http.response.push " + ("advertised" if offered else "not advertised") + " over HTTP/2")


@pytest.mark.requirement("ASGI-EXT-PUSH-002")
def test_a_push_is_accepted_and_the_response_completes(asgi_server: ServerProcess, recorder: Recorder) -> None:
    response, token = pushed(asgi_server, recorder)
    sent = recorder.wait_for(token, "push.sent", timeout=5.0)[0].data
    verify(sent["raised"] is None and response.body == b"the pushing response",
           sent="GET /push over HTTP/2 (start, http.response.push of /record, then the body)",
           expected="send() accepts the push, and the response completes with its body",
           got=f"send() raised {sent['raised']}; body {response.body!r}")


@pytest.mark.requirement("ASGI-EXT-PUSH-003")
def test_the_client_gets_a_push_promise(asgi_server: ServerProcess, recorder: Recorder) -> None:
    response, _ = pushed(asgi_server, recorder)
    paths = [dict(headers).get(b":path") for headers, _ in response.pushes]
    verify(paths == [b"/record"], sent="GET /push over HTTP/2, push enabled (the app pushes /record)",
           expected="one PUSH_PROMISE with :path /record", got=f"promised paths {paths}")


@pytest.mark.requirement("ASGI-EXT-PUSH-004")
def test_the_pushed_request_reaches_the_app(asgi_server: ServerProcess, recorder: Recorder) -> None:
    response, token = pushed(asgi_server, recorder)
    try:
        recorder.wait_for(token, "hit", timeout=5.0)
        reached = True
    except RecordTimeout:
        reached = False
    statuses = [promised.status for _, promised in response.pushes]
    verify(reached and statuses == [200],
           sent="GET /push over HTTP/2 (the app pushes /record, the request's token in the push headers)",
           expected="the app is called for /record, and its 200 comes on the promised stream",
           got=f"the app {'was' if reached else 'was not'} called; promised stream statuses {statuses}")


@pytest.mark.requirement("ASGI-EXT-PUSH-005")
def test_the_push_promise_keeps_the_authority(asgi_server: ServerProcess, recorder: Recorder) -> None:
    response, _ = pushed(asgi_server, recorder)
    authority = f"{asgi_server.host}:{asgi_server.port}".encode()
    got = [dict(headers).get(b":authority") for headers, _ in response.pushes]
    verify(bool(got) and all(value == authority for value in got),
           sent=f"GET /push over HTTP/2 with :authority {authority.decode()}",
           expected=f"the PUSH_PROMISE's :authority {authority!r}", got=repr(got))


@pytest.mark.requirement("ASGI-EXT-PUSH-006")
@pytest.mark.parametrize("bad", ["bytes-path", "pseudo-header"])
def test_a_malformed_push_raises(asgi_server: ServerProcess, recorder: Recorder, bad: str,
                                 observe: Callable[[str], None]) -> None:
    """Where push is advertised: the push's path as bytes, or a :path among its headers."""
    pushed(asgi_server, recorder)
    token = recorder.new_token()
    try:
        response = h2(asgi_server, H2Request(path=f"/push?bad={bad}", headers=[token_field(token)]))[0]
        promised = [dict(headers).get(b":path") for headers, _ in response.pushes]
        clean = not promised and response.body == b"the pushing response"
        wire = f"PUSH_PROMISE for {promised or 'nothing'}, body {response.body!r}"
    except (ProtocolError, H2Error) as error:
        clean, wire = False, f"the HTTP/2 exchange failed ({error})"
    raised = recorder.wait_for(token, "push.sent", timeout=5.0)[0].data["raised"]
    if raised is None and clean:
        observe(f"{bad}: send() returned, and no push was made of it")
    verify(raised is not None or clean, sent=f"GET /push?bad={bad} over HTTP/2 (a malformed http.response.push)",
           expected="send() raises for the push (or, if it returns, no push is made of it and the response completes)",
           got=f"send() {'raised ' + raised if raised else 'returned'}; {wire}")


@pytest.mark.requirement("ASGI-EXT-PUSH-007")
def test_a_client_that_disables_push_gets_no_promise_and_the_response(asgi_server: ServerProcess,
                                                                      recorder: Recorder,
                                                                      observe: Callable[[str], None]) -> None:
    """Where push is advertised: the client's SETTINGS say SETTINGS_ENABLE_PUSH 0."""
    pushed(asgi_server, recorder)
    token = recorder.new_token()
    try:
        response = exchange(asgi_server.host, asgi_server.port,
                            [H2Request(path="/push", headers=[token_field(token)])], push=False)[0]
        got = f"{len(response.pushes)} PUSH_PROMISE, body {response.body!r}"
        ok = not response.pushes and response.body == b"the pushing response"
    except ProtocolError as error:  # the client's h2 refuses a PUSH_PROMISE it did not allow
        ok, got = False, f"a frame the client had not allowed ({error})"
    except H2Error as error:
        ok, got = False, str(error)
    try:
        raised = recorder.wait_for(token, "push.sent", timeout=2.0)[0].data["raised"]
        observe(f"with push disabled, send() of the push {'raised ' + raised if raised else 'returned'}")
    except RecordTimeout:
        pass
    verify(ok, sent="GET /push over HTTP/2 with SETTINGS_ENABLE_PUSH 0 (the app pushes /record, then sends its body)",
           expected="no PUSH_PROMISE, and the response completes with its body", got=got)
