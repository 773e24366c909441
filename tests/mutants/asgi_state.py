"""The mutants of the lifespan state (conformance/requirements/asgi_state.toml): the dict the app
fills at startup, and the copy of it every scope carries.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware,
whichever scope's state it changes (the websocket scope's are built from ws_middleware.py).
"""

from __future__ import annotations

from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import scope_change

ws_state_not_copied = breaks("ASGI-STATE-003")(scope_change(lambda scope: scope.update(state={})))
ws_state_missing = breaks("ASGI-STATE-007")(scope_change(lambda scope: scope.pop("state", None)))
