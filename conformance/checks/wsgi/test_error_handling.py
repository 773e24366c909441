"""PEP 3333, "Error Handling": what reaches the client when the app fails, before start_response,
on its first block, after the headers went out, by breaking the protocol, or by letting the
exception from start_response(exc_info) propagate.

/raise fails at the point ?when= names; /misbehave returns None, or a body without calling
start_response; /reraise lets start_response(..., exc_info) raise through it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed, split_head
from conformance.checks.wsgi.wire import wait_closed
from conformance.clients.raw import RawClient, WireError
from conformance.recorder import Recorder
from conformance.verify import verify

ANSWER_TIMEOUT = 5.0


def outcome(wsgi: RawClient, path: str) -> tuple[str, int | None]:
    """('response', status), ('closed', None) or ('hang', None)."""
    try:
        response = RawClient(wsgi.host, wsgi.port, timeout=ANSWER_TIMEOUT).request("GET", path)
    except WireError as error:
        return ("hang" if "no complete response" in str(error) else "closed"), None
    return "response", response.status


@pytest.mark.requirement("WSGI-EH-001")
def test_an_error_before_start_response_gets_an_error_or_a_close(wsgi: RawClient,
                                                                 observe: Callable[[str], None]) -> None:
    kind, status = outcome(wsgi, "/raise?when=before")
    observe(f"an app failing before start_response: the client got status {status}" if kind == "response"
            else f"an app failing before start_response: the client got {'a close' if kind == 'closed' else 'nothing'}")
    after = wsgi.request("GET", "/ready").status
    verify((kind == "closed" or (kind == "response" and status is not None and status >= 400)) and after == 200,
           sent="GET /raise?when=before (the app raises before start_response), then GET /ready",
           expected=f"an error status or a closed connection within {ANSWER_TIMEOUT:g} s; then /ready answered",
           got=(f"status {status}" if kind == "response" else
                "a close" if kind == "closed" else f"nothing within {ANSWER_TIMEOUT:g} s") + f"; /ready: {after}")


@pytest.mark.requirement("WSGI-EH-002")
def test_an_error_on_the_first_block_is_no_success(wsgi: RawClient) -> None:
    """start_response('200 OK'), then producing the first block raises."""
    kind, status = outcome(wsgi, "/raise?when=first")
    verify(kind == "closed" or (kind == "response" and status is not None and not 200 <= status < 300),
           sent="GET /raise?when=first", expected="a non-2xx response, or a close without a complete response",
           got=f"a complete response with status {status}" if kind == "response"
           else f"nothing within {ANSWER_TIMEOUT:g} s" if kind == "hang" else "a close")


def looks_complete(data: bytes) -> bool:
    """Whether the response in ``data`` ended as a whole one does: its final chunk, or all the
    bytes its Content-Length promised. A response delimited by the close cannot show an abort."""
    _, headers, body = split_head(data)
    names = {name.lower(): value for name, value in headers}
    if b"chunked" in names.get(b"transfer-encoding", b"").lower():
        return body.endswith(b"0\r\n\r\n")
    if b"content-length" in names:
        return len(body) >= int(names[b"content-length"])
    pytest.skip("not applicable: the response was delimited by the close, which cannot show an abort")


@pytest.mark.requirement("WSGI-EH-003")
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_an_error_after_the_headers_aborts_the_response(wsgi: RawClient, framing: str) -> None:
    """One 8-byte block, then the app raises; with Content-Length: 24, or without (HTTP/1.1)."""
    path = "/raise?when=after" + ("&cl=24" if framing == "content-length" else "")
    with Exchange(wsgi, "GET", path) as exchange:
        exchange.sock.sendall(exchange.raw)
        data, closed = read_until_closed(exchange.sock, 3.0)
    status, _, body = split_head(data)
    complete = looks_complete(data)
    verify(not complete and closed, sent=f"GET {path}",
           expected="the response cut short (no final chunk, or fewer bytes than Content-Length), then a close",
           got=f"{status.decode('latin-1')!r}, {len(body)} body bytes, "
               + ("complete" if complete else "incomplete") + (", then a close" if closed else
                                                               ", and the connection still open 3 s later"))


def body_after_head(data: bytes) -> bytes:
    """The body bytes of a raw response, de-chunked as far as the chunks are whole."""
    _, headers, body = split_head(data)
    if b"chunked" not in {name.lower(): value for name, value in headers}.get(b"transfer-encoding", b"").lower():
        return body
    decoded = b""
    while b"\r\n" in body:
        size_line, _, rest = body.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0 or len(rest) < size:
            decoded += rest[:size] if size else b""
            break
        decoded, body = decoded + rest[:size], rest[size + 2:]
    return decoded


@pytest.mark.requirement("WSGI-EH-004")
def test_an_error_message_added_to_a_partial_text_response_is_reported(wsgi: RawClient,
                                                                       observe: Callable[[str], None]) -> None:
    """A text/plain body without Content-Length: one 8-byte block, then the app raises."""
    with Exchange(wsgi, "GET", "/raise?when=after") as exchange:
        exchange.sock.sendall(exchange.raw)
        data, _ = read_until_closed(exchange.sock, 3.0)
    added = body_after_head(data).removeprefix(b"0.......")
    observe(f"after an app error in a text/plain body, the server added {added[:60]!r}" if added
            else "after an app error in a text/plain body, the server added nothing")


@pytest.mark.requirement("WSGI-EH-005")
@pytest.mark.parametrize("kind", ["none", "no-start"])
def test_an_app_that_breaks_the_protocol_gets_no_success(wsgi: RawClient, kind: str) -> None:
    """The app returns None (kind=none), or a body without calling start_response (no-start)."""
    result, status = outcome(wsgi, f"/misbehave?kind={kind}")
    verify(result == "closed" or (result == "response" and status is not None and not 200 <= status < 300),
           sent=f"GET /misbehave?kind={kind}", expected="a non-2xx response, or a close without a complete response",
           got=f"a complete response with status {status}" if result == "response"
           else f"nothing within {ANSWER_TIMEOUT:g} s" if result == "hang" else "a close")


@pytest.mark.requirement("WSGI-EH-006")
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_an_exception_from_start_response_aborts_the_response(wsgi: RawClient, recorder: Recorder,
                                                              framing: str) -> None:
    """One 8-byte block, then start_response(..., exc_info), whose exception the app lets
    propagate; with Content-Length: 24, or without (HTTP/1.1). The body records its close()."""
    token = recorder.new_token()
    path = "/reraise" + ("?cl=24" if framing == "content-length" else "")
    with Exchange(wsgi, "GET", path, token=token) as exchange:
        exchange.sock.sendall(exchange.raw)
        data, closed = read_until_closed(exchange.sock, 3.0)
    events = wait_closed(recorder, token, 3.0)  # due as soon as the request ended, as the read above waited for
    if "start-response-returned" in events:
        pytest.skip("not applicable: start_response returned normally (see WSGI-SR-007)")
    status, _, body = split_head(data)
    complete = looks_complete(data)
    after = wsgi.request("GET", "/ready").status
    verify(not complete and closed and events.count("close") == 1 and after == 200, sent=f"GET {path}, then GET /ready",
           expected="the response cut short (no final chunk, or fewer bytes than Content-Length), then a close; "
                    "close() called once; /ready answered",
           got=f"{status.decode('latin-1')!r}, {len(body)} body bytes, " + ("complete" if complete else "incomplete")
               + (", then a close" if closed else ", and the connection still open 3 s later")
               + f"; events {events}; /ready: {after}")
