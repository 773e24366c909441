"""The http.response.pathsend extension (extensions.rst, "Path Send"): whether the scope advertises
it (reported), and where it does, the file reaching the client whole, the response completed, the
app's headers kept, a pathsend after a body part or after another pathsend refused ("Error
Handling"), and no body for HEAD.

The probe's /pathsend sends a file of known bytes with http.response.pathsend, or answers 501 when
the scope does not advertise the extension; /scope shows scope["extensions"].
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from conformance.checks.asgi.gating import extensions_of
from conformance.checks.wire import is_next_response_or_nothing, read_head, read_one, what_follows
from conformance.clients.raw import RawClient, Response, build_request
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import shown, verify

PATHSEND_SIZE = 100_000


def pathsend_content(size: int) -> bytes:
    """The bytes of the probe's pathsend file (pathsend_content in probe_apps/asgi_pathsend.py)."""
    block = hashlib.sha256(b"conformance pathsend").digest()
    return (block * (size // len(block) + 1))[:size]


@pytest.mark.requirement("ASGI-EXT-PATHSEND-001")
def test_whether_pathsend_is_offered_is_reported(asgi: RawClient, observe: Callable[[str], None]) -> None:
    offered = "http.response.pathsend" in (extensions_of(asgi) or {})
    observe("http.response.pathsend " + ("advertised" if offered else "not advertised"))


def pathsend(asgi: RawClient) -> Response:
    """GET /pathsend; skip if the server does not offer the extension."""
    response = asgi.request("GET", f"/pathsend?size={PATHSEND_SIZE}")
    if response.status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.pathsend")
    return response


@pytest.mark.requirement("ASGI-EXT-PATHSEND-002")
def test_pathsend_sends_the_file(asgi: RawClient) -> None:
    response = pathsend(asgi)
    expected = pathsend_content(PATHSEND_SIZE)
    verify(response.body == expected, sent=f"GET /pathsend?size={PATHSEND_SIZE} (start, then http.response.pathsend)",
           expected=f"the {PATHSEND_SIZE} bytes of the file",
           got=f"{len(response.body)} bytes, {'equal' if response.body == expected else 'different'}: "
               f"{shown(response.body, 40)}")


@pytest.mark.requirement("ASGI-EXT-PATHSEND-003")
def test_pathsend_completes_the_response(asgi: RawClient) -> None:
    if asgi.request("GET", "/pathsend?size=10").status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.pathsend")
    with asgi.connect() as sock:
        sock.sendall(b"GET /pathsend?size=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % PATHSEND_SIZE)
        try:
            status, body, rest = read_one(sock, 5.0)
            complete = True
        except AssertionError as error:
            complete, body, rest, problem = False, b"", b"", str(error)
        after, _ = what_follows(sock, rest, 5.0) if complete else (b"", True)
    verify(complete and is_next_response_or_nothing(after),
           sent=f"GET /pathsend?size={PATHSEND_SIZE} (the app sends start and pathsend, and nothing more), then "
                "GET /ready on the same connection",
           expected="a complete response, then the next response (or a close)",
           got=f"{len(body)} body bytes, then {shown(after, 80)}" if complete else problem)


@pytest.mark.requirement("ASGI-EXT-PATHSEND-004")
def test_pathsend_keeps_the_apps_headers(asgi: RawClient) -> None:
    response = pathsend(asgi)
    got = (response.header_values("content-type"), response.header_values("content-length"))
    verify(got == ([b"application/x-probe"], [str(PATHSEND_SIZE).encode()]),
           sent="GET /pathsend (the app's start says content-type: application/x-probe and the file's length)",
           expected=f"Content-Type application/x-probe and Content-Length {PATHSEND_SIZE}, once each",
           got=f"content-type {got[0]}, content-length {got[1]}")


@pytest.mark.requirement("ASGI-EXT-PATHSEND-005")
@pytest.mark.parametrize("mix", ["body", "twice"])
def test_a_pathsend_after_a_body_or_another_pathsend_raises(asgi: RawClient, recorder: Recorder, mix: str,
                                                           observe: Callable[[str], None]) -> None:
    """Where pathsend is offered: a body part then a pathsend (mix=body, no Content-Length), or a
    second pathsend after the first (mix=twice)."""
    if asgi.request("GET", "/pathsend?size=10").status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.pathsend")
    token = recorder.new_token()
    target = f"/pathsend?size={PATHSEND_SIZE}&mix={mix}"
    with asgi.connect() as sock:
        sock.sendall(build_request("GET", target, [(TOKEN_HEADER, token)]))
        try:
            status, body, rest = read_one(sock, 5.0)
            after, _ = what_follows(sock, rest, 5.0)
            wire = f"status {status}, {len(body)} body bytes {shown(body, 40)}, then {shown(after, 60)}"
        except AssertionError as error:
            status, body, after, wire = None, b"", b"", f"no complete response ({error})"
    raised = recorder.wait_for(token, "pathsend.mix", timeout=5.0)[0].data["raised"]
    valid_part = b"before the file " if mix == "body" else pathsend_content(PATHSEND_SIZE)
    clean = status == 200 and body == valid_part and is_next_response_or_nothing(after)
    if raised is None and clean:
        observe(f"mix={mix}: send() returned, and nothing of the invalid pathsend reached the client")
    invalid = "a pathsend after a body part" if mix == "body" else "a second pathsend"
    verify(raised is not None or clean, sent=f"GET {target} ({invalid}), then GET /ready on the same connection",
           expected="send() raises for the invalid pathsend (or, if it returns, nothing of it reaches the client)",
           got=f"send() {'raised ' + raised if raised else 'returned'}; {wire}")


@pytest.mark.requirement("ASGI-EXT-PATHSEND-006")
def test_a_head_answered_with_pathsend_carries_no_body(asgi: RawClient) -> None:
    """As for a body event (ASGI-HTTP-RESP-021): the app answers HEAD with its start and a pathsend."""
    if asgi.request("GET", "/pathsend?size=10").status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.pathsend")
    with asgi.connect() as sock:
        sock.sendall(b"HEAD /pathsend?size=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % PATHSEND_SIZE)
        head, rest = read_head(sock, 5.0)
        after, _ = what_follows(sock, rest, 5.0)
    verify(head.startswith(b"HTTP/1.1 200") and is_next_response_or_nothing(after),
           sent=f"HEAD /pathsend?size={PATHSEND_SIZE} (start with the file's Content-Length, then "
                "http.response.pathsend), then GET /ready on the same connection",
           expected="a 200 header section, then no body bytes: the next response's status line (or a close)",
           got=f"header section {shown(head, 120)}, then {shown(after, 120)}")
