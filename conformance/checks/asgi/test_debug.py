"""The http.response.debug extension (extensions.rst, "Debug"): meant for testing only, so a
server should not offer it. The probe's /scope shows scope["extensions"].
"""

from __future__ import annotations

import pytest

from conformance.checks.asgi.gating import extensions_of
from conformance.clients.raw import RawClient
from conformance.verify import verify


@pytest.mark.requirement("ASGI-EXT-DEBUG-001")
def test_the_debug_extension_is_not_offered(asgi: RawClient) -> None:
    extensions = extensions_of(asgi) or {}
    verify("http.response.debug" not in extensions, sent="GET /scope",
           expected="no 'http.response.debug' in scope['extensions']", got=repr(extensions))
