"""ASGI HTTP request and response bodies (www.rst, "Request", "Response Body").

The probe's /echo scenario answers with every http.request event it received (types, more_body,
body sizes) and the body they add up to; /stream sends its response in several body events.
"""

from __future__ import annotations

import httpx
import pytest

from conformance.verify import shown, verify


@pytest.mark.requirement("ASGI-HTTP-RESP-012")
@pytest.mark.parametrize(("chunks", "size"), [(5, 1000), (50, 7)])
def test_a_response_sent_in_parts_arrives_complete(asgi_http: httpx.Client, chunks: int, size: int) -> None:
    response = asgi_http.get("/stream", params={"chunks": chunks, "size": size})
    expected = b"".join((b"%d" % i).ljust(size, b".") for i in range(chunks))
    verify(response.status_code == 200 and response.content == expected,
           sent=f"GET /stream?chunks={chunks}&size={size}: the app sends {chunks} body events with more_body",
           expected=f"status 200 and the {len(expected)} bytes of all events, in order",
           got=f"status {response.status_code}, {len(response.content)} bytes: {shown(response.content, 60)}")
