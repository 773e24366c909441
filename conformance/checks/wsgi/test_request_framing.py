"""RFC 9112 request framing, which PEP 3333 leaves to the server ("WSGI servers must handle any
supported inbound "hop-by-hop" headers on their own"): a transfer-coded request body, and the
requests that smuggle a second request behind an ambiguous body.

Rule: every smuggling check sends a whole second request (GET /record, which the recorder sees)
right after the body, then reads until the server closes or a deadline passes; the check fails
if that request was answered or recorded, whatever else the server did.
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from conformance.checks.wire import read_until_closed
from conformance.clients.raw import RawClient, Response, WireError, build_request, chunked, read_response
from conformance.probe_data import revive
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import verify

BODY = b"hello world"
CLOSE_WITHIN = 2.0  # seconds the server has to close the connection after its response


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


def hidden_request(token: str, http_version: str = "1.1") -> bytes:
    """GET /record?event=smuggled, which the recorder sees if the server takes it for a request."""
    keep = [("Connection", "keep-alive")] if http_version == "1.0" else []
    return build_request("GET", "/record?event=smuggled", [(TOKEN_HEADER, token), *keep], http_version=http_version)


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
