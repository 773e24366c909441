"""PEP 3333, buffering and streaming: a block the app yields reaches the client before the app
produces the next one, and a large block goes out in full meanwhile. The same after write() is in
test_write.py.

The probe's /stream body records "next" (with the block's index) when the server asks for a
block, after the gap; the client notes when each piece of the body arrived. Both clocks are this
machine's wall clock.
"""

from __future__ import annotations

import pytest

from conformance.checks.wsgi.wire import GAP, arrival_of
from conformance.clients.raw import RawClient
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import verify


@pytest.mark.requirement("WSGI-BUF-001", "WSGI-IT-001")
@pytest.mark.parametrize(("query", "http_version"), [("&cl=32", "1.1"), ("", "1.1"), ("", "1.0")],
                         ids=["content-length", "chunked", "http-1.0"])
def test_a_block_arrives_before_the_next_is_produced(wsgi: RawClient, recorder: Recorder, query: str,
                                                     http_version: str) -> None:
    token = recorder.new_token()
    path = f"/stream?chunks=2&size=16&gap={GAP}{query}"
    response = wsgi.request("GET", path, [(TOKEN_HEADER, token)], http_version=http_version)
    second = next(r.time for r in recorder.wait_for(token, "next", count=2) if r.data["index"] == 1)
    first = arrival_of(response, 16)
    verify(first is not None and first < second, sent=f"GET {path} HTTP/{http_version}",
           expected=f"the first 16-byte block at the client before the app produces the second ({GAP} s later)",
           got="the first block arrived " + (f"{first - second:+.3f} s from the second one's production"
                                             if first is not None else "never"))


@pytest.mark.requirement("WSGI-BUF-002")
def test_a_large_block_is_sent_in_full_before_the_next(wsgi: RawClient, recorder: Recorder) -> None:
    token = recorder.new_token()
    size = 2 * 1024 * 1024
    path = f"/stream?chunks=2&size={size}&gap={GAP}&cl={2 * size}"
    response = wsgi.request("GET", path, [(TOKEN_HEADER, token)])
    second = next(r.time for r in recorder.wait_for(token, "next", count=2) if r.data["index"] == 1)
    first = arrival_of(response, size)
    verify(first is not None and first < second, sent=f"GET {path}",
           expected=f"all of the first 2 MiB block at the client before the app produces the second ({GAP} s later)",
           got="the first block was complete " + (f"{first - second:+.3f} s from the second one's production"
                                                  if first is not None else "never"))
