"""PEP 3333, buffering and streaming: a block the app yields reaches the client before the app
produces the next one, also after the app has used write().

The probe's /stream body (and /write's paced body) records "next" (with the block's index) when
the server asks for a block, after the gap; the client notes when each piece of the body arrived.
Both clocks are this machine's wall clock.
"""

from __future__ import annotations

import pytest

from conformance.checks.wsgi.wire import GAP, arrival_of
from conformance.clients.raw import RawClient
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import verify


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
