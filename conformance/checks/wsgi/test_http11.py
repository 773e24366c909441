"""HTTP/1.1, which PEP 3333 leaves to the server ("WSGI servers must handle any supported inbound
"hop-by-hop" headers on their own"), as RFC 9112 and RFC 9110 ask it: a transfer-coded request
body and the requests that smuggle a second request behind an ambiguous body, a body the app
never read, Expect: 100-continue, HEAD, a 1xx status from the app, and Connection: close.

Rule: every smuggling check sends a whole second request (GET /record, which the recorder sees)
right after the body, then reads until the server closes or a deadline passes; the check fails
if that request was answered or recorded, whatever else the server did.

For Expect: 100-continue the client sends the headers, then waits up to 1 s: for a 100 (then it
sends the body), or for nothing (then it sends the body anyway, as curl does). /input records
"called" when the app starts, which tells a 100 sent before the app ran from one sent when it read.
"""

from __future__ import annotations

import gzip
import re
import select
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from conformance.checks.wire import Exchange, read_until_closed, target, wall
from conformance.checks.wsgi.scenarios import changed_headers, input_path, respond
from conformance.clients.raw import RawClient, Response, WireError, build_request, chunked, read_response
from conformance.probe_data import revive
from conformance.recorder import TOKEN_HEADER, Recorder
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
        pytest.skip(f"not applicable: the server refuses chunked request bodies ({response.status})")
    environ = response.json()["environ"]
    length = revive(environ["CONTENT_LENGTH"]) if "CONTENT_LENGTH" in environ else None
    verify(length in (None, "", str(len(BODY))),
           sent=f"POST /environ with Transfer-Encoding: chunked and the {len(BODY)}-byte body {BODY!r}",
           expected=f"CONTENT_LENGTH absent, empty, or {len(BODY)} (the decoded length)",
           got=f"CONTENT_LENGTH {length!r}")


CLOSE_WITHIN = 2.0  # seconds the server has to close the connection after its response


def hidden_request(token: str, http_version: str = "1.1") -> bytes:
    """GET /record?event=smuggled, which the recorder sees if the server takes it for a request."""
    keep = [("Connection", "keep-alive")] if http_version == "1.0" else []
    return build_request("GET", "/record?event=smuggled", [(TOKEN_HEADER, token), *keep], http_version=http_version)


@dataclass
class Outcome:
    """What came back for a request with a second request hidden behind its body."""

    response: Response | None  # None: the server closed (or broke off) without a response
    error: str
    after: bytes  # what the server sent after the first response
    closed: bool  # the server closed the connection within CLOSE_WITHIN s of its response
    smuggled: bool  # the hidden request reached the app

    def describe(self) -> str:
        first = f"status {self.response.status}, body {self.response.body[:40]!r}" if self.response \
            else f"no response ({self.error})"
        then = "then the server closed the connection" if self.closed \
            else f"the connection was still open {CLOSE_WITHIN:g} s later"
        extra = f"; then {self.after[:60]!r}" if self.after else ""
        return f"{first}; {then}{extra}" + ("; the hidden request reached the app" if self.smuggled else "")


def send_smuggling(wsgi: RawClient, recorder: Recorder, token: str, raw: bytes) -> Outcome:
    wsgi.last_sent = raw
    with socket.create_connection((wsgi.host, wsgi.port), timeout=wsgi.timeout) as sock:
        sock.sendall(raw)
        response, error = None, ""
        try:
            response = read_response(sock, method="POST", timeout=wsgi.timeout)
        except WireError as failure:
            error = str(failure)
        after, closed = read_until_closed(sock, CLOSE_WITHIN) if response else (b"", True)
    if response:
        after = response.leftover + after
    smuggled = any(r.event == "smuggled" for r in recorder.records(token))
    return Outcome(response, error, after, closed, smuggled)


def post(headers: list[tuple[str, str]], body: bytes, wsgi: RawClient, *, http_version: str = "1.1") -> bytes:
    return build_request("POST", "/echo", headers, body, host=f"{wsgi.host}:{wsgi.port}",
                         http_version=http_version, content_length=False)


@pytest.mark.requirement("WSGI-H11-003")
def test_content_length_beside_chunked_is_refused_or_ignored_then_closed(wsgi: RawClient, recorder: Recorder,
                                                                         observe: Callable[[str], None]) -> None:
    """Content-Length covering the whole rest, Transfer-Encoding: chunked with an empty body, and a
    second request after the chunked body."""
    token = recorder.new_token()
    body = b"0\r\n\r\n" + hidden_request(token)
    raw = post([("Content-Length", str(len(body))), ("Transfer-Encoding", "chunked")], body, wsgi)
    outcome = send_smuggling(wsgi, recorder, token, raw)
    response = outcome.response
    rejected = response is None or response.status >= 400
    by_transfer_encoding = response is not None and response.status == 200 and response.body == b""
    if rejected or by_transfer_encoding:
        observe("refused" if rejected else "processed by Transfer-Encoding alone")
    verify((rejected or by_transfer_encoding) and outcome.closed and not outcome.after and not outcome.smuggled,
           sent=f"POST /echo with Content-Length: {len(body)} and Transfer-Encoding: chunked; the chunked body "
                "is empty and a GET /record follows it",
           expected="a rejection (4xx), or the empty body read by the chunked coding; either way the connection "
                    f"closed within {CLOSE_WITHIN:g} s and the GET never answered",
           got=outcome.describe())


@pytest.mark.requirement("WSGI-H11-004")
def test_an_unknown_transfer_coding_gets_501(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """Transfer-Encoding: x-probe, chunked: the length is known, the coding x-probe is not."""
    encoded = b"\x00" + BODY  # no known coding: the app must not get these bytes as if plain
    raw = post([("Transfer-Encoding", "x-probe, chunked"), ("Connection", "close")], chunked(encoded, 5), wsgi)
    try:
        response = wsgi.exchange(raw, method="POST")
    except WireError as error:
        verify(False, sent="POST /echo with Transfer-Encoding: x-probe, chunked",
               expected="501 Not Implemented", got=str(error))
        return
    if response.status == 400:
        observe("refused with 400, not the 501 the RFC asks for")
    verify(response.status in (400, 501), sent="POST /echo with Transfer-Encoding: x-probe, chunked",
           expected="501 Not Implemented (400 is reported)",
           got=f"status {response.status}" + (": the request reached the app" if response.status == 200 else ""))


@pytest.mark.requirement("WSGI-H11-005")
def test_chunked_not_last_is_refused_with_400_and_a_close(wsgi: RawClient, recorder: Recorder,
                                                          observe: Callable[[str], None]) -> None:
    """Transfer-Encoding: chunked, gzip (the body length cannot be known), then a second request."""
    token = recorder.new_token()
    body = chunked(gzip.compress(BODY, mtime=0), 8) + hidden_request(token)
    raw = post([("Transfer-Encoding", "chunked, gzip")], body, wsgi)
    outcome = send_smuggling(wsgi, recorder, token, raw)
    status = outcome.response.status if outcome.response else None
    if status == 501:
        observe("refused with 501 (gzip is a coding it does not understand), not the 400 the RFC asks for")
    verify(status in (400, 501) and outcome.closed and not outcome.after and not outcome.smuggled,
           sent="POST /echo with Transfer-Encoding: chunked, gzip, then a GET /record",
           expected="400 Bad Request (501 is reported), then the connection closed", got=outcome.describe())


@pytest.mark.requirement("WSGI-H11-006")
def test_transfer_encoding_in_http_1_0_ends_the_connection(wsgi: RawClient, recorder: Recorder,
                                                           observe: Callable[[str], None]) -> None:
    """HTTP/1.0 POST, Connection: keep-alive, Transfer-Encoding: chunked and a Content-Length that
    agree on where the body ends; a second HTTP/1.0 keep-alive request follows it."""
    token = recorder.new_token()
    body = b"0\r\n\r\n"
    raw = post([("Connection", "keep-alive"), ("Transfer-Encoding", "chunked"), ("Content-Length", str(len(body)))],
               body + hidden_request(token, "1.0"), wsgi, http_version="1.0")
    outcome = send_smuggling(wsgi, recorder, token, raw)
    if outcome.response:
        observe(f"answered {outcome.response.status}")
    verify(outcome.closed and not outcome.after and not outcome.smuggled,
           sent="POST /echo HTTP/1.0 with Connection: keep-alive, Transfer-Encoding: chunked and Content-Length: 5, "
                "then a GET /record HTTP/1.0",
           expected=f"any answer to the POST, then the connection closed within {CLOSE_WITHIN:g} s, "
                    "the GET never answered", got=outcome.describe())


SMUGGLED = b"GET /respond?status=299+Smuggled HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.requirement("WSGI-H11-007")
def test_an_unread_body_is_not_taken_for_a_request(wsgi: RawClient) -> None:
    """The body, which the app never reads, holds a whole request of its own."""
    with Exchange(wsgi, "POST", "/respond?body=ok", [("Content-Type", "text/plain")], SMUGGLED) as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == b"ok" and ok, sent=f"POST /respond?body=ok with the body {SMUGGLED!r}, "
           "then GET /ready on the same connection",
           expected="the body skipped or the connection closed: no answer to the request inside it",
           got=f"body {response.body!r}; {follow_up}")


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
