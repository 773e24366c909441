"""PEP 3333, start_response(): when the headers go out, exc_info, faulty headers and statuses, and
what the server adds to the app's headers. Hop-by-hop headers from the app are in
test_http_features.py, latin-1 header values in test_strings.py.

The probe's scenarios (/replace, /after-headers, /twice, /bad-header, /respond) report in the
response body what start_response did, so most checks need no side channel.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable

import pytest

from conformance.checks.wire import Exchange, read_until_closed, target
from conformance.checks.wsgi.scenarios import headers_of
from conformance.checks.wsgi.wire import headers_arrival
from conformance.clients.raw import RawClient, WireError
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.verify import verify


@pytest.mark.requirement("WSGI-SR-001")
def test_start_response_takes_exc_info_none_positionally(wsgi: RawClient) -> None:
    """start_response('200 OK', headers, None): the optional third argument, given as None
    (every other scenario calls it with two)."""
    response = wsgi.request("GET", "/exc-info-none")
    verify(response.status == 200 and response.body == b"accepted", sent="GET /exc-info-none",
           expected="status 200, body b'accepted' (the call returned normally)",
           got=f"status {response.status}, body {response.body[:80]!r}")


@pytest.mark.requirement("WSGI-SR-003")
def test_headers_wait_for_the_first_non_empty_block(wsgi: RawClient, recorder: Recorder) -> None:
    """start_response('200 OK'), then two empty blocks 0.5 s apart, then the app records "returning"
    and yields b'x'. Judged by when the response's first byte arrived against that record: direct
    evidence of this requirement alone (how an exc_info replacement is done is WSGI-SR-006's)."""
    first, returning = headers_arrival(wsgi, recorder, "/early?empty=2&gap=0.5")
    if first is None:
        pytest.skip("not applicable here: no response within 5 s (what the server owes then is another requirement's)")
    verify(first >= returning.time, sent="GET /early?empty=2&gap=0.5",
           expected="no byte of the response before the app yields its first non-empty block",
           got=f"the response began {returning.time - first:.2f} s before the app yielded its first non-empty block"
               if first < returning.time else "")


@pytest.mark.requirement("WSGI-SR-004")
def test_headers_sent_early_for_content_length_zero_are_reported(wsgi: RawClient, recorder: Recorder,
                                                                 observe: Callable[[str], None]) -> None:
    """start_response with Content-Length: 0, then the app waits 0.5 s before returning []."""
    first, record = headers_arrival(wsgi, recorder, "/early?cl=0&gap=0.5")
    returning = record.time
    observe("with Content-Length: 0, no response within 5 s" if first is None else
            "with Content-Length: 0, the headers were sent at start_response, before the app returned"
            if first < returning else "with Content-Length: 0, the headers waited for the app to return")


@pytest.mark.requirement("WSGI-SR-005")
@pytest.mark.parametrize("path", ["/write", "/write?r=&r="], ids=["nothing", "empty-blocks"])
def test_an_empty_body_still_gets_a_complete_response(wsgi: RawClient, path: str) -> None:
    """The app returns [] (or [b'', b'']) after start_response, without Content-Length."""
    try:
        response = wsgi.request("GET", path)
    except WireError as error:
        verify(False, sent=f"GET {path}", expected="a complete response with an empty body",
               got=f"no valid response: {error}")
        return
    verify(response.status == 200 and response.body == b"", sent=f"GET {path}",
           expected="status 200 and an empty body, delimited (Content-Length: 0, an empty chunked body, or a close)",
           got=f"status {response.status}, body {response.body[:60]!r}")


@pytest.mark.requirement("WSGI-SR-006")
def test_exc_info_before_anything_was_sent_replaces_the_response(wsgi: RawClient) -> None:
    """start_response('200 OK', X-First), then start_response('500 Replaced', X-Second, exc_info)
    from the app's error handler, before it returns its body."""
    response = wsgi.request("GET", "/replace?via=return")
    ok = response.status == 500 and response.header("X-Second") and not response.header("X-First")
    verify(bool(ok) and response.body == b"replaced", sent="GET /replace?via=return",
           expected="status 500 with X-Second and no X-First, body b'replaced'",
           got=f"status {response.status}, headers {headers_of(response)}, body {response.body[:60]!r}")


def after_headers(wsgi: RawClient) -> tuple[str, str]:
    """A block goes out, then start_response(..., exc_info): the app reports what it raised."""
    response = wsgi.request("GET", "/after-headers")
    report = dict(item.partition("=")[::2] for item in response.body.decode("latin-1").split(";")[1:] if item)
    return report.get("raised", f"(no report; status {response.status}, body {response.body[:60]!r})"), \
        report.get("same", "")


@pytest.mark.requirement("WSGI-SR-007")
def test_exc_info_after_the_headers_were_sent_raises(wsgi: RawClient) -> None:
    raised, _ = after_headers(wsgi)
    verify(raised != "none", sent="GET /after-headers (one block out, then start_response with exc_info)",
           expected="start_response raises", got="start_response returned normally" if raised == "none" else raised)


@pytest.mark.requirement("WSGI-SR-008")
def test_exc_info_after_the_headers_were_sent_reraises_the_apps_exception(wsgi: RawClient) -> None:
    raised, same = after_headers(wsgi)
    if raised == "none":
        pytest.skip("not applicable: start_response did not raise at all (see WSGI-SR-007)")
    verify(same == "True", sent="GET /after-headers (one block out, then start_response with exc_info)",
           expected="start_response re-raises the very exception passed in exc_info",
           got=f"it raised another exception: {raised}")


@pytest.mark.requirement("WSGI-SR-009")
def test_a_second_start_response_without_exc_info_raises(wsgi: RawClient) -> None:
    """start_response('200 OK', ...), then start_response('201 Created', ...) without exc_info."""
    response = wsgi.request("GET", "/twice")
    raised = response.body.decode("latin-1").removeprefix("raised=")
    verify(raised != "none" and response.status == 200, sent="GET /twice",
           expected="the second call raises, and the response keeps status 200",
           got=f"the second call {'returned normally' if raised == 'none' else 'raised ' + raised}; "
               f"status {response.status}")


@pytest.mark.requirement("WSGI-SR-010")
@pytest.mark.parametrize("case", ["crlf-in-value", "crlf-in-status", "colon-in-name", "bytes-value"])
def test_faulty_headers_raise_at_start_response(wsgi: RawClient, case: str) -> None:
    """start_response with one fault (see BAD_HEADERS in the probe); when it raises, the app
    answers from its error handler and says what was raised."""
    response = wsgi.request("GET", f"/bad-header?case={case}")
    injected = response.header("X-Evil") is not None
    body = response.body.decode("latin-1")
    raised = body.removeprefix("raised=") if body.startswith("raised=") else None
    verify(not injected and raised not in (None, "none"), sent=f"GET /bad-header?case={case}",
           expected="start_response raises, and no injected X-Evil header line reaches the client",
           got=("an X-Evil header line reached the client; " if injected else "")
           + ("start_response accepted it" if raised == "none" else f"raised {raised}" if raised
              else f"status {response.status}, body {response.body[:80]!r}"))


# RFC 9112 section 4: status-line = HTTP-version SP status-code SP [ reason-phrase ], the reason
# phrase being HTAB, SP, VCHAR and obs-text.
STATUS_LINE = re.compile(rb"HTTP/1\.[01] [0-9]{3} [\t\x20-\x7e\x80-\xff]*")


@pytest.mark.requirement("WSGI-SR-011")
@pytest.mark.parametrize("case", ["status-without-reason", "status-of-four-digits", "status-with-surrounding-space"])
def test_a_malformed_status_never_goes_out_as_an_invalid_status_line(wsgi: RawClient, case: str,
                                                                    observe: Callable[[str], None]) -> None:
    """start_response('200'), ('2000 OK') or (' 200 OK '); when it raises, the app answers '200 OK'
    from its error handler and says what was raised."""
    with Exchange(wsgi, "GET", f"/bad-header?case={case}", [("Connection", "close")]) as exchange:
        exchange.sock.sendall(exchange.raw)
        data, _ = read_until_closed(exchange.sock, 3.0)
    status_line = data.split(b"\r\n", 1)[0]
    raised = re.search(rb"raised=(\w+)", data)
    observe(f"{case}: " + ("no response, the connection closed" if not data else
                           f"start_response raised {raised[1].decode()}" if raised and raised[1] != b"none" else
                           f"start_response accepted it; status line {status_line!r}"))
    try:
        serving = not data and wsgi.request("GET", "/ready").status == 200
    except (WireError, OSError):
        serving = False
    verify(bool(data) and STATUS_LINE.fullmatch(status_line) is not None or serving,
           sent=f"GET /bad-header?case={case}" + ("" if data else ", then GET /ready"),
           expected="start_response raises, or a valid status line (HTTP-version SP 3DIGIT SP reason-phrase), "
                    "or a close with no response and the server going on serving",
           got=f"the status line {status_line!r}" if data else "no response, and then GET /ready was not answered")


@pytest.mark.requirement("WSGI-SR-012")
def test_the_status_line_is_the_apps_status(wsgi: RawClient) -> None:
    path = target("/respond", ("status", "299 Custom Reason Here"), ("h", "Content-Type:text/plain"), ("body", "x"))
    response = wsgi.request("GET", path)
    verify(response.status == 299 and response.reason == b"Custom Reason Here", sent=f"GET {path}",
           expected="status line '299 Custom Reason Here'",
           got=f"status line '{response.status} {response.reason.decode('latin-1')}'")


@pytest.mark.requirement("WSGI-SR-013")
def test_changes_to_the_apps_header_list_are_reported(wsgi: RawClient, recorder: Recorder,
                                                      observe: Callable[[str], None]) -> None:
    """start_response('200 OK', [('Content-Type', 'text/plain')]) and a one-item body; the app
    looks at its list again in close()."""
    token = recorder.new_token()
    wsgi.request("GET", "/headers-list", [(TOKEN_HEADER, token)])
    try:
        after = recorder.wait_for(token, "headers-after", timeout=3.0)[0].data["headers"]
    except RecordTimeout:
        pytest.skip("not applicable: the body's close() was not called (see WSGI-IT-010)")
    observe("the app's header list left as it was" if after == [repr(("Content-Type", "text/plain"))]
            else f"the server changed the app's header list to [{', '.join(after)}]")


def is_http_date(value: bytes) -> bool:
    try:
        return email.utils.parsedate_to_datetime(value.decode("latin-1")) is not None
    except (TypeError, ValueError):
        return False


@pytest.mark.requirement("WSGI-SR-014")
@pytest.mark.parametrize("status", ["200 OK", "302 Found", "404 Not Found"])
def test_the_server_adds_a_date_header(wsgi: RawClient, status: str) -> None:
    """The app gives Content-Type only; HTTP wants a Date in 2xx, 3xx and 4xx responses."""
    path = target("/respond", ("status", status), ("h", "Content-Type:text/plain"), ("body", "x"))
    response = wsgi.request("GET", path)
    dates = response.header_values("Date")
    verify(len(dates) == 1 and is_http_date(dates[0]), sent=f"GET {path}",
           expected="exactly one Date header, a valid HTTP-date", got=f"Date headers: {dates or 'none'}")


@pytest.mark.requirement("WSGI-SR-015")
def test_app_headers_are_matched_whatever_their_case(wsgi: RawClient) -> None:
    """The app spells content-LENGTH and dAtE oddly; the server must see them as given."""
    path = target("/respond", ("h", "content-LENGTH:5"), ("h", "dAtE:Tue, 01 Jan 2030 00:00:00 GMT"),
                  ("body", "hello"))
    response = wsgi.request("GET", path)
    lengths, dates = response.header_values("Content-Length"), response.header_values("Date")
    verify(lengths == [b"5"] and len(dates) == 1
           and not response.header("Transfer-Encoding") and response.body == b"hello", sent=f"GET {path}",
           expected="one Content-Length (5), one Date (the app's, or the server's instead), no Transfer-Encoding, "
                    "body b'hello'",
           got=f"headers {headers_of(response)}; body {response.body[:40]!r}")


@pytest.mark.requirement("WSGI-SR-016")
def test_repeated_app_headers_stay_separate(wsgi: RawClient) -> None:
    path = target("/respond", ("h", "Set-Cookie:a=1; Path=/"), ("h", "Set-Cookie:b=2; Path=/"), ("body", "x"))
    response = wsgi.request("GET", path)
    cookies = response.header_values("Set-Cookie")
    verify(cookies == [b"a=1; Path=/", b"b=2; Path=/"], sent=f"GET {path}",
           expected="two Set-Cookie lines, a=1 then b=2", got=f"Set-Cookie lines: {cookies or 'none'}")


@pytest.mark.requirement("WSGI-SR-017")
def test_start_response_keeps_no_reference_to_exc_info(wsgi: RawClient) -> None:
    """The app replaces its response with start_response(..., exc_info), keeps only a weak
    reference to the exception, runs gc.collect() and says whether the exception survived."""
    response = wsgi.request("GET", "/exc-info-ref")
    if response.body.startswith(b"raised="):
        raised = response.body.removeprefix(b"raised=").decode("latin-1")
        pytest.skip(f"not applicable: start_response(..., exc_info) raised {raised} before anything was sent "
                    "(see WSGI-SR-006)")
    verify(response.body == b"collected", sent="GET /exc-info-ref",
           expected="the exception collected once start_response returned",
           got="something still held the exception" if response.body == b"alive"
           else f"status {response.status}, body {response.body[:80]!r}")
