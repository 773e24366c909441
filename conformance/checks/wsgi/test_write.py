"""PEP 3333, the write() callable: what the app writes is part of the body, goes out while the app
carries on and before the returned body, which is still streamed after it; write() past the
app's Content-Length raises; what an empty first write() and a str do is reported.

/write writes each ?w=, then returns each ?r= (a body that records its close()); ?gap= pauses
before the return, ?rgap= between the returned blocks.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.wire import wall
from conformance.checks.wsgi.wire import (
    CLOSE_TIMEOUT,
    GAP,
    RECORD_WAIT,
    arrival_of,
    headers_arrival,
    request,
    wait_closed,
)
from conformance.clients.raw import RawClient
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import verify


@pytest.mark.requirement("WSGI-WR-002")
def test_written_data_is_sent_while_the_app_goes_on(wsgi: RawClient, recorder: Recorder) -> None:
    """write(b'early'), then the app sleeps 0.5 s before it returns [b'late']."""
    token = recorder.new_token()
    response = wsgi.request("GET", "/write?w=early&gap=0.5&r=late", [(TOKEN_HEADER, token)])
    returning = recorder.wait_for(token, "returning", timeout=RECORD_WAIT)[0].time
    first = wall(response.chunks[0][0]) if response.chunks else None
    verify(response.body == b"earlylate" and first is not None and first < returning,
           sent="GET /write?w=early&gap=0.5&r=late",
           expected="b'early' reaches the client before the app returns (0.5 s after writing it)",
           got=f"body {response.body[:40]!r}; the first body bytes arrived "
               + (f"{first - returning:+.3f} s from the app's return" if first else "never"))


@pytest.mark.requirement("WSGI-WR-003")
def test_headers_upon_an_empty_first_write_are_reported(wsgi: RawClient, recorder: Recorder,
                                                        observe: Callable[[str], None]) -> None:
    """start_response, write(b''), then the app waits 0.5 s before it returns [b'x']."""
    first, record = headers_arrival(wsgi, recorder, "/early?write=1&gap=0.5")
    if record.data.get("write_raised"):
        pytest.skip(f"not applicable: write(b'') raised {record.data['write_raised']} (see WSGI-SR-002)")
    returning = record.time
    observe("after write(b''), no response within 5 s" if first is None else
            "the headers were sent upon write(b''), before the app returned" if first < returning
            else "the headers waited for body data: write(b'') sent nothing")


@pytest.mark.requirement("WSGI-WR-004", "WSGI-WR-001", "WSGI-SR-002")
def test_written_data_comes_before_the_returned_body(wsgi: RawClient) -> None:
    """write(b'1'), write(b'2'), then return [b'3', b'4']."""
    response = wsgi.request("GET", "/write?w=1&w=2&r=3&r=4")
    verify(response.status == 200 and response.body == b"1234", sent="GET /write?w=1&w=2&r=3&r=4",
           expected="status 200, body b'1234'", got=f"status {response.status}, body {response.body[:60]!r}")


@pytest.mark.requirement("WSGI-WR-005")
def test_blocks_returned_after_write_are_streamed(wsgi: RawClient, recorder: Recorder) -> None:
    """write(b'w:'), then a returned body that yields b'y' and, 0.5 s later, b'z'."""
    token = recorder.new_token()
    path = f"/write?w=w:&r=y&r=z&rgap={GAP}"
    response = wsgi.request("GET", path, [(TOKEN_HEADER, token)])
    if response.status != 200:
        pytest.skip(f"not applicable: write() then a returned body got status {response.status} (see WSGI-WR-004)")
    second = next(r.time for r in recorder.wait_for(token, "next", count=2) if r.data["index"] == 1)
    first = arrival_of(response, 3)
    verify(response.body == b"w:yz" and first is not None and first < second, sent=f"GET {path}",
           expected=f"body b'w:yz', with b'w:y' at the client before the app produces b'z' ({GAP} s later)",
           got=f"body {response.body[:40]!r}; b'w:y' arrived "
               + (f"{first - second:+.3f} s from the production of b'z'" if first is not None else "never"))


@pytest.mark.requirement("WSGI-WR-006")
def test_write_past_content_length_raises(wsgi: RawClient, recorder: Recorder) -> None:
    """Content-Length: 5, write(b'hello'), then write(b'world')."""
    token = recorder.new_token()
    request(wsgi, "GET", "/write?cl=5&w=hello&extra=world", token)
    raised = recorder.wait_for(token, "extra-write", timeout=RECORD_WAIT)[0].data["raised"]
    verify(raised is not None, sent="GET /write?cl=5&w=hello&extra=world",
           expected="the second write() raises", got="it returned normally")


@pytest.mark.requirement("WSGI-WR-007")
def test_write_with_a_str_is_handled(wsgi: RawClient, recorder: Recorder, observe: Callable[[str], None]) -> None:
    """write('text'): the app reports whether it raised, then returns a body (b'raised=...') with
    a close()."""
    token = recorder.new_token()
    response = request(wsgi, "GET", "/write-str", token)
    outcome = recorder.wait_for(token, "write-str")[0].data["outcome"]
    events = wait_closed(recorder, token, CLOSE_TIMEOUT)
    sent = response is not None and b"text" in response.body.replace(b"raised=", b"")
    observe(("write('text') returned normally" if outcome == "raised=none"
             else f"write('text') raised {outcome.removeprefix('raised=')}")
            + ("; the client got b'text'" if sent else "; b'text' did not reach the client"))
    verify(events.count("close") == 1, sent="GET /write-str", expected="close() called once",
           got=f"events {events}")
