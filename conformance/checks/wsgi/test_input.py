"""PEP 3333, wsgi.input: the app reads exactly the request body, as bytes, through each of the
stream's methods, also over many generated bodies (hypothesis); and when the app is called
against when the body arrived is reported.

The probe's /echo scenario reads wsgi.input the way ?mode= says and sends back what the reads
returned, with their types in X-Probe-Read-Types; /input?op=... reports what each call returned.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given

from conformance.checks.wsgi.scenarios import input_path
from conformance.clients.raw import RawClient, Response, WireError, read_response
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.strategies import PROPERTY_SETTINGS, bodies
from conformance.verify import shown, verify


def operations(response: Response) -> list[Any]:
    """What each call returned (as the exact value), or the text of what it raised."""
    payload = response.json()
    return [revive(r["value"]) if "value" in r else f"raised {r['raised']}" for r in payload["results"]]


def ask(client: RawClient, body: bytes, *ops: str, to_the_end: bool = False) -> tuple[str, list[Any]]:
    """``to_the_end``: the calls read up to the end of the body, where a server that does not
    simulate end-of-file (WSGI-IN-003, judged on its own) leaves the app waiting: not applicable."""
    path = input_path(*ops)
    try:
        response = client.request("POST", path, [], body)
    except WireError as error:
        if to_the_end and "no complete response" in str(error):
            pytest.skip(f"not applicable: {', '.join(ops)} waited for bytes past CONTENT_LENGTH (see WSGI-IN-003)")
        return path, [f"no answer: {error}"]
    return path, operations(response)


@pytest.mark.requirement("WSGI-IN-001")
def test_readlines_returns_every_line(quick: RawClient) -> None:
    body = b"a\nbb\nccc"
    path, results = ask(quick, body, "readlines", to_the_end=True)
    verify(results == [body.splitlines(True)], sent=f"POST {path} with {body!r}",
           expected=f"{[body.splitlines(True)]}", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-002")
def test_read_with_a_size_returns_the_body_in_bounded_pieces(wsgi: RawClient) -> None:
    """The app calls read(1000) until it has CONTENT_LENGTH bytes; the pieces join to the body."""
    body = os.urandom(10_000)
    response = wsgi.request("POST", "/echo?mode=chunks&size=1000", [], body)
    sizes = [int(n) for n in (response.header("X-Probe-Read-Sizes") or b"0").decode().split(",") if n.isdigit()]
    verify(response.body == body and all(size <= 1000 for size in sizes),
           sent="POST /echo?mode=chunks&size=1000 with 10000 random bytes",
           expected="read(1000) calls of at most 1000 bytes each that together return the 10000 bytes, in order",
           got=f"{len(response.body)} bytes, {'equal' if response.body == body else 'different'}; "
               f"read sizes {sizes}")


@pytest.mark.requirement("WSGI-IN-003")
def test_reading_past_the_body_gives_end_of_file(quick: RawClient) -> None:
    """read(100) three times on a 5-byte body; the connection stays open."""
    path, results = ask(quick, b"hello", "read:100", "read:100", "read:100")
    ok = all(type(r) is bytes for r in results) and b"".join(results) == b"hello" and results[-1] == b""
    verify(ok, sent=f"POST {path} with b'hello'", expected="the reads join to b'hello', the last returns b''",
           got=f"{results}")


@pytest.mark.requirement("WSGI-IN-004")
def test_read_without_an_argument_returns_the_rest(quick: RawClient) -> None:
    path, results = ask(quick, b"hello world", "read:6", "read")
    verify(results == [b"hello ", b"world"], sent=f"POST {path} with b'hello world'",
           expected="[b'hello ', b'world']", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-005")
@pytest.mark.parametrize("body", [b"", b"abc"], ids=["empty", "exhausted"])
def test_an_empty_or_exhausted_input_reads_as_empty(quick: RawClient, body: bytes) -> None:
    ops = ("read:3",) if body else ()
    path, results = ask(quick, body, *ops, "read:10", "readline", "read:10")
    expected = ([body] if body else []) + [b"", b"", b""]
    verify(results == expected, sent=f"POST {path} with {body!r}", expected=f"{expected}", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-006")
def test_readline_returns_one_line_at_a_time(quick: RawClient) -> None:
    body = b"a\nbb\n\nccc\n"
    path, results = ask(quick, body, "readline", "readline", "readline", "readline")
    verify(results == body.splitlines(True), sent=f"POST {path} with {body!r}",
           expected=f"{body.splitlines(True)}", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-007")
def test_readline_honours_a_size(quick: RawClient) -> None:
    body = b"abcdef\ngh\n"
    path, results = ask(quick, body, "readline:3", "readline")
    verify(results == [b"abc", b"def\n"], sent=f"POST {path} with {body!r}",
           expected="[b'abc', b'def\\n']", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-008")
def test_readlines_with_a_hint_is_reported(quick: RawClient, observe: Callable[[str], None]) -> None:
    body = b"a\nbb\nccc\n"
    path, results = ask(quick, body, "readlines:2", "readlines", to_the_end=True)
    lines = body.splitlines(True)
    if len(results) == 2 and isinstance(results[0], list) and isinstance(results[1], list) \
            and results[0] + results[1] == lines:
        observe("readlines(2) " + ("ignored the hint (returned every line)" if results[0] == lines
                                   else f"honoured the hint (returned {results[0]})"))
    else:
        observe(f"readlines(2), then readlines(): {results} (expected the lines {lines} between them)")


@pytest.mark.requirement("WSGI-IN-009")
def test_iterating_over_input_yields_the_lines(quick: RawClient) -> None:
    body = b"a\nbb\nccc"
    path, results = ask(quick, body, "iter", to_the_end=True)
    verify(results == [body.splitlines(True)], sent=f"POST {path} with {body!r}",
           expected=f"{[body.splitlines(True)]}", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-010")
def test_the_methods_share_one_position(quick: RawClient) -> None:
    body = b"0123\n4567\n89"
    path, results = ask(quick, body, "read:2", "readline", "read:7")
    verify(results == [b"01", b"23\n", b"4567\n89"], sent=f"POST {path} with {body!r}",
           expected="[b'01', b'23\\n', b'4567\\n89']", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-011")
def test_read_minus_one_returns_the_rest(quick: RawClient) -> None:
    path, results = ask(quick, b"hello world", "read:6", "read:-1", to_the_end=True)
    verify(results == [b"hello ", b"world"], sent=f"POST {path} with b'hello world'",
           expected="[b'hello ', b'world'] (a negative size reads to the end)", got=f"{results}")


@pytest.mark.requirement("WSGI-IN-011")
def test_read_none_is_reported(quick: RawClient, observe: Callable[[str], None]) -> None:
    path, results = ask(quick, b"hello world", "read:6", "read:none", to_the_end=True)
    observe("read(None) after read(6) of b'hello world': " + (
        "returned the rest" if results == [b"hello ", b"world"] else f"gave {results[1:]}"))


# Every byte value, CR LF pairs and a NUL, so that no translation or decoding goes unnoticed.
AWKWARD_BODY = bytes(range(256)) + b"\r\n\r\n\x00\xff" + os.urandom(64 * 1024)


@pytest.mark.requirement("WSGI-IN-012")
@pytest.mark.parametrize("body", [b"hello", b"\r\n\r\n", AWKWARD_BODY], ids=["text", "crlf", "binary-64k"])
def test_input_yields_exactly_the_body(wsgi: RawClient, body: bytes) -> None:
    """The app reads CONTENT_LENGTH bytes, as the PEP tells it to."""
    response = wsgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    verify(response.body == body, sent=f"POST /echo with body {shown(body, 40)}",
           expected=f"the app reads exactly those {len(body)} bytes",
           got=f"{len(response.body)} bytes: {shown(response.body, 40)}")


@pytest.mark.requirement("WSGI-IN-012")
@PROPERTY_SETTINGS
@given(body=bodies())
def test_input_yields_exactly_the_body_sent(wsgi: RawClient, body: bytes) -> None:
    response = wsgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    verify(response.body == body, sent=f"POST /echo with {shown(body, 40)}",
           expected=f"the app reads exactly the {len(body)} bytes", got=shown(response.body, 40))


@pytest.mark.requirement("WSGI-IN-013")
def test_when_the_app_is_called_is_reported(wsgi_server: ServerProcess, recorder: Recorder,
                                            observe: Callable[[str], None]) -> None:
    """Headers and half the body, a pause, then the rest: was the app called during the pause?"""
    token = recorder.new_token()
    body = b"0123456789" * 10
    head = (f"POST {input_path('read:100')} HTTP/1.1\r\nHost: x\r\n{TOKEN_HEADER}: {token}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((wsgi_server.host, wsgi_server.port), timeout=5.0) as sock:
        sock.sendall(head + body[:50])
        try:
            recorder.wait_for(token, "called", timeout=0.6)
            early = True
        except RecordTimeout:
            early = False
        sock.sendall(body[50:])
        response = read_response(sock, timeout=5.0)
    read = operations(response)
    observe(("the app was called before the body was complete (reads on demand)" if early else
             "the app was called only once the whole body had arrived (pre-read)")
            + ("" if read == [body] else f"; its read(100) gave {read}"))
