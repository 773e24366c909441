"""PEP 3333, calling the application: positional arguments, once per request, whatever kind of
callable it is; the environ is the app's to change; start_response may come only once the server
iterates; any iterable it returns is served.

The probe's scenarios are in probe_apps/wsgi_calling.py (/call-shape, /iterable, /modify-environ,
/callable-kind); /record counts the calls, and /lazy calls start_response when first iterated.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange
from conformance.checks.wsgi.scenarios import headers_of
from conformance.clients.raw import RawClient, WireError
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import verify


@pytest.mark.requirement("WSGI-CALL-001")
def test_the_app_is_called_with_positional_arguments(wsgi: RawClient) -> None:
    """The app takes (*args, **kwargs) and reports how many came each way."""
    response = wsgi.request("GET", "/call-shape")
    shape = response.json()
    verify(shape == {"positional": 2, "keywords": []}, sent="GET /call-shape",
           expected="two positional arguments, no keyword arguments", got=f"{shape}")


def first_answer(server: ServerProcess) -> tuple[int | str, bytes]:
    """The first answer of a freshly started server to GET /callable-kind: (status, body), or
    ('exited' or 'no answer', b'')."""
    assert server.process is not None
    client = RawClient(server.host, server.port, timeout=2.0)
    deadline = time.monotonic() + server.ready_timeout
    while time.monotonic() < deadline:
        try:
            server.process.wait(timeout=0.02)
            return "exited", b""
        except subprocess.TimeoutExpired:
            pass
        try:
            response = client.request("GET", "/callable-kind")
        except (OSError, AssertionError):
            continue
        return response.status, response.body
    return "no answer", b""


@pytest.mark.requirement("WSGI-CALL-002")
@pytest.mark.parametrize("kind", ["class", "instance", "method", "partial"])
def test_any_kind_of_callable_is_served(dedicated_server: Callable, kind: str) -> None:
    """A fresh instance of the server is handed the probe app as a class (whose instances are
    the response iterable), an instance with __call__, a bound method or a functools.partial."""
    with dedicated_server("wsgi", {"PROBE_WSGI_CALLABLE": kind}, wait_ready=False) as server:
        status, body = first_answer(server)
        if status == 200 and body == b"function":
            pytest.skip("not applicable: the server does not pass its environment on to the app")
        streamed = RawClient(server.host, server.port).request("GET", "/stream?chunks=3&size=4") \
            if status == 200 else None
    verify(status == 200 and body == kind.encode() and streamed is not None and streamed.body == b"0...1...2...",
           sent=f"the app as a {kind}: GET /callable-kind, then GET /stream?chunks=3&size=4",
           expected=f"status 200 and body {kind!r}, then the streamed body b'0...1...2...'",
           got=f"server {status}" if isinstance(status, str) else
               f"status {status}, body {body[:60]!r}" + (f"; then body {streamed.body[:40]!r}" if streamed else ""))


@pytest.mark.requirement("WSGI-CALL-003")
@pytest.mark.parametrize(("method", "headers", "body"), [
    ("GET", [], b""),
    ("HEAD", [], b""),
    ("POST", [("Content-Type", "text/plain"), ("Expect", "100-continue")], b"hello"),
], ids=["GET", "HEAD", "expect-100-continue"])
def test_the_app_is_called_once_per_request(wsgi: RawClient, recorder: Recorder, method: str,
                                            headers: list[tuple[str, str]], body: bytes) -> None:
    """The app records each call under the request's token."""
    token = recorder.new_token()
    try:
        wsgi.request(method, "/record?event=call", [*headers, (TOKEN_HEADER, token)], body)
    except WireError:
        pass  # what the client got is not the point: how often the app was called is
    wsgi.request("GET", "/ready")  # a later request answered: a retry of the first one would be done
    calls = len([r for r in recorder.records(token) if r.event == "call"])
    verify(calls == 1, sent=f"{method} /record?event=call" + (" with Expect: 100-continue" if body else ""),
           expected="the app called once", got=f"called {calls} times")


@pytest.mark.requirement("WSGI-CALL-004")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_app_may_empty_the_environ(wsgi: RawClient, method: str) -> None:
    """The app calls environ.clear() (a POST's body left unread), then answers 'modified'."""
    body = b"unread body" if method == "POST" else b""
    try:
        response = wsgi.request(method, "/modify-environ?how=clear", [("Content-Type", "text/plain")], body)
    except WireError as error:
        response = None
        got = f"no valid response: {error}"
    else:
        got = f"status {response.status}, body {response.body[:60]!r}"
    after = wsgi.request("GET", "/ready").status
    verify(response is not None and response.status == 200 and response.body == b"modified" and after == 200,
           sent=f"{method} /modify-environ?how=clear, then GET /ready",
           expected="status 200, body b'modified'; then /ready answered", got=f"{got}; /ready: {after}")


@pytest.mark.requirement("WSGI-CALL-004")
def test_a_head_rewritten_to_get_in_the_environ_stays_a_head(wsgi: RawClient) -> None:
    """For a HEAD, the app sets REQUEST_METHOD to GET (and deletes SERVER_PROTOCOL and
    wsgi.input) before it answers with a body; the server still answers a HEAD."""
    with Exchange(wsgi, "HEAD", "/modify-environ?how=none") as exchange:
        if not exchange.follow_up(exchange.response())[0]:
            pytest.skip("not applicable: a plain HEAD already leaves the connection unusable (see WSGI-H11-020)")
    path = "/modify-environ?how=method-get"
    with Exchange(wsgi, "HEAD", path) as exchange:
        try:
            response = exchange.response()
        except WireError as error:
            verify(False, sent=f"HEAD {path}", expected="status 200", got=f"no valid response: {error}")
            return
        ok, follow_up = exchange.follow_up(response)
    verify(response.status == 200 and ok, sent=f"HEAD {path}, then GET /ready on the same connection",
           expected="status 200 and no body bytes (the request was a HEAD, whatever the environ says now)",
           got=f"status {response.status}; {follow_up}")


@pytest.mark.requirement("WSGI-CALL-005")
def test_start_response_may_come_in_the_first_iteration(wsgi: RawClient) -> None:
    """The app is a generator: it calls start_response('201 Created', ...) only when first iterated."""
    response = wsgi.request("GET", "/lazy")
    verify(response.status == 201 and response.header("X-Lazy") == b"1" and response.body == b"lazy",
           sent="GET /lazy", expected="status 201, X-Lazy: 1, body b'lazy'",
           got=f"status {response.status}, headers {headers_of(response)}, body {response.body[:60]!r}")


BODY = b"one,two,three"


@pytest.mark.requirement("WSGI-CALL-006")
@pytest.mark.parametrize("kind", ["getitem", "tuple", "list-subclass"])
def test_any_iterable_is_served(wsgi: RawClient, kind: str) -> None:
    """The body is three blocks in a tuple, a list subclass, or an object with only __getitem__."""
    response = wsgi.request("GET", f"/iterable?kind={kind}")
    verify(response.status == 200 and response.body == BODY, sent=f"GET /iterable?kind={kind}",
           expected=f"status 200, body {BODY!r}", got=f"status {response.status}, body {response.body[:60]!r}")
