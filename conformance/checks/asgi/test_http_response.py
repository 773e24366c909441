"""ASGI HTTP responses on the wire (www.rst, "Response Start", "Response Body"; RFC 9110/9112
where HTTP itself decides), over HTTP/1.1 and over HTTP/2, and an app that returns without a
response (www.rst, "HTTP Connection Scope").

The probe's /respond scenario sends the status, headers and body the query string asks for;
/stream sends a body in parts with a pause between them; /linger goes on after its final body
event; /silent returns without sending anything (see responses.py). The HTTP/2 checks talk h2c
(see http2.py), and those taking over_h2 also TLS where ALPN picks h2.
"""

from __future__ import annotations

import base64
import gzip
import time
from collections.abc import Callable
from urllib.parse import quote

import httpx
import pytest
from h2.exceptions import InvalidBodyLengthError

from conformance.checks.asgi.http2 import h2
from conformance.checks.asgi.responses import ENDED_WAIT, WAIT, ended_by_the_server, verify_raised
from conformance.checks.launching import TlsServer, TlsServers, trusting
from conformance.checks.wire import (
    gap_between_parts,
    is_next_response_or_nothing,
    read_head,
    read_one,
    what_follows,
)
from conformance.clients.h2 import H2Request, H2Response, NoHTTP2, alpn_context, exchange
from conformance.clients.raw import RawClient, Response, build_request
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.verify import shown, verify


def respond_target(status: int = 200, body: str = "", headers: tuple[tuple[str, str], ...] = (),
                   **extra: str) -> str:
    query = [f"status={status}", f"body={quote(body)}"]
    query += [f"header={quote(f'{name}:{value}')}" for name, value in headers]
    query += [f"{key}={value}" for key, value in extra.items()]
    return "/respond?" + "&".join(query)


def probe_header_lines(response: Response) -> list[tuple[bytes, bytes]]:
    return [(name.lower(), value) for name, value in response.headers if name.lower().startswith(b"x-probe-")
            and name.lower() != b"x-probe-pid"]


@pytest.mark.requirement("ASGI-HTTP-RESP-001")
@pytest.mark.parametrize("status", [200, 201, 202, 301, 404, 418, 422, 500, 503])
def test_the_status_line_carries_the_apps_status(asgi: RawClient, status: int) -> None:
    headers = (("location", "/elsewhere"),) if status == 301 else ()
    response = asgi.request("GET", respond_target(status, "status body", headers, length="1"))
    verify(response.status == status, sent=f"GET {respond_target(status, 'status body', headers, length='1')}",
           expected=f"status {status} on the status line", got=f"status {response.status}")


@pytest.mark.requirement("ASGI-HTTP-RESP-002")
def test_response_headers_keep_the_apps_order(asgi: RawClient, observe: Callable[[str], None]) -> None:
    """Informational on the order across names (HTTP gives it no meaning; see the catalogue note)."""
    sent = (("x-probe-a", "1"), ("x-probe-b", "2"), ("x-probe-a", "3"), ("x-probe-c", "4"), ("x-probe-a", "5"))
    response = asgi.request("GET", respond_target(200, "ordered", sent, length="1"))
    got = probe_header_lines(response)
    expected = [(n.encode(), v.encode()) for n, v in sent]
    observe("response header lines across names: " + ("in the app's order" if got == expected else
                                                      f"reordered to {[n.decode() for n, _ in got]}"))
    per_name = {name: [v for n, v in got if n == name] for name, _ in expected}
    verify(per_name == {name: [v for n, v in expected if n == name] for name, _ in expected},
           sent="GET /respond: the app sends x-probe-a: 1, x-probe-b: 2, x-probe-a: 3, x-probe-c: 4, x-probe-a: 5",
           expected="each header's lines in the app's order, none lost or joined (x-probe-a: 1, 3, 5)",
           got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-RESP-004")
def test_set_cookie_headers_stay_separate_lines(asgi: RawClient) -> None:
    cookies = ("a=1; Path=/", "b=2; HttpOnly", "c=3")
    response = asgi.request("GET", respond_target(200, "cookies", tuple(("set-cookie", c) for c in cookies),
                                                  length="1"))
    got = response.header_values("set-cookie")
    expected = [c.encode() for c in cookies]
    verify(got == expected, sent=f"GET /respond: the app sends three set-cookie headers {list(cookies)}",
           expected=f"three Set-Cookie lines, each one cookie, in order: {expected}", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-RESP-003")
def test_a_start_without_headers_gives_a_valid_response(asgi: RawClient) -> None:
    response = asgi.request("GET", respond_target(200, "no headers key", omit="headers"))
    verify(response.status == 200 and response.body == b"no headers key",
           sent="GET /respond: http.response.start with no headers key, then body b'no headers key'",
           expected="a well-formed 200 response with that body",
           got=f"status {response.status}, body {response.body!r}")


@pytest.mark.requirement("ASGI-HTTP-RESP-015")
def test_a_bare_body_event_completes_an_empty_response(asgi: RawClient) -> None:
    response = asgi.request("GET", respond_target(200, omit="body"))
    verify(response.status == 200 and response.body == b"",
           sent="GET /respond: http.response.start, then {'type': 'http.response.body'} and nothing else",
           expected="a complete 200 response with an empty body",
           got=f"status {response.status}, body {response.body!r}")


@pytest.mark.requirement("ASGI-HTTP-RESP-011")
def test_each_part_of_a_stream_arrives_before_the_next_is_sent(asgi: RawClient) -> None:
    """The app sends a 16-byte part, waits 0.5 s, then sends the last part."""
    gap, size = 0.5, 16
    response = asgi.request("GET", f"/stream?chunks=2&size={size}&gap={gap}")
    apart = gap_between_parts(response.chunks, size)
    verify(response.body == b"0" + b"." * (size - 1) + b"1" + b"." * (size - 1) and apart >= gap / 2,
           sent=f"GET /stream?chunks=2&size={size}&gap={gap}: two body events, {gap} s apart",
           expected=f"the first part on the wire at least {gap / 2:g} s before the second (the app waits {gap} s "
                    "between them)",
           got=f"{apart:.3f} s between the end of the first part and the start of the second; body {response.body!r}")


@pytest.mark.requirement("ASGI-HTTP-RESP-012")
@pytest.mark.parametrize(("chunks", "size"), [(5, 1000), (50, 7)])
def test_a_response_sent_in_parts_arrives_complete(asgi_http: httpx.Client, chunks: int, size: int) -> None:
    response = asgi_http.get("/stream", params={"chunks": chunks, "size": size})
    expected = b"".join((b"%d" % i).ljust(size, b".") for i in range(chunks))
    verify(response.status_code == 200 and response.content == expected,
           sent=f"GET /stream?chunks={chunks}&size={size}: the app sends {chunks} body events with more_body",
           expected=f"status 200 and the {len(expected)} bytes of all events, in order",
           got=f"status {response.status_code}, {len(response.content)} bytes: {shown(response.content, 60)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-021")
def test_a_head_response_carries_no_body(asgi: RawClient) -> None:
    """The app sends the body it would send for GET, with its Content-Length."""
    target = respond_target(200, "the body a GET would get", length="1")
    with asgi.connect() as sock:
        sock.sendall(b"HEAD %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target.encode())
        head, rest = read_head(sock, WAIT)
        after, _ = what_follows(sock, rest, WAIT)
    verify(head.startswith(b"HTTP/1.1 200") and is_next_response_or_nothing(after),
           sent=f"HEAD {target}, then GET /ready on the same connection",
           expected="a 200 header section, then no body bytes: the next bytes are the next response's status line "
                    "(or the connection closes)",
           got=f"header section {shown(head, 120)}, then {shown(after, 120)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-022")
@pytest.mark.parametrize("status", [204, 304])
@pytest.mark.parametrize("app_body", ["", "a body the status forbids"], ids=["app-sends-none", "app-sends-one"])
def test_a_204_or_304_response_carries_no_body(asgi: RawClient, status: int, app_body: str) -> None:
    target = respond_target(status, app_body)
    with asgi.connect() as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target.encode())
        head, rest = read_head(sock, WAIT)
        after, _ = what_follows(sock, rest, WAIT)
    # A Transfer-Encoding field alone is no body (a 304 may carry it): only the bytes after the head count.
    verify(head.startswith(b"HTTP/1.1 %d" % status) and is_next_response_or_nothing(after),
           sent=f"GET {target} (the app sends status {status} and body {app_body!r}), then GET /ready on the "
                "same connection",
           expected=f"a {status} header section, then nothing but the next response (no body, no chunked "
                    "framing; or the connection closes)",
           got=f"header section {shown(head, 160)}, then {shown(after, 120)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-016")
def test_a_body_sent_after_the_response_completed_goes_nowhere(asgi: RawClient, recorder: Recorder,
                                                               observe: Callable[[str], None]) -> None:
    token = recorder.new_token()
    with asgi.connect() as sock:
        sock.sendall(build_request("GET", "/send-after-complete", [(TOKEN_HEADER, token)]))
        _, body, rest = read_one(sock, WAIT)
        outcome = recorder.wait_for(token, "send-after-complete", timeout=WAIT)[0].data
        after, _ = what_follows(sock, rest, WAIT)
    observe("send() of a body event after the response completed "
            + (f"raised {outcome['raised']}" if outcome.get("raised") else "returned without raising"))
    verify(body == b"complete" and b"EXTRA" not in after and is_next_response_or_nothing(after),
           sent="GET /send-after-complete (a complete response b'complete', then one more body event "
                "b'EXTRA-BYTES-AFTER-COMPLETE'), then GET /ready on the same connection",
           expected="the body b'complete', then only the next response (or the connection closes); the extra "
                    "event never on the wire",
           got=f"body {body!r}, then {shown(after, 160)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-023")
def test_an_app_that_returns_without_a_response_does_not_leave_the_client_waiting(
        asgi: RawClient, observe: Callable[[str], None]) -> None:
    answer = ended_by_the_server(asgi, "/silent")
    observe(f"app returned without responding: {answer}")
    verify(answer != "hang", sent="GET /silent (the app reads the request and returns without sending anything)",
           expected="an error response, or the connection closed", got=f"neither within {ENDED_WAIT:g} s")


@pytest.mark.requirement("ASGI-HTTP-RESP-005")
def test_a_transfer_encoding_header_from_the_app_does_not_change_the_body(asgi: RawClient) -> None:
    target = respond_target(200, "hello, plain body", (("transfer-encoding", "chunked"),))
    with asgi.connect() as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target.encode())
        _, body, rest = read_one(sock, WAIT)
        after, _ = what_follows(sock, rest, WAIT)
    verify(body == b"hello, plain body" and is_next_response_or_nothing(after),
           sent=f"GET {target} (the app sends transfer-encoding: chunked and the plain body b'hello, plain body')",
           expected="the body b'hello, plain body', then the next response on the connection (or a close)",
           got=f"body {body!r}, then {shown(after, 120)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-007")
def test_a_stream_to_an_http_1_0_client_has_no_chunked_framing(asgi: RawClient) -> None:
    response = asgi.request("GET", "/stream?chunks=3&size=8", http_version="1.0")
    expected = b"0.......1.......2......."
    chunked = [v for v in response.header_values("transfer-encoding") if b"chunked" in v.lower()]
    verify(response.body == expected and not chunked,
           sent="GET /stream?chunks=3&size=8 HTTP/1.0 (three body events, no Content-Length)",
           expected=f"the body {expected!r}, delimited without Transfer-Encoding: chunked",
           got=f"body {response.body!r}, transfer-encoding {response.header_values('transfer-encoding')}")


@pytest.mark.requirement("ASGI-HTTP-RESP-008")
def test_a_body_the_app_encoded_arrives_unchanged(asgi: RawClient) -> None:
    encoded = gzip.compress(b"the app compressed this itself " * 20, mtime=0)
    target = respond_target(200, headers=(("content-encoding", "gzip"),), body64=quote(base64.b64encode(encoded)),
                            length="1")
    response = asgi.request("GET", target, [("Accept-Encoding", "identity")])
    verify(response.body == encoded and response.header_values("content-encoding") == [b"gzip"],
           sent="GET /respond: the app sends content-encoding: gzip and a gzip body it made",
           expected=f"content-encoding: gzip and the {len(encoded)} gzip bytes unchanged",
           got=f"content-encoding {response.header_values('content-encoding')}, body {shown(response.body, 60)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-009")
def test_a_body_in_parts_under_the_apps_content_length_is_framed_by_it(asgi: RawClient) -> None:
    with asgi.connect() as sock:
        sock.sendall(b"GET /stream?chunks=2&size=5&length=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head, rest = read_head(sock, WAIT)
        after, _ = what_follows(sock, rest, WAIT)
    lines = head.lower().split(b"\r\n")
    framed = b"content-length: 10" in lines and not any(line.startswith(b"transfer-encoding:") for line in lines)
    verify(framed and after.startswith(b"0....1....") and is_next_response_or_nothing(after[10:]),
           sent="GET /stream?chunks=2&size=5&length=1 (content-length: 10, then two 5-byte body events), then "
                "GET /ready on the same connection",
           expected="Content-Length: 10 and no Transfer-Encoding, exactly the 10 bytes, then the next response "
                    "(or a close)",
           got=f"header section {shown(head, 200)}, then {shown(after, 120)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-013")
def test_an_empty_part_does_not_end_the_response(asgi: RawClient) -> None:
    response = asgi.request("GET", "/stream?chunks=3&size=8&empty=1")
    expected = b"0.......1.......2......."
    verify(response.body == expected,
           sent="GET /stream?chunks=3&size=8&empty=1 (an empty body event with more_body between the parts)",
           expected=f"the whole body {expected!r}", got=repr(response.body))


@pytest.mark.requirement("ASGI-HTTP-RESP-014")
def test_the_final_body_event_completes_the_response_at_once(asgi: RawClient) -> None:
    started = time.monotonic()
    response = asgi.request("GET", "/linger?seconds=2")
    took = time.monotonic() - started
    verify(response.body == b"complete" and took < 1.0,
           sent="GET /linger?seconds=2 (the app sends its final body event, then goes on for 2 s)",
           expected="the complete response within 1 s, before the app returns",
           got=f"body {response.body!r} after {took:.2f} s")


@pytest.mark.requirement("ASGI-HTTP-RESP-019")
@pytest.mark.parametrize(("kind", "what"), [("body-before-start", "http.response.body before any http.response.start"),
                                            ("second-start", "a second http.response.start after the first")],
                         ids=["body-before-start", "second-start"])
def test_send_raises_for_an_event_out_of_order(asgi: RawClient, recorder: Recorder, kind: str, what: str) -> None:
    verify_raised(asgi, recorder, kind, what)


@pytest.mark.requirement("ASGI-HTTP-RESP-006")
def test_a_response_without_content_length_is_framed(asgi: RawClient) -> None:
    with asgi.connect() as sock:
        sock.sendall(b"GET /stream?chunks=3&size=8 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _, body, rest = read_one(sock, WAIT)
        after, _ = what_follows(sock, rest, WAIT)
    verify(body == b"0.......1.......2......." and is_next_response_or_nothing(after),
           sent="GET /stream?chunks=3&size=8 (three body events, no Content-Length), then GET /ready on the same "
                "connection",
           expected="the body, framed so that it ends (chunked, or the connection closed), then the next response "
                    "(or a close)",
           got=f"body {body!r}, then {shown(after, 120)}")


@pytest.mark.requirement("ASGI-HTTP-RESP-010")
def test_when_the_headers_reach_the_wire_is_reported(asgi: RawClient, observe: Callable[[str], None]) -> None:
    """Informational: the app waits 0.3 s between its start and its body."""
    with asgi.connect() as sock:
        sock.sendall(b"GET /stream?chunks=1&size=8&hold=0.3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        started = time.monotonic()
        read_head(sock, WAIT)
        head_after = time.monotonic() - started
    observe("status and headers " + ("sent at http.response.start" if head_after < 0.15 else
                                     f"held until the first body event ({head_after:.2f} s)"))


@pytest.mark.requirement("ASGI-HTTP-RESP-020")
def test_the_start_alone_does_not_end_the_response(asgi: RawClient) -> None:
    response = asgi.request("GET", "/stream?chunks=2&size=8&hold=0.3")
    verify(response.body == b"0.......1.......",
           sent="GET /stream?chunks=2&size=8&hold=0.3 (the start, 0.3 s, then two body events; no Content-Length)",
           expected="one response holding both body events", got=f"body {response.body!r}")


@pytest.mark.requirement("ASGI-HTTP-RESP-018")
def test_a_start_with_trailers_false_completes_normally(asgi: RawClient) -> None:
    target = respond_target(200, "no trailers coming", trailers="0")
    response = asgi.request("GET", target)
    verify(response.body == b"no trailers coming", sent=f"GET {target} (http.response.start with trailers: False)",
           expected="a complete response with the body", got=f"body {response.body!r}")


# --- the response over HTTP/2 (www.rst, "Response Start", "Response Body") ---------------------
# Each check taking over_h2 runs twice: over h2c on the shared instance, and over TLS where ALPN
# picks h2, on the shared TLS instance, started by the adapter's tls launch variant (daphne speaks
# HTTP/2 only there). The others talk h2c only.

H2Exchange = Callable[..., list[H2Response]]


@pytest.fixture(scope="module")
def tls_h2_server(tls_servers: TlsServers) -> TlsServer:
    return tls_servers.server("asgi")


@pytest.fixture(params=["h2c", "tls"])
def over_h2(request: pytest.FixtureRequest) -> H2Exchange:
    """Sends requests at once on one HTTP/2 connection: h2c, or TLS with ALPN h2; skips where the
    server does not speak HTTP/2 that way."""
    if request.param == "h2c":
        server: ServerProcess = request.getfixturevalue("asgi_server")
        return lambda *requests: h2(server, *requests)
    tls_server, ca = request.getfixturevalue("tls_h2_server")

    def over_tls(*requests: H2Request) -> list[H2Response]:
        try:
            return exchange(tls_server.host, tls_server.port, list(requests), tls=alpn_context(trusting(ca)))
        except NoHTTP2 as error:
            pytest.skip(f"not applicable: no HTTP/2 over TLS ({error})")

    return over_tls


def probe_fields(response: H2Response) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in response.headers if name.startswith(b"x-probe-")
            and name != b"x-probe-pid"]


@pytest.mark.requirement("ASGI-HTTP-RESP-001")
@pytest.mark.parametrize("status", [200, 201, 404, 418, 500, 503])
def test_the_status_is_the_apps_over_http2(over_h2: H2Exchange, status: int) -> None:
    response = over_h2(H2Request(path=f"/respond?status={status}&body=status+body&length=1"))[0]
    verify(response.status == status, sent=f"GET /respond?status={status} over HTTP/2",
           expected=f":status {status}", got=f":status {response.status}")


@pytest.mark.requirement("ASGI-HTTP-RESP-002")
def test_response_fields_keep_the_apps_order_over_http2(over_h2: H2Exchange,
                                                        observe: Callable[[str], None]) -> None:
    """Informational on the order across names (HTTP gives it no meaning), as over HTTP/1.1."""
    sent = [(b"x-probe-a", b"1"), (b"x-probe-b", b"2"), (b"x-probe-a", b"3"), (b"x-probe-c", b"4"),
            (b"x-probe-a", b"5")]
    query = "&".join(f"header={name.decode()}:{value.decode()}" for name, value in sent)
    got = probe_fields(over_h2(H2Request(path=f"/respond?body=ordered&length=1&{query}"))[0])
    observe("HTTP/2 response fields across names: " + ("in the app's order" if got == sent else
                                                       f"reordered to {[n.decode() for n, _ in got]}"))
    per_name = {name: [v for n, v in got if n == name] for name, _ in sent}
    verify(per_name == {name: [v for n, v in sent if n == name] for name, _ in sent},
           sent="GET /respond over HTTP/2: the app sends x-probe-a: 1, x-probe-b: 2, x-probe-a: 3, x-probe-c: 4, "
                "x-probe-a: 5",
           expected="each field's values in the app's order, none lost or joined (x-probe-a: 1, 3, 5)",
           got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-RESP-004")
def test_set_cookie_fields_stay_separate_over_http2(asgi_server: ServerProcess) -> None:
    response = h2(asgi_server, H2Request(path="/respond?body=c&header=set-cookie:a%3D1&header=set-cookie:b%3D2"))[0]
    got = response.header_values(b"set-cookie")
    verify(got == [b"a=1", b"b=2"], sent="GET /respond over HTTP/2: the app sends set-cookie a=1 and b=2",
           expected="two set-cookie fields, a=1 then b=2", got=repr(got))


@pytest.mark.requirement("ASGI-HTTP-RESP-011")
def test_each_part_of_a_stream_arrives_before_the_next_over_http2(over_h2: H2Exchange) -> None:
    """The app sends a 16-byte part, waits 0.5 s, then sends the last part."""
    gap, size = 0.5, 16
    response = over_h2(H2Request(path=f"/stream?chunks=2&size={size}&gap={gap}"))[0]
    apart = gap_between_parts(response.chunks, size)
    verify(response.body == b"0" + b"." * (size - 1) + b"1" + b"." * (size - 1) and apart >= gap / 2,
           sent=f"GET /stream?chunks=2&size={size}&gap={gap} over HTTP/2: two body events, {gap} s apart",
           expected=f"the first part in a DATA frame at least {gap / 2:g} s before the second",
           got=f"{apart:.3f} s between the end of the first part and the start of the second; body {response.body!r}")


@pytest.mark.requirement("ASGI-HTTP-RESP-014")
def test_the_final_body_event_ends_the_stream_at_once_over_http2(over_h2: H2Exchange) -> None:
    started = time.monotonic()
    response = over_h2(H2Request(path="/linger?seconds=2"))[0]
    took = time.monotonic() - started
    verify(response.body == b"complete" and took < 1.0,
           sent="GET /linger?seconds=2 over HTTP/2 (the app sends its final body event, then goes on for 2 s)",
           expected="the stream ended with the complete response within 1 s, before the app returns",
           got=f"body {response.body!r} after {took:.2f} s")


@pytest.mark.requirement("ASGI-HTTP-RESP-015")
def test_a_bare_body_event_completes_an_empty_response_over_http2(over_h2: H2Exchange) -> None:
    response = over_h2(H2Request(path="/respond?status=200&omit=body"))[0]
    verify(response.status == 200 and response.body == b"" and response.reset is None,
           sent="GET /respond over HTTP/2: http.response.start, then {'type': 'http.response.body'} and nothing else",
           expected="a complete 200 response (the stream ended, not reset) with an empty body",
           got=f":status {response.status}, body {response.body!r}, reset {response.reset}")


@pytest.mark.requirement("ASGI-HTTP-RESP-021")
def test_a_head_response_carries_no_body_over_http2(over_h2: H2Exchange) -> None:
    """The app sends the body it would send for GET, with its Content-Length."""
    sent = "HEAD /respond over HTTP/2 (the app sends a body and its content-length)"
    expected = "a 200 response with no DATA payload, the stream ended normally"
    try:
        response = over_h2(H2Request(method="HEAD", path="/respond?body=the+body+a+GET+would+get&length=1"))[0]
    except InvalidBodyLengthError as error:  # the client's h2 refuses content for HEAD
        verify(False, sent=sent, expected=expected, got=f"DATA frames with {error.actual_length} bytes of content")
    verify(response.status == 200 and response.body == b"" and response.reset is None, sent=sent, expected=expected,
           got=f":status {response.status}, {len(response.body)} body bytes {response.body[:40]!r}, "
               f"reset {response.reset}")
