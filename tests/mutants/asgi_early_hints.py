"""Mutants of early hints: each breaks a requirement of conformance/requirements/asgi_early_hints.toml
(http.response.early_hint), and is declared beside its middleware.

Belongs here: the mutants of that catalogue file: over HTTP/2 on hypercorn (which offers early
hints), and over HTTP/1.1 the faults put into the emulation on uvicorn
(tests/emulations/early_hints.py). Does not belong here: another extension (the module of its own
catalogue file), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

from tests.configurations import HYPERCORN
from tests.emulations import early_hints
from tests.mutants.asgi_middleware import Message, http_mutant, scope_mutant, sends
from tests.mutants.declare import breaks

early_hint_not_advertised = breaks("ASGI-EXT-EARLYHINT-001", observes="early_hint not advertised", server=HYPERCORN)(
    scope_mutant(lambda scope: (scope.get("extensions") or {}).pop("http.response.early_hint", None)))
_hints_dropped = sends(lambda m: None if m["type"] == "http.response.early_hint" else m)
early_hints_ignored = breaks("ASGI-EXT-EARLYHINT-002", server=HYPERCORN)(
    http_mutant(_hints_dropped, path="/early-hint"))
early_hints_dropped = breaks(
    "ASGI-EXT-EARLYHINT-005", server=HYPERCORN,
    observes="two early hints before the response start: send() accepted it; 103 responses with Link none")(
    http_mutant(_hints_dropped, path="/early-hint"))


def _body_lost(message: Message) -> Message:
    return {**message, "body": b""} if message["type"] == "http.response.body" else message


early_hint_spoils_the_response = breaks("ASGI-EXT-EARLYHINT-004")(early_hints.emulation(after_a_hint=_body_lost))
