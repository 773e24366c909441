"""The zero-copy send extension (extensions.rst, "Zero Copy Send"): http.response.zerocopysend of
an open file, with and without offset and count, mixed with http.response.body, paced, and the
file left open for the app to close.

The probe's /zerocopy?case=NAME sends one of ZEROCOPY_CASES (probe_apps/asgi_zerocopy.py) from a
file of known bytes, or answers 501 where the scope does not advertise the extension. No installed
server advertises it (read in their source: uvicorn, hypercorn, daphne, gunicorn and granian
handle no such event); an emulation on uvicorn shows these checks passing (see
tests/test_real_servers.py), mutants of it show them failing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import pytest

from conformance.clients.raw import RawClient, Response
from conformance.probing import fetch_scope
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import shown, verify

SIZE = 1000  # the probe's file (ZEROCOPY_SIZE)
PACED_GAP = 0.5  # seconds between the two parts of case "paced"


def zerocopy_content(size: int = SIZE) -> bytes:
    """The bytes of the probe's file (zerocopy_content in probe_apps/asgi_zerocopy.py)."""
    block = hashlib.sha256(b"conformance zerocopysend").digest()
    return (block * (size // len(block) + 1))[:size]


FILE = zerocopy_content()


def zerocopy(asgi: RawClient, case: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """GET /zerocopy?case=CASE; skip where the server does not advertise the extension."""
    response = asgi.request("GET", f"/zerocopy?case={case}", list(headers))
    if response.status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.zerocopysend")
    return response


def verify_body(response: Response, case: str, what: str, expected: bytes, described: str) -> None:
    verify(response.body == expected, sent=f"GET /zerocopy?case={case}: {what}",
           expected=f"the body {described} ({len(expected)} bytes)",
           got=f"{len(response.body)} bytes: {shown(response.body, 60)}")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-001")
def test_whether_zerocopy_send_is_offered_is_reported(asgi: RawClient, observe: Callable[[str], None]) -> None:
    scope, _, _ = fetch_scope(asgi)
    offered = "http.response.zerocopysend" in (scope.get("extensions") or {})
    observe("http.response.zerocopysend " + ("advertised" if offered else "not advertised"))


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-002")
def test_zerocopy_send_mixes_with_body_events(asgi: RawClient) -> None:
    verify_body(zerocopy(asgi, "mixed"), "mixed",
                "body b'HEAD-', zerocopysend offset 0 count 5, zerocopysend offset 5 count 5, body b'-TAIL'",
                b"HEAD-" + FILE[:10] + b"-TAIL", "b'HEAD-', the file's first 10 bytes, b'-TAIL'")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-003")
def test_zerocopy_send_starts_at_the_offset(asgi: RawClient) -> None:
    verify_body(zerocopy(asgi, "offset"), "offset", "zerocopysend offset 10 count 20",
                FILE[10:30], "the file's bytes 10 to 29")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-004")
def test_zerocopy_send_without_offset_reads_from_the_file_position(asgi: RawClient) -> None:
    verify_body(zerocopy(asgi, "position"), "position", "the app seeks the file to 7, then zerocopysend without "
                "offset or count", FILE[7:], "the file from byte 7 to its end")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-005")
def test_zerocopy_send_copies_count_bytes(asgi: RawClient) -> None:
    verify_body(zerocopy(asgi, "count"), "count", "zerocopysend offset 0 count 3", FILE[:3],
                "the file's first 3 bytes")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-006")
def test_zerocopy_send_without_count_reads_to_the_end(asgi: RawClient) -> None:
    verify_body(zerocopy(asgi, "to-end"), "to-end", f"zerocopysend offset 100 without count (the file has {SIZE} "
                "bytes)", FILE[100:], "the file from byte 100 to its end")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-007")
def test_zerocopy_send_without_more_body_completes_the_response(asgi: RawClient) -> None:
    started = time.monotonic()
    response = zerocopy(asgi, "default-end")
    took = time.monotonic() - started
    verify(response.body == FILE[:10] and took < 1.0,
           sent="GET /zerocopy?case=default-end: zerocopysend offset 0 count 10 without more_body, then the app "
                "goes on for 2 s",
           expected="the complete response (the file's first 10 bytes) within 1 s, before the app returns",
           got=f"{shown(response.body, 40)} after {took:.2f} s")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-008")
def test_zerocopy_send_leaves_the_file_open(asgi: RawClient, recorder: Recorder) -> None:
    token = recorder.new_token()
    zerocopy(asgi, "mixed", ((TOKEN_HEADER, token),))
    open_after = recorder.wait_for(token, "zerocopy.done", timeout=5.0)[0].data["open_after"]
    verify(open_after == [True, True],
           sent="GET /zerocopy?case=mixed: two zerocopysend events from one file; after each, the app checks the "
                "file (closed? os.fstat of its descriptor)",
           expected="the file still open after each send() (the app closes it)",
           got=f"open after each send: {open_after}")


@pytest.mark.requirement("ASGI-EXT-ZEROCOPY-009")
def test_each_zerocopy_part_arrives_before_the_next_is_sent(asgi: RawClient) -> None:
    """The app sends 16 bytes of the file (more_body), waits PACED_GAP s, then the next 16."""
    response = zerocopy(asgi, "paced")
    received, first_done, second_started = 0, None, None
    for at, data in response.chunks:
        if first_done is None and received + len(data) >= 16:
            first_done = at
        if second_started is None and received + len(data) > 16:
            second_started = at
        received += len(data)
    apart = (second_started - first_done) if first_done is not None and second_started is not None else 0.0
    verify(response.body == FILE[:32] and apart >= PACED_GAP / 2,
           sent=f"GET /zerocopy?case=paced: zerocopysend of 16 bytes with more_body, {PACED_GAP} s, then the next 16",
           expected=f"the first part on the wire at least {PACED_GAP / 2:g} s before the second, as with "
                    "http.response.body",
           got=f"{apart:.3f} s between them; body {shown(response.body, 40)}")
