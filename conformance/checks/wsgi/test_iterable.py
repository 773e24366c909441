"""PEP 3333, the response iterable: close() in every way a request can end, what the server may
touch on the iterable, what it may derive from it (a Content-Length), and the body byte for
byte. write() is in test_write.py.

The probe's bodies report to the recorder each block the server asks for ("next", with its index,
before the block is produced) and each call of close().
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed, split_head, target
from conformance.checks.wsgi.wire import CLOSE_TIMEOUT, closed_or_not_applicable, request, wait_closed
from conformance.clients.raw import RawClient
from conformance.recorder import Recorder, RecordTimeout
from conformance.verify import shown, verify
from probe_apps.wsgi_common import body_blocks

# Every byte value, then line endings of every kind a server might be tempted to normalise.
BINARY = bytes(range(256)) + b"\r\n\n\r\r\n"


# Every way PEP 3333 lets an app hand over its body (probe_apps/wsgi_common.py, /respond?form=).
BODY_FORMS = {
    "one": "a list of one block",
    "many": "a list of blocks of 1, 2, 3, ... bytes with empty ones among them",
    "generator": "a generator of those blocks",
    "write": "write() of all but the last block, which is returned",
}


def empty_block_offsets() -> set[int]:
    """Where, in BINARY as body_blocks cuts it, the app hands an empty block."""
    offsets, sent = set(), 0
    for block in body_blocks(BINARY):
        sent += len(block)
        if not block:
            offsets.add(sent)
    return offsets


@pytest.mark.requirement("WSGI-IT-002")
@pytest.mark.parametrize("form", list(BODY_FORMS))
def test_the_body_goes_out_byte_for_byte(wsgi: RawClient, form: str) -> None:
    path = target("/respond", ("h", "Content-Type:application/octet-stream"), ("body", BINARY.decode("latin-1")),
                  ("form", form))
    response = wsgi.request("GET", path)
    if form == "write" and len(response.body) <= len(body_blocks(BINARY)[-1]):
        pytest.skip(f"not applicable: nothing the app wrote reached the client ({len(response.body)} bytes came; its "
                    "failure is WSGI-WR-001's)")
    cut_at_empty_block = len(response.body) in empty_block_offsets() and BINARY.startswith(response.body)
    if form in ("many", "generator") and response.body != BINARY and cut_at_empty_block:
        pytest.skip(f"not applicable: the body ended, unchanged, where the app handed an empty block "
                    f"({len(response.body)} bytes came: an empty block sent as a zero-length chunk is WSGI-IT-022's "
                    "failure)")
    verify(response.body == BINARY, sent=f"GET /respond: the 256 byte values, then CR LF, LF, CR, CR LF, as "
                                         f"{BODY_FORMS[form]}",
           expected=f"those {len(BINARY)} bytes, unchanged",
           got=f"{len(response.body)} bytes, {shown(response.body, 40)}")


@pytest.mark.requirement("WSGI-IT-010")
def test_close_is_called_once_after_a_complete_response(wsgi: RawClient, recorder: Recorder) -> None:
    token = recorder.new_token()
    response = request(wsgi, "GET", "/stream?chunks=2", token)
    events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    wsgi.request("GET", "/ready")  # a later request answered: the first one is long finished
    events = [r.event for r in recorder.records(token)]
    verify(response is not None and events.count("close") == 1 and events[-1] == "close",
           sent="GET /stream?chunks=2", expected="one close(), after the last block was asked for",
           got=f"events {events}")


def events_once_closed(wsgi: RawClient, recorder: Recorder, path: str) -> list[str]:
    """GET ``path``; the app's events once it has recorded close() (within CLOSE_TIMEOUT)."""
    token = recorder.new_token()
    request(wsgi, "GET", path, token)
    return wait_closed(recorder, token, CLOSE_TIMEOUT)


@pytest.mark.requirement("WSGI-IT-011")
def test_close_is_called_when_the_iteration_raises(wsgi: RawClient, recorder: Recorder) -> None:
    """The second block raises RuntimeError."""
    events = events_once_closed(wsgi, recorder, "/stream?chunks=3&fail_at=1")
    verify(events.count("close") == 1, sent="GET /stream?chunks=3&fail_at=1",
           expected="close() called once", got=f"events {events}")


@pytest.mark.requirement("WSGI-IT-012")
def test_close_is_called_when_the_first_block_raises(wsgi: RawClient, recorder: Recorder) -> None:
    """start_response('200 OK'), then producing the very first block raises."""
    token = recorder.new_token()
    request(wsgi, "GET", "/raise?when=first", token)
    events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    verify(events.count("close") == 1, sent="GET /raise?when=first", expected="close() called once",
           got=f"events {events}")


@pytest.mark.requirement("WSGI-IT-013")
def test_close_is_called_when_the_client_hangs_up(wsgi: RawClient, recorder: Recorder) -> None:
    """An endless body of 64 KiB blocks; the client resets the connection after 128 KiB."""
    token = recorder.new_token()
    with Exchange(wsgi, "GET", "/stream?forever=1&size=65536&gap=0.01", token=token) as exchange:
        exchange.sock.sendall(exchange.raw)
        received = 0
        while received < 128 * 1024:
            data = exchange.sock.recv(65536)
            if not data:
                break
            received += len(data)
        exchange.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    verify(events.count("close") == 1, sent="GET /stream?forever=1&size=65536, then a reset after 128 KiB",
           expected=f"close() called once within {CLOSE_TIMEOUT:g} s", got=f"{events.count('close')} close() calls")


@pytest.mark.requirement("WSGI-IT-014")
def test_close_is_called_when_content_length_is_reached(wsgi: RawClient, recorder: Recorder) -> None:
    """Content-Length: 8, and a body of three 8-byte blocks."""
    events = events_once_closed(wsgi, recorder, "/stream?chunks=3&size=8&cl=8")
    verify(events.count("close") == 1, sent="GET /stream?chunks=3&size=8&cl=8",
           expected="close() called once", got=f"events {events}")


@pytest.mark.requirement("WSGI-IT-015")
@pytest.mark.parametrize(("method", "path"), [("HEAD", "/stream?chunks=2"),
                                              ("GET", "/stream?chunks=0&status=204+No+Content"),
                                              ("GET", "/stream?chunks=0&status=304+Not+Modified")],
                         ids=["HEAD", "204", "304"])
def test_close_is_called_for_a_response_without_body(wsgi: RawClient, recorder: Recorder, method: str,
                                                     path: str) -> None:
    token = recorder.new_token()
    request(wsgi, method, path, token)
    events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    verify(events.count("close") == 1, sent=f"{method} {path}", expected="close() called once",
           got=f"events {events}")


@pytest.mark.requirement("WSGI-IT-016")
def test_close_is_called_after_the_body_was_written(wsgi: RawClient, recorder: Recorder) -> None:
    """write(b'x'), then return an empty list that has a close(). Only close() is judged: whether
    b'x' reached the client is WSGI-WR-001's, and so is a write() that never returns (the app then
    has no iterable to close)."""
    token = recorder.new_token()
    request(wsgi, "GET", "/write?w=x&mark=1", token)
    try:
        events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    except RecordTimeout:
        if "wrote" not in [r.event for r in recorder.records(token)]:
            pytest.skip("not applicable: write() never returned to the app, which so returned no iterable to close "
                        "(that failure is WSGI-WR-001's)")
        raise
    verify(events.count("close") == 1, sent="GET /write?w=x&mark=1", expected="close() called once",
           got=f"events {events}")


@pytest.mark.requirement("WSGI-IT-017")
@pytest.mark.parametrize(("method", "path"), [("GET", "/stream?chunks=3"), ("GET", "/stream?chunks=3&fail_at=1"),
                                              ("GET", "/stream?chunks=3&size=8&cl=8"), ("HEAD", "/stream?chunks=3")],
                         ids=["complete", "iteration-raises", "content-length-reached", "HEAD"])
def test_no_block_is_asked_for_after_close(wsgi: RawClient, recorder: Recorder, method: str, path: str) -> None:
    token = recorder.new_token()
    request(wsgi, method, path, token)
    wait_closed(recorder, token, CLOSE_TIMEOUT)
    wsgi.request("GET", "/ready")  # a later request answered: the first one is long finished
    events = [r.event for r in recorder.records(token)]
    after = events[events.index("close") + 1:]
    verify(events.count("close") == 1 and "next" not in after, sent=f"{method} {path}",
           expected="close() called once, and no block asked for after it", got=f"events {events}")


@pytest.mark.requirement("WSGI-IT-018")
def test_how_much_of_a_head_body_is_asked_for_is_reported(wsgi: RawClient, recorder: Recorder,
                                                          observe: Callable[[str], None]) -> None:
    """HEAD to a body of three blocks: the server may close it without asking for them all."""
    token = recorder.new_token()
    request(wsgi, "HEAD", "/stream?chunks=3", token)
    closed_or_not_applicable(recorder, token, "WSGI-IT-015", CLOSE_TIMEOUT)
    asked = len([r for r in recorder.records(token) if r.event == "next"])
    observe("for HEAD, the server asked for every block before close()" if asked >= 3 else
            f"for HEAD, the server closed the body early, after asking for {asked} of its 3 blocks")


ALLOWED_ATTRIBUTES = {"__iter__", "__next__", "__len__", "close"}


@pytest.mark.requirement("WSGI-IT-019")
def test_the_server_touches_nothing_but_iteration_len_and_close(wsgi: RawClient, recorder: Recorder) -> None:
    """The body records every attribute the server looks up on it; it offers read() and fileno()."""
    token = recorder.new_token()
    response = request(wsgi, "GET", "/watched", token)
    try:  # a server that calls close() looks it up first; one that does not is WSGI-IT-010's business
        recorder.wait_for(token, "attribute", timeout=2.0)
    except RecordTimeout:
        pass
    wsgi.request("GET", "/ready")  # a later request answered: the first one is long finished
    names = [r.data["name"] for r in recorder.records(token) if r.event == "attribute"]
    other = sorted(set(names) - ALLOWED_ATTRIBUTES)
    verify(response is not None and response.body == b"watched" and not other, sent="GET /watched",
           expected=f"only {', '.join(sorted(ALLOWED_ATTRIBUTES))} looked up on the body",
           got=f"also looked up: {other}" if other else f"looked up {names}; response {response!r:.80}")


@pytest.mark.requirement("WSGI-IT-020")
def test_a_content_length_from_a_one_item_body_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The app returns [b'abc'] with no Content-Length and no write()."""
    response = wsgi.request("GET", "/write?r=abc")
    length = response.header("Content-Length")
    observe("no Content-Length derived from a one-item body" if length is None else
            f"Content-Length {length.decode('latin-1')} derived from a one-item body"
            + ("" if length == b"3" else " (wrong: the body is 3 bytes)"))


@pytest.mark.requirement("WSGI-IT-021")
def test_a_derived_content_length_counts_the_written_data(wsgi: RawClient) -> None:
    """write(b'XX'), then return [b'abc'], a one-item list, with no Content-Length."""
    response = wsgi.request("GET", "/write?w=XX&r=abc")
    length = response.header("Content-Length")
    verify(response.body == b"XXabc" and length in (None, b"5"), sent="GET /write?w=XX&r=abc",
           expected="body b'XXabc', and Content-Length 5 or none",
           got=f"body {response.body!r}, Content-Length {length!r}")


@pytest.mark.requirement("WSGI-IT-022")
def test_an_empty_block_does_not_end_the_body(wsgi: RawClient) -> None:
    """The app returns [b'a', b'', b'b'] without a Content-Length."""
    with Exchange(wsgi, "GET", "/write?r=a&r=&r=b") as exchange:
        response = exchange.response()
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == b"ab" and ok, sent="GET /write?r=a&r=&r=b, then GET /ready on the same connection",
           expected="body b'ab', and nothing after it", got=f"body {response.body!r}; {follow_up}")


@pytest.mark.requirement("WSGI-IT-023")
def test_a_str_block_is_handled(wsgi: RawClient, recorder: Recorder, observe: Callable[[str], None]) -> None:
    """The body yields b'ok', then the str 'text'; it records its close()."""
    token = recorder.new_token()
    with Exchange(wsgi, "GET", "/yield-str", token=token) as exchange:
        exchange.sock.sendall(exchange.raw)
        data, closed = read_until_closed(exchange.sock, 3.0)
    status, headers, body = split_head(data)
    events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    names = {name.lower(): value for name, value in headers}
    complete = body.endswith(b"0\r\n\r\n") if b"chunked" in names.get(b"transfer-encoding", b"").lower() \
        else b"content-length" in names and len(body) >= int(names[b"content-length"])
    observe(f"a str block: {status.decode('latin-1')!r}, "
            + ("b'text' sent as body bytes" if b"text" in body else "b'text' not sent")
            + (", then the connection closed" if closed else ", the response complete and the connection kept"))
    verify((closed or complete) and events.count("close") == 1, sent="GET /yield-str",
           expected="the response ends (cut short and the connection closed, or complete); close() called once",
           got=f"{status.decode('latin-1')!r}, body {body[:60]!r}; "
               + ("" if closed or complete else "no end of the response and no close within 3 s; ")
               + f"events {events}")
