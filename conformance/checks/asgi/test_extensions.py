"""ASGI extensions that show over HTTP/1.1 (extensions.rst, tls.rst): what the scope advertises,
and http.response.pathsend and http.response.early_hint (over HTTP/1.1) where they are advertised.

The probe's /scope shows scope["extensions"]; /pathsend sends a file of known bytes with
http.response.pathsend, or answers 501 when the scope does not advertise the extension.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.asgi.gating import extensions_of
from conformance.checks.wire import (
    parse,
    read_until_closed,
)
from conformance.clients.raw import RawClient
from conformance.verify import shown, verify


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
