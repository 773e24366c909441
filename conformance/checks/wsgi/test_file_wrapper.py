"""PEP 3333, wsgi.file_wrapper: the file goes out whole, from its current position, no further
than the app's Content-Length, only when the app returns the wrapper, and the file is closed.

/file wraps FILE_DATA (256 byte values, 40 times: 10240 bytes) and records the file's close().
A server without wsgi.file_wrapper answers 404 there: every check is then not applicable.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from conformance.checks.wire import Exchange
from conformance.clients.raw import RawClient, Response, WireError
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.verify import shown, verify

FILE_DATA = bytes(range(256)) * 40
# 10 KiB from memory or a local file go out in milliseconds: a response not complete within this
# is one the server never ends (a wait, not a pace; the shared client's 5 s is for slower work).
PROMPT = 3.0


@pytest.fixture
def wsgi(wsgi_server: ServerProcess) -> RawClient:
    """The raw client of conftest.py, with the shorter deadline of these small responses."""
    return RawClient(wsgi_server.host, wsgi_server.port, timeout=PROMPT)


def served(response: Response) -> Response:
    if response.status == 404 and response.body == b"no wsgi.file_wrapper":
        pytest.skip("not applicable: the server offers no wsgi.file_wrapper")
    return response


@pytest.mark.requirement("WSGI-FW-006")
@pytest.mark.parametrize("query", ["kind=real", "kind=bytesio", "kind=plain", "kind=real&blksize=1000"],
                         ids=["real-file", "bytesio", "read-and-close-only", "with-block-size"])
def test_the_file_wrapper_sends_the_whole_file(wsgi: RawClient, query: str) -> None:
    response = served(wsgi.request("GET", f"/file?{query}"))
    verify(response.body == FILE_DATA, sent=f"GET /file?{query}", expected=f"the file's {len(FILE_DATA)} bytes",
           got=f"status {response.status}, {len(response.body)} bytes: {shown(response.body, 40)}")


@pytest.mark.requirement("WSGI-FW-004")
def test_a_wrapper_the_app_does_not_return_sends_nothing(wsgi: RawClient) -> None:
    """The app wraps the file, then returns another body."""
    response = served(wsgi.request("GET", "/file?unused=1"))
    verify(response.body == b"other body", sent="GET /file?unused=1", expected="body b'other body' only",
           got=f"{len(response.body)} bytes: {shown(response.body, 40)}")


@pytest.mark.requirement("WSGI-FW-005")
@pytest.mark.parametrize("kind", ["real", "plain"], ids=["real-file", "read-and-close-only"])
def test_the_file_is_closed(wsgi: RawClient, recorder: Recorder, kind: str) -> None:
    token = recorder.new_token()
    served(wsgi.request("GET", f"/file?kind={kind}", [(TOKEN_HEADER, token)]))
    closes = recorder.wait_for(token, "file-close", timeout=5.0)
    verify(len(closes) >= 1, sent=f"GET /file?kind={kind}", expected="the file's close() called", got="it was")


@pytest.mark.requirement("WSGI-FW-007")
@pytest.mark.parametrize("kind", ["real", "bytesio"], ids=["real-file", "bytesio"])
def test_transmission_starts_at_the_current_position(wsgi: RawClient, kind: str) -> None:
    """The app seeks to byte 100 before it wraps the file."""
    response = served(wsgi.request("GET", f"/file?kind={kind}&seek=100"))
    verify(response.body == FILE_DATA[100:], sent=f"GET /file?kind={kind}&seek=100",
           expected=f"the file from byte 100: {len(FILE_DATA) - 100} bytes",
           got=f"{len(response.body)} bytes, starting {shown(response.body, 16)}")


@pytest.mark.requirement("WSGI-FW-008")
def test_transmission_stops_at_content_length(wsgi: RawClient) -> None:
    """From byte 100, with Content-Length: 50 from the app."""
    with Exchange(wsgi, "GET", "/file?kind=real&seek=100&cl=50") as exchange:
        response = served(exchange.response())
        ok, follow_up = exchange.follow_up(response)
    verify(response.body == FILE_DATA[100:150] and ok, sent="GET /file?kind=real&seek=100&cl=50, then GET /ready "
           "on the same connection", expected="bytes 100 to 149 of the file, and nothing after them",
           got=f"{len(response.body)} bytes ({'right' if response.body == FILE_DATA[100:150] else 'wrong'}); "
               f"{follow_up}")


@pytest.mark.requirement("WSGI-FW-009")
def test_a_content_length_from_the_file_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    response = served(wsgi.request("GET", "/file?kind=real&seek=100"))
    length = response.header("Content-Length")
    if length is None:
        observe("no Content-Length derived from the file")
    else:
        right = length == str(len(FILE_DATA) - 100).encode()
        observe(f"Content-Length {length.decode('latin-1')} derived from the file "
                + ("(right: the size less the position)" if right else f"(wrong: {len(FILE_DATA) - 100} remain)"))


@pytest.mark.requirement("WSGI-FW-001")
def test_whether_a_file_wrapper_is_offered_is_reported(wsgi_http: httpx.Client, observe: Callable[[str], None]) -> None:
    info = wsgi_http.get("/file-info").json()
    observe(("wsgi.file_wrapper offered" + ("" if info["callable"] else " (but not callable)")) if info["present"]
            else "no wsgi.file_wrapper")


@pytest.mark.requirement("WSGI-FW-003")
def test_the_file_wrapper_is_an_iterable_the_app_can_iterate(wsgi: RawClient) -> None:
    """The app iterates wsgi.file_wrapper(BytesIO(file)) itself, as middleware may, and returns
    the joined blocks."""
    response = served(wsgi.request("GET", "/file-iterated"))
    verify(response.status == 200 and response.body == FILE_DATA, sent="GET /file-iterated",
           expected=f"the file's {len(FILE_DATA)} bytes, as the app's iteration of the wrapper gave them",
           got=f"status {response.status}, {len(response.body)} bytes: {shown(response.body, 60)}")


@pytest.mark.requirement("WSGI-FW-010")
def test_a_file_wrapper_response_is_the_same_as_a_read_loop(wsgi: RawClient) -> None:
    """The app answers 203 with Content-Type application/x-probe and X-Probe-Fw, and a file's
    contents: once through the wrapper, once through iter(lambda: file.read(8192), b'')."""
    wrapped = served(wsgi.request("GET", "/file-semantics?via=wrapper"))
    looped = wsgi.request("GET", "/file-semantics?via=loop")

    def seen(response: Response) -> tuple[int, bytes | None, bytes | None, bytes]:
        return response.status, response.header("Content-Type"), response.header("X-Probe-Fw"), response.body

    verify(seen(wrapped) == seen(looped) and looped.body == FILE_DATA,
           sent="GET /file-semantics?via=wrapper, then via=loop",
           expected="the same status, Content-Type, X-Probe-Fw and body both ways (203, application/x-probe, kept, "
                    "the file)",
           got=f"wrapper: {seen(wrapped)[:3]} and {len(wrapped.body)} bytes; "
               f"read loop: {seen(looped)[:3]} and {len(looped.body)} bytes"
               + ("" if wrapped.body == looped.body else "; the bodies differ"))


@pytest.mark.requirement("WSGI-FW-002")
@pytest.mark.parametrize("query", ["kind=bytesio", "kind=bytesio&blksize=1000"], ids=["file-only", "with-block-size"])
def test_the_file_wrapper_takes_its_arguments_positionally(wsgi: RawClient, query: str) -> None:
    """wsgi.file_wrapper(BytesIO(file)), or wsgi.file_wrapper(BytesIO(file), 1000)."""
    response = served(wsgi.request("GET", f"/file?{query}"))
    verify(response.status == 200 and response.body == FILE_DATA, sent=f"GET /file?{query}",
           expected=f"status 200 and the file's {len(FILE_DATA)} bytes (the call was accepted)",
           got=f"status {response.status}, {len(response.body)} bytes: {shown(response.body, 40)}")


@pytest.mark.requirement("WSGI-FW-011")
def test_which_file_methods_the_wrapper_uses_is_reported(wsgi: RawClient, recorder: Recorder,
                                                         observe: Callable[[str], None]) -> None:
    """A real file on disk is wrapped and returned; it records each name the server looks up on it."""
    token = recorder.new_token()
    try:
        served(wsgi.request("GET", "/file?kind=real", [(TOKEN_HEADER, token)]))
    except WireError:
        pass  # a response that does not end is WSGI-FW-006's business
    try:
        recorder.wait_for(token, "file-close", timeout=3.0)
    except RecordTimeout:
        pass  # never closed: WSGI-FW-005's business; what was looked up until then is still told
    names = sorted({r.data["name"] for r in recorder.records(token) if r.event == "file-attribute"})
    others = [name for name in names if name != "read"]
    observe("the file wrapper used only read()" if names == ["read"] else
            "the file wrapper looked up nothing on the file" if not names else
            f"the file wrapper looked up {', '.join(others)}" + (" besides read()" if "read" in names else
                                                                ", and never read()"))
