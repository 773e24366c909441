"""Properties of the WSGI environ and input, over many generated requests (hypothesis).

What the app observes must be exactly what PEP 3333 (and the CGI rules it adopts) say the server
derives from what was sent.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance.clients.raw import RawClient
from conformance.strategies import PROPERTY_SETTINGS, bodies
from conformance.verify import shown, verify


@pytest.mark.requirement("WSGI-IN-012")
@PROPERTY_SETTINGS
@given(body=bodies())
def test_input_yields_exactly_the_body_sent(wsgi: RawClient, body: bytes) -> None:
    response = wsgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    verify(response.body == body, sent=f"POST /echo with {shown(body, 40)}",
           expected=f"the app reads exactly the {len(body)} bytes", got=shown(response.body, 40))
