"""The http.response.early_hint extension (extensions.rst, "Early Hints"): whether the HTTP/2 scope
advertises it (reported), and where it does, the hint reaching the client as a 103, and what two
hints in a row do (reported); over HTTP/1.1, where that scope advertises it, whether a hint is
sent (reported) and the response still completes.

The HTTP/2 checks talk h2c (see http2.py). The probe's /early-hint sends its hint before or after
the response start, as the query string says (the order is disputed, see ASGI-EXT-EARLYHINT-005),
or answers 501 where the scope does not advertise the extension.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.asgi.gating import extensions_of
from conformance.checks.asgi.http2 import h2, scope_of
from conformance.checks.wire import parse, read_until_closed
from conformance.clients.h2 import H2Request
from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.verify import shown, verify

EARLY_HINT_LINK = b"</probe.css>; rel=preload; as=style"  # the probe's /early-hint


@pytest.mark.requirement("ASGI-EXT-EARLYHINT-001")
def test_whether_early_hints_are_offered_is_reported(asgi_server: ServerProcess,
                                                      observe: Callable[[str], None]) -> None:
    scope = scope_of(h2(asgi_server, H2Request(path="/scope"))[0])
    offered = "http.response.early_hint" in (scope.get("extensions") or {})
    observe("http.response.early_hint " + ("advertised" if offered else "not advertised") + " over HTTP/2")


@pytest.mark.requirement("ASGI-EXT-EARLYHINT-002")
def test_an_early_hint_reaches_the_client_as_a_103(asgi_server: ServerProcess) -> None:
    """Both orders are tried (before and after the response start, see ASGI-EXT-EARLYHINT-005): either
    one giving a 103 with the app's Link passes."""
    got = {}
    for when in ("before", "after"):
        response = h2(asgi_server, H2Request(path=f"/early-hint?when={when}"))[0]
        if response.status == 501:
            pytest.skip("not applicable: the server does not advertise http.response.early_hint over HTTP/2")
        got[when] = [dict(block).get(b"link") for block in response.informational
                     if dict(block).get(b":status") == b"103"]
    verify(any(EARLY_HINT_LINK in links for links in got.values()),
           sent="GET /early-hint over HTTP/2, once with the hint before the response start, once after it",
           expected=f"a 103 (in either order) whose Link is {EARLY_HINT_LINK!r}",
           got="; ".join(f"{when}: 103 Links {links or 'none'}" for when, links in got.items()))


@pytest.mark.requirement("ASGI-EXT-EARLYHINT-004")
@pytest.mark.parametrize("when", ["before", "after"])
def test_whether_an_early_hint_over_http_1_1_is_sent_is_reported(asgi: RawClient, when: str,
                                                                 observe: Callable[[str], None]) -> None:
    """Where the HTTP/1.1 scope advertises http.response.early_hint; the hint goes before or after
    the response start (the order is disputed, see ASGI-EXT-EARLYHINT-005)."""
    if "http.response.early_hint" not in (extensions_of(asgi) or {}):
        pytest.skip("not applicable: the server does not advertise http.response.early_hint over HTTP/1.1")
    target = f"/early-hint?when={when}"
    with asgi.connect() as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % target.encode())
        data, _ = read_until_closed(sock, 5.0)
    heads = [block for block in data.split(b"\r\n\r\n") if block.startswith(b"HTTP/1.1 103")]
    links = [line.split(b":", 1)[1].strip() for head in heads for line in head.split(b"\r\n")[1:]
             if line.lower().startswith(b"link:")]
    status, body, complete = parse(data)
    observe(f"over HTTP/1.1, early hint {when} the response start: {len(heads)} 103 response(s), "
            f"Link {links or 'none'}; {body.decode(errors='replace')!r}")
    verify(status == 200 and complete and body.startswith(b"early hint "),
           sent=f"GET {target} over HTTP/1.1, Connection: close",
           expected="any number of 103 responses (ignoring the hint is allowed), then the complete 200 response",
           got=f"final status {status}, {'complete' if complete else 'incomplete'}, body {shown(body, 60)}")


@pytest.mark.requirement("ASGI-EXT-EARLYHINT-005")
@pytest.mark.parametrize("when", ["before", "after"])
def test_what_an_early_hint_does_is_reported(asgi_server: ServerProcess, when: str,
                                             observe: Callable[[str], None]) -> None:
    """Two hints in a row ("at any time (and multiple times)")."""
    response = h2(asgi_server, H2Request(path=f"/early-hint?when={when}&times=2"))[0]
    if response.status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.early_hint over HTTP/2")
    hints = [dict(block).get(b"link") for block in response.informational if dict(block).get(b":status") == b"103"]
    outcome = response.body.removeprefix(b"early hint ").decode(errors="replace")
    verdict = "accepted it" if outcome == "accepted" else f"raised {outcome}"
    observe(f"two early hints {when} the response start: send() {verdict}; 103 responses with Link "
            f"{hints or 'none'}")
