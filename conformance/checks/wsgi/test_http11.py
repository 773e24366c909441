"""HTTP/1.1, which PEP 3333 leaves to the server ("WSGI servers must handle any supported inbound
"hop-by-hop" headers on their own"), as RFC 9112 and RFC 9110 ask it of what the app is handed:
a transfer-coded request body decoded, Expect: 100-continue, HEAD, a 1xx status from the app, and
Connection: close. How the server parses and frames requests (Content-Length, Transfer-Encoding,
smuggling) is judged for both interfaces alike in checks/http/test_parsing.py.

For Expect: 100-continue the client sends the headers, then waits up to 1 s: for a 100 (then it
sends the body), or for nothing (then it sends the body anyway, as curl does). /input records
"called" when the app starts, which tells a 100 sent before the app ran from one sent when it read.
"""

from __future__ import annotations

import re
import select
import socket
import time
from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed, target, wall
from conformance.checks.wsgi.scenarios import changed_headers, input_path, respond
from conformance.clients.raw import RawClient, WireError, build_request, chunked, read_response
from conformance.probe_data import revive
from conformance.recorder import Recorder
from conformance.verify import verify


@pytest.mark.requirement("WSGI-H11-001")
def test_a_chunked_request_body_reaches_the_app_decoded(quick: RawClient, observe: Callable[[str], None]) -> None:
    """POST with Transfer-Encoding: chunked; the app reads CONTENT_LENGTH bytes, or until b''."""
    body = b"hello chunked world"
    path = input_path("body")
    try:
        response = quick.request("POST", path, [("Transfer-Encoding", "chunked")], chunked(body, 5))
    except WireError as error:
        verify(False, sent=f"POST {path} with a chunked body {body!r}",
               expected="the decoded body read by the app, or a 4xx/501 refusal", got=str(error))
        return
    if 400 <= response.status < 500 or response.status == 501:
        observe(f"chunked request bodies refused with {response.status}")
        return
    payload = response.json()
    got = revive(payload["results"][0]["value"]) if "value" in payload["results"][0] else payload["results"][0]
    length = payload["content_length"]
    observe(f"chunked request body: CONTENT_LENGTH {length!r}, wsgi.input_terminated "
            f"{revive(payload['input_terminated'])!r}")
    verify(got == body and length in (None, "", str(len(body))), sent=f"POST {path} with a chunked body {body!r}",
           expected=f"the app reads {body!r}, with CONTENT_LENGTH absent, empty or {len(body)}",
           got=f"the app read {got!r}, CONTENT_LENGTH {length!r}")


BODY = b"hello world"


@pytest.mark.requirement("WSGI-H11-002")
def test_content_length_of_a_chunked_body_is_absent_or_decoded(wsgi: RawClient) -> None:
    """POST /environ with a chunked body and no Content-Length; the app does not read the body."""
    response = wsgi.request("POST", "/environ", [("Transfer-Encoding", "chunked")], chunked(BODY, 5))
    if 400 <= response.status < 500 or response.status == 501:
        pytest.skip(f"not applicable: the server refuses chunked request bodies ({response.status}; its "
                    "failure is HTTP1-PARSE-001's)")
    environ = response.json()["environ"]
    length = revive(environ["CONTENT_LENGTH"]) if "CONTENT_LENGTH" in environ else None
    verify(length in (None, "", str(len(BODY))),
           sent=f"POST /environ with Transfer-Encoding: chunked and the {len(BODY)}-byte body {BODY!r}",
           expected=f"CONTENT_LENGTH absent, empty, or {len(BODY)} (the decoded length)",
           got=f"CONTENT_LENGTH {length!r}")


CLOSE_WITHIN = 2.0  # seconds the server has to close the connection after its response


PATIENCE = 1.0


def interim_continue(sock: socket.socket, timeout: float) -> tuple[str, float | None]:
    """Wait for the server's first bytes: ('100', when) once a 100 Continue was read off the wire,
    ('final', None) when something else came first, ('nothing', None) after ``timeout``."""
    ready, _, _ = select.select([sock], [], [], timeout)
    if not ready:
        return "nothing", None
    arrived = time.monotonic()
    peeked = sock.recv(4096, socket.MSG_PEEK)
    head, separator, _ = peeked.partition(b"\r\n\r\n")
    if head.split(b" ")[1:2] == [b"100"] and separator:
        sock.recv(len(head) + len(separator))  # consume exactly the interim response
        return "100", arrived
    return "final", None


@pytest.mark.requirement("WSGI-H11-010")
def test_expect_100_continue_is_transparent(wsgi: RawClient, recorder: Recorder,
                                            observe: Callable[[str], None]) -> None:
    token = recorder.new_token()
    headers = [("Expect", "100-continue"), ("Content-Length", str(len(BODY)))]
    with Exchange(wsgi, "POST", "/input?op=body", headers, token=token) as exchange:
        exchange.sock.sendall(exchange.raw)  # the headers only: the body waits for the server
        way, continued_at = interim_continue(exchange.sock, PATIENCE)
        if way != "final":
            exchange.sock.sendall(BODY)
        response = read_response(exchange.sock, method="POST", timeout=exchange.timeout)
        ok, follow_up = exchange.follow_up(response)
    if way == "100":
        called = recorder.records(token)
        before = called and continued_at is not None and wall(continued_at) < called[0].time
        observe("100 Continue sent " + ("before the app was called" if before else "once the app was running "
                                        "(at its first read, or as soon as it was called)"))
    elif way == "nothing":
        observe(f"no 100 Continue within {PATIENCE:g} s: the server waited for the body (the PEP's third way)")
    payload = response.json() if response.status == 200 else {}
    read = revive(payload["results"][0]["value"]) if payload.get("results") else None
    verify(way != "final" and read == BODY and not response.informational and ok,
           sent=f"POST /input?op=body with Expect: 100-continue; the {len(BODY)}-byte body after a 100, "
                f"or after {PATIENCE:g} s",
           expected=f"the app reads {BODY!r}; at most one 100 Continue, before the final response",
           got=("a final response before the body was sent; " if way == "final" else "")
           + f"status {response.status}, the app read {read!r}, further 1xx: {response.informational or 'none'}; "
           + follow_up)


@pytest.mark.requirement("WSGI-H11-011")
def test_a_read_waits_for_the_body_sent_after_the_100(wsgi: RawClient) -> None:
    """After the 100 Continue, the client waits 0.8 s before it sends the body; the app's read(5)
    must wait for it."""
    headers = [("Expect", "100-continue"), ("Content-Length", "5")]
    with Exchange(wsgi, "POST", "/input?op=read:5", headers) as exchange:
        exchange.sock.sendall(exchange.raw)
        way, _ = interim_continue(exchange.sock, PATIENCE)
        if way == "nothing":
            pytest.skip(f"not applicable: no 100 Continue within {PATIENCE:g} s (the server waits for the body)")
        if way == "100":
            time.sleep(0.8)
        sent_at = time.monotonic()
        exchange.sock.sendall(b"hello")
        response = read_response(exchange.sock, method="POST", timeout=exchange.timeout)
    results = response.json().get("results", []) if response.status == 200 else []
    read = revive(results[0]["value"]) if results and "value" in results[0] else results
    verify(way == "100" and read == b"hello",
           sent="POST /input?op=read:5 with Expect: 100-continue and Content-Length: 5; after the 100, 0.8 s "
                "later, the body b'hello'",
           expected="the app's read(5) returns b'hello' (it waits for the client)",
           got=("a final response before the client sent the body; " if way == "final" else "")
           + f"status {response.status}, read(5) returned {read!r}"
           + (f" {time.monotonic() - sent_at:.2f} s after the body was sent" if way == "100" else ""))


@pytest.mark.requirement("WSGI-H11-012")
def test_100_continue_does_not_wait_for_the_body(wsgi: RawClient) -> None:
    """The headers only, with Expect: 100-continue, to an app that reads the body at once; the
    client sends nothing more until the server answers."""
    headers = [("Expect", "100-continue"), ("Content-Length", str(len(BODY)))]
    with Exchange(wsgi, "POST", "/input?op=body", headers) as exchange:
        exchange.sock.sendall(exchange.raw)
        way, _ = interim_continue(exchange.sock, PATIENCE)
    verify(way != "nothing", sent=f"POST /input?op=body with Expect: 100-continue and Content-Length: {len(BODY)}, "
                                  "no body yet",
           expected=f"a 100 Continue (or a final response) within {PATIENCE:g} s, without the body",
           got=f"nothing within {PATIENCE:g} s: the server waits for the body (the PEP's third way, "
               "\"not recommended\"; RFC 9110: MUST NOT wait)")


@pytest.mark.requirement("WSGI-H11-013")
def test_no_100_continue_for_an_http_1_0_request(wsgi: RawClient) -> None:
    """HTTP/1.0 with Expect: 100-continue and the body sent at once."""
    response = wsgi.request("POST", "/input?op=body", [("Expect", "100-continue")], BODY, http_version="1.0")
    verify(not response.informational and response.status == 200, sent="POST /input?op=body HTTP/1.0 with "
           "Expect: 100-continue and the body", expected="status 200 and no 1xx response before it",
           got=f"1xx responses: {response.informational or 'none'}, then status {response.status}")


@pytest.mark.requirement("WSGI-H11-014")
def test_no_100_continue_once_the_response_has_begun(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The app yields b'early:' and only then reads the body (/early-then-read); the client sends the
    body after a 100, after the response began, or after 1 s of silence."""
    headers = [("Expect", "100-continue"), ("Content-Length", "5")]
    with Exchange(wsgi, "POST", "/early-then-read", headers) as exchange:
        exchange.sock.sendall(exchange.raw)
        way, _ = interim_continue(exchange.sock, PATIENCE)
        observe({"100": "100 Continue before the response", "final": "the response began with no 100 Continue",
                 "nothing": f"nothing within {PATIENCE:g} s"}[way])
        exchange.sock.sendall(b"hello")
        try:
            response = read_response(exchange.sock, method="POST", timeout=exchange.timeout)
        except WireError as error:
            verify(False, sent="POST /early-then-read with Expect: 100-continue, then the body b'hello'",
                   expected="a response whose body is b'early:hello'", got=str(error))
            return
    if response.body == b"early:":
        observe("the app's read after its first block got b'' (the server had read the body away)")
    verify(response.body in (b"early:hello", b"early:") and len(response.informational) <= (1 if way == "100" else 0),
           sent="POST /early-then-read with Expect: 100-continue, then the body b'hello'",
           expected="body b'early:hello' (or b'early:' where the app's late read got nothing); a 100 Continue only "
                    "before the response, never inside it",
           got=f"status {response.status}, body {response.body[:80]!r}, 1xx before it: "
               f"{response.informational or 'none'}")


HIDDEN = b"GET /respond?status=299+Smuggled HTTP/1.1\r\nHost: x\r\n\r\n"  # a body that is a request


@pytest.mark.requirement("WSGI-H11-015")
def test_a_final_status_before_the_body_keeps_the_connection_in_step(wsgi: RawClient,
                                                                     observe: Callable[[str], None]) -> None:
    """Expect: 100-continue to an app that answers 403 without reading; the client sends the body
    (itself a whole request) when told to, or when the response says nothing of a close, then GET /ready."""
    headers = [("Expect", "100-continue"), ("Content-Length", str(len(HIDDEN)))]
    path = "/respond?status=403+Forbidden&h=Content-Length:2&body=no"
    with Exchange(wsgi, "POST", path, headers) as exchange:
        exchange.sock.sendall(exchange.raw)
        way, _ = interim_continue(exchange.sock, PATIENCE)
        if way != "final":
            exchange.sock.sendall(HIDDEN)
        response = read_response(exchange.sock, method="POST", timeout=exchange.timeout)
        connection = b",".join(response.header_values("Connection")).lower()
        closing = b"close" in connection or (response.http_version == b"1.0" and b"keep-alive" not in connection)
        if closing:
            rest, closed = read_until_closed(exchange.sock, CLOSE_WITHIN)
            ok, after = not rest, ("then the server closed" if closed else "the connection still open") \
                + (f"; then {rest[:60]!r}" if rest else "")
        else:
            if way == "final":
                try:
                    exchange.sock.sendall(HIDDEN)
                except OSError:
                    pass
            ok, after = exchange.follow_up(response)
    if ok:
        observe(("a 100 Continue, then " if way == "100" else "") + f"{response.status} "
                + ("announcing a close" if closing else "without Connection: close")
                + ("" if closing else (", then closed" if "closed" in after else ", the connection kept in step")))
    verify(response.status == 403 and ok,
           sent=f"POST {path} with Expect: 100-continue; the body {HIDDEN!r} "
                + ("once the 403 came without Connection: close" if way == "final" else f"after the {way}")
                + ", then GET /ready",
           expected="403, then either a close (announced or not) or the body skipped and GET /ready answered",
           got=f"status {response.status}" + (", announcing a close" if closing else "") + f"; {after}")


@pytest.mark.requirement("WSGI-H11-020")
@pytest.mark.parametrize("path", [target("/respond", ("h", "Content-Type:text/plain"), ("h", "Content-Length:5"),
                                         ("body", "hello")),
                                  "/stream?chunks=2&size=4"], ids=["content-length", "streamed"])
def test_a_head_response_has_no_body(wsgi: RawClient, path: str) -> None:
    """HEAD to scenarios that return a body, as an app written for GET does."""
    with Exchange(wsgi, "HEAD", path) as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(ok, sent=f"HEAD {path}, then GET /ready on the same connection",
           expected="no body bytes after the headers", got=follow_up)


HEAD_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", "5"), ("X-A", "1")]


@pytest.mark.requirement("WSGI-H11-021")
@pytest.mark.parametrize("body", ["hello", ""], ids=["body-returned", "no-body"])
def test_a_head_response_keeps_the_apps_headers(wsgi: RawClient, body: str) -> None:
    """HEAD to an app that sets Content-Length: 5 and returns its 5-byte body, or (knowing it is a
    HEAD) no body."""
    path = respond("200 OK", HEAD_HEADERS, body)
    try:
        response = wsgi.request("HEAD", path)
    except WireError as error:
        verify(False, sent=f"HEAD {path}", expected="a response", got=str(error))
        return
    changed = changed_headers(response, HEAD_HEADERS)
    verify(response.status == 200 and not changed, sent=f"HEAD {path}",
           expected="status 200 with Content-Type: text/plain, Content-Length: 5 and X-A: 1, as for a GET",
           got=f"status {response.status}; " + ("; ".join(changed) or "the headers as sent"))


STATUS_LINE = re.compile(rb"(?:^|\r\n)(HTTP/1\.[01] \d{3}[^\r\n]*)")


@pytest.mark.requirement("WSGI-H11-022")
def test_a_1xx_status_from_the_app_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The app calls start_response('103 Early Hints', [Link]) and returns b'final'."""
    path = respond("103 Early Hints", [("Link", "</style.css>; rel=preload")], "final")
    with wsgi.connect() as sock:
        sock.sendall(build_request("GET", path, [("Connection", "close")], host=f"{wsgi.host}:{wsgi.port}"))
        data, closed = read_until_closed(sock, 1.5)
    lines = [line.decode("latin-1") for line in STATUS_LINE.findall(data)]
    observe(f"status lines {lines or 'none'}" + (", then the connection closed" if closed
                                                 else ", the connection still open 1.5 s later"))


@pytest.mark.requirement("WSGI-H11-030")
def test_connection_close_closes_the_connection(wsgi: RawClient) -> None:
    with Exchange(wsgi, "GET", "/ready", [("Connection", "close")]) as exchange:
        response = exchange.response()
        rest, closed = read_until_closed(exchange.sock, 3.0)
    verify(response.status == 200 and closed and not rest, sent="GET /ready with Connection: close",
           expected="the response, then the server closes the connection",
           got=f"status {response.status}; " + ("then a close" if closed else "the connection open 3 s later")
           + (f"; then {rest[:60]!r}" if rest else ""))
