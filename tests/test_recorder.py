"""The recorder: records sent the way the probe apps send them (probe_apps/recording.py) arrive from
any number of threads, are kept apart by token, and a wait that goes unanswered says what it saw."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from conformance.recorder import Recorder, RecordTimeout
from probe_apps import recording


@pytest.fixture
def listening_recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    """A recorder whose address the probe apps' half finds, as a server's workers do."""
    recorder = Recorder()
    monkeypatch.setenv(recording.RECORDER_ENV, recorder.address)
    try:
        yield recorder
    finally:
        recorder.close()


def test_wait_for_returns_the_records_sent_from_several_threads(listening_recorder: Recorder) -> None:
    token, other = Recorder.new_token(), Recorder.new_token()
    threads, per_thread = 8, 10

    def send(thread: int) -> None:
        for n in range(per_thread):
            recording.record(token, "hit", thread=thread, n=n)
            recording.record(other, "hit")

    senders = [threading.Thread(target=send, args=(t,)) for t in range(threads)]
    for sender in senders:
        sender.start()
    found = listening_recorder.wait_for(token, "hit", timeout=10, count=threads * per_thread)
    for sender in senders:
        sender.join(timeout=10)
    assert len(found) == threads * per_thread
    assert {(r.data["thread"], r.data["n"]) for r in found} == {
        (t, n) for t in range(threads) for n in range(per_thread)
    }
    assert all(r.token == token for r in listening_recorder.records(token))


def test_wait_for_returns_as_soon_as_the_record_arrives(listening_recorder: Recorder) -> None:
    token = Recorder.new_token()
    late = threading.Timer(0.1, recording.record, args=(token, "close"))
    late.start()
    started = time.monotonic()
    [record] = listening_recorder.wait_for(token, "close", timeout=10)
    late.join(timeout=10)
    assert time.monotonic() - started < 5
    assert record.event == "close"


def test_wait_for_times_out_saying_what_it_waited_for_and_what_it_saw(listening_recorder: Recorder) -> None:
    token = Recorder.new_token()
    recording.record(token, "lifespan.startup")
    listening_recorder.wait_for(token, "lifespan.startup", timeout=10)
    started = time.monotonic()
    with pytest.raises(RecordTimeout) as raised:
        listening_recorder.wait_for(token, "close", timeout=0.2)
    waited = time.monotonic() - started
    assert 0.2 <= waited < 5
    message = str(raised.value)
    assert "never reported 'close'" in message
    assert "waited 0.2 s" in message
    assert "lifespan.startup" in message


def test_wait_for_a_count_times_out_when_fewer_records_arrived(listening_recorder: Recorder) -> None:
    token = Recorder.new_token()
    recording.record(token, "hit")
    with pytest.raises(RecordTimeout):
        listening_recorder.wait_for(token, "hit", timeout=0.2, count=2)
