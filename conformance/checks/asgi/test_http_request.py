"""The http.request events that carry the request body (www.rst, "Request - receive event"): the
first event, one empty event for a request without a body, bytes bodies and a bool more_body, the
events joining to exactly the body sent (with Content-Length, chunked, large, over many generated
bodies with hypothesis, in several HTTP/2 DATA frames), no event after the last, each request on a
connection getting only its own body, and whether the body streams to the app (reported).

The probe's /echo answers with every http.request event it received (types, more_body, body
sizes) and the body they add up to, /digest with the sha256 of a large body; /after-response and
/upload-watch report to the recorder what the app received (see disconnects.py). The HTTP/2 check
talks h2c (see http2.py).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable

import pytest
from hypothesis import given

from conformance.checks.asgi.disconnects import APP_WAITS, after_response
from conformance.checks.asgi.http2 import h2
from conformance.clients.h2 import H2Request
from conformance.clients.raw import RawClient, build_request, chunked, read_response
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.strategies import PROPERTY_SETTINGS, bodies
from conformance.verify import shown, verify


def echoed(response_json: dict) -> tuple[list[dict], bytes]:
    events = [{k: (revive(v) if isinstance(v, dict) else v) for k, v in e.items()} for e in response_json["events"]]
    return events, revive(response_json["body"])


def body_events_are_well_formed(events: list[dict]) -> bool:
    """All http.request, body bytes, more_body true on all but the last, false (or missing) last."""
    if not events or any(e.get("type") != "http.request" or e["body_type"] != "bytes" for e in events):
        return False
    return all(e.get("more_body") is True for e in events[:-1]) and not events[-1].get("more_body", False)


@pytest.mark.requirement("ASGI-HTTP-REQ-001")
def test_the_first_event_is_http_request(asgi: RawClient) -> None:
    events, _ = echoed(asgi.request("POST", "/echo", [], b"first event").json())
    verify(bool(events) and events[0].get("type") == "http.request", sent="POST /echo with a body",
           expected="the first received event is http.request", got=repr(events[:1]))


@pytest.mark.requirement("ASGI-HTTP-REQ-002")
def test_a_bodyless_request_gets_one_empty_request_event(asgi: RawClient) -> None:
    response = asgi.request("GET", "/echo")
    events, body = echoed(response.json())
    verify(len(events) == 1 and body_events_are_well_formed(events) and body == b"",
           sent="GET /echo (no body)",
           expected="exactly one http.request event, body b'' (or missing), more_body false (or missing)",
           got=repr(events))


@pytest.mark.requirement("ASGI-HTTP-REQ-003", "ASGI-GEN-011")
def test_request_bodies_are_bytes(asgi: RawClient) -> None:
    events, _ = echoed(asgi.request("POST", "/echo", [], os.urandom(100_000)).json())
    wrong = [e["body_type"] for e in events if e["body_type"] != "bytes"]
    verify(not wrong, sent="POST /echo with 100000 bytes", expected="every http.request body (where present) bytes",
           got=f"body types {sorted(set(wrong))}")


@pytest.mark.requirement("ASGI-HTTP-REQ-004")
def test_more_body_is_a_bool(asgi: RawClient) -> None:
    events, _ = echoed(asgi.request("POST", "/echo", [], os.urandom(100_000)).json())
    wrong = [e["more_body"] for e in events if "more_body" in e and type(e["more_body"]) is not bool]
    verify(not wrong, sent="POST /echo with 100000 bytes", expected="more_body (where present) a bool in every event",
           got=f"more_body values {wrong[:5]!r}")


@pytest.mark.requirement("ASGI-HTTP-REQ-005")
@pytest.mark.parametrize("size", [5, 256 * 1024], ids=["small", "256k"])
def test_body_events_concatenate_to_the_body_sent(asgi: RawClient, size: int) -> None:
    body = os.urandom(size)
    response = asgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    events, received = echoed(response.json())
    verify(received == body and body_events_are_well_formed(events),
           sent=f"POST /echo with {size} random bytes (Content-Length)",
           expected="http.request events with bytes bodies that join to the body sent, more_body true "
                    "on all but the last",
           got=f"{len(received)} bytes ({'equal' if received == body else 'different'}) in events "
               f"{[(e.get('type'), e['body_len'], e.get('more_body')) for e in events][:10]}")


def digest_of(response_json: dict) -> tuple[str, int, list[list]]:
    return response_json["sha256"], response_json["length"], response_json["events"]


def digest_events_are_well_formed(events: list[list]) -> bool:
    """[type, body type, length, more_body] per event: bytes bodies, more_body true until the last."""
    if not events or any(e[0] != "http.request" or e[1] != "bytes" for e in events):
        return False
    return all(e[3] is True for e in events[:-1]) and events[-1][3] in (False, "<absent>")


@pytest.mark.requirement("ASGI-HTTP-REQ-005")
def test_a_large_body_arrives_whole(asgi: RawClient) -> None:
    """8 MiB with Content-Length: the probe answers with the sha256 of what it received."""
    body = os.urandom(8 * 1024 * 1024)
    response = asgi.request("POST", "/digest", [("Content-Type", "application/octet-stream")], body)
    sha, length, events = digest_of(response.json())
    verify(sha == hashlib.sha256(body).hexdigest() and length == len(body) and digest_events_are_well_formed(events),
           sent=f"POST /digest with {len(body)} random bytes (Content-Length)",
           expected="http.request events whose bodies join to exactly those bytes (same sha256), more_body true "
                    "on all but the last",
           got=f"{length} bytes, sha256 {'equal' if sha == hashlib.sha256(body).hexdigest() else 'different'}, "
               f"{len(events)} events, first {events[:3]}, last {events[-1:]}")


@pytest.mark.requirement("ASGI-HTTP-REQ-005")
@PROPERTY_SETTINGS
@given(body=bodies())
def test_body_events_join_to_exactly_the_body_sent(asgi: RawClient, body: bytes) -> None:
    response = asgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    received = revive(response.json()["body"])
    verify(received == body, sent=f"POST /echo with {shown(body, 40)}",
           expected=f"the {len(body)} bytes sent", got=shown(received, 40))


@pytest.mark.requirement("ASGI-HTTP-REQ-006")
def test_no_request_event_follows_the_last_one(asgi: RawClient, recorder: Recorder,
                                              asgi_server: ServerProcess) -> None:
    outcome = after_response(asgi, recorder, asgi_server)
    verify(outcome["got"] != "http.request",
           sent="GET /after-response (the app reads the request to more_body false, answers, calls receive())",
           expected="no further http.request event", got=f"receive() gave {outcome['got']}")


@pytest.mark.requirement("ASGI-HTTP-REQ-007")
def test_a_chunked_request_body_is_dechunked(asgi: RawClient) -> None:
    body = b"hello, chunked world" * 50
    raw = build_request("POST", "/echo", [("Transfer-Encoding", "chunked")], chunked(body, 97),
                        host="127.0.0.1", content_length=False)
    response = asgi.exchange(raw, method="POST")
    events, received = echoed(response.json())
    verify(received == body and body_events_are_well_formed(events),
           sent=f"POST /echo with Transfer-Encoding: chunked, {len(body)} bytes in chunks of 97",
           expected=f"the app receives just the {len(body)} decoded bytes", got=shown(received, 80))


@pytest.mark.requirement("ASGI-HTTP-REQ-007")
def test_a_large_chunked_body_is_dechunked_whole(asgi: RawClient) -> None:
    body = os.urandom(1024 * 1024)
    raw = build_request("POST", "/digest", [("Transfer-Encoding", "chunked")], chunked(body, 65536 - 7),
                        host="127.0.0.1", content_length=False)
    response = asgi.exchange(raw, method="POST")
    sha, length, events = digest_of(response.json())
    verify(sha == hashlib.sha256(body).hexdigest() and digest_events_are_well_formed(events),
           sent=f"POST /digest with Transfer-Encoding: chunked, {len(body)} random bytes in chunks of 65529",
           expected=f"the app receives just the {len(body)} decoded bytes (same sha256)",
           got=f"{length} bytes, sha256 {'equal' if sha == hashlib.sha256(body).hexdigest() else 'different'}")


@pytest.mark.requirement("ASGI-HTTP-REQ-008")
def test_whether_the_body_streams_to_the_app_is_reported(asgi: RawClient, recorder: Recorder,
                                                         observe: Callable[[str], None]) -> None:
    """The client sends 64 KiB of a 128 KiB body, waits up to 0.5 s for the app's first body event,
    then sends the rest."""
    token = recorder.new_token()
    half = 65536
    with asgi.connect() as sock:
        sock.sendall(build_request("POST", "/upload-watch", [(TOKEN_HEADER, token), ("Content-Length", str(2 * half))])
                     + b"a" * half)
        try:
            first = recorder.wait_for(token, "upload-watch.first", timeout=0.5)[0].data
        except RecordTimeout:
            first = None
        sock.sendall(b"b" * half)
        events = recorder.wait_for(token, "upload-watch.done", timeout=APP_WAITS + 1)[0].data["events"]
        read_response(sock)
    if first is not None:
        observe(f"the first http.request ({first['length']} bytes, more_body {first['more_body']}) reached the app "
                "before the body was complete: the body streams")
    else:
        observe(f"the app's first http.request came only once the body was complete (the server buffers; "
                f"{len(events)} event(s))")
    received = sum(e["length"] for e in events if e["type"] == "http.request")
    verify(received == 2 * half and events[-1]["type"] == "http.request" and not events[-1]["more_body"],
           sent=f"POST /upload-watch with Content-Length: {2 * half}: {half} bytes, a pause, then the rest",
           expected=f"http.request events carrying all {2 * half} bytes, the last with more_body false",
           got=f"{received} bytes in {events}"[:300])


@pytest.mark.requirement("ASGI-HTTP-REQ-009")
def test_an_empty_body_with_content_length_0_is_one_empty_event(asgi: RawClient) -> None:
    response = asgi.request("POST", "/echo", [("Content-Length", "0")])
    events, body = echoed(response.json())
    verify(len(events) == 1 and body_events_are_well_formed(events) and body == b"",
           sent="POST /echo with Content-Length: 0",
           expected="one http.request event, body b'' (or missing), more_body false (or missing)",
           got=repr(events))


@pytest.mark.requirement("ASGI-HTTP-REQ-010")
def test_each_request_on_a_connection_gets_only_its_own_body(asgi: RawClient) -> None:
    bodies = [b"a" * 1000, b"b" * 700]
    got = []
    with asgi.connect() as sock:
        for index, body in enumerate(bodies):
            last = index == len(bodies) - 1
            try:
                sock.sendall(build_request("POST", "/digest", [("Connection", "close")] if last else [], body))
            except OSError:
                pytest.skip("not applicable: the server closed the connection after the first response")
            got.append(digest_of(read_response(sock, method="POST").json())[:2])
    expected = [(hashlib.sha256(b).hexdigest(), len(b)) for b in bodies]
    verify(got == expected, sent="POST /digest with 1000 bytes of 'a', then on the same connection 700 bytes of 'b'",
           expected="each request's app sees exactly its own body (1000 and 700 bytes, their sha256)",
           got=f"lengths {[length for _, length in got]}, sha256 {'equal' if got == expected else 'different'}")


@pytest.mark.requirement("ASGI-HTTP-REQ-011")
def test_a_body_in_several_data_frames_arrives_whole(asgi_server: ServerProcess) -> None:
    body = bytes(range(256)) * 120
    response = h2(asgi_server, H2Request(method="POST", path="/echo", body=body, frames=4))[0]
    payload = json.loads(response.body)
    received = revive(payload["body"])
    events = payload["events"]
    last_more = revive(events[-1]["more_body"]) if events and "more_body" in events[-1] else False
    verify(received == body and last_more is False,
           sent=f"POST /echo over HTTP/2 with {len(body)} bytes in 4 DATA frames",
           expected="the bytes sent, the last http.request event with more_body false",
           got=f"{len(received)} bytes ({'equal' if received == body else 'different'}), last more_body {last_more!r}")
