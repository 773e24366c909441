"""Mutants of the debug extension: each breaks a requirement of conformance/requirements/asgi_debug.toml
(http.response.debug, which a server should not offer), and is declared beside its middleware.

Belongs here: the mutants of that catalogue file. Does not belong here: another extension (the
module of its own catalogue file: asgi_pathsend.py, asgi_tls.py, ...), the extensions dict itself
(the core rules, asgi_core.py), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

from tests.mutants.asgi_middleware import scope_mutant, with_extensions
from tests.mutants.declare import breaks

debug_extension_offered = breaks("ASGI-EXT-DEBUG-001")(scope_mutant(with_extensions(**{"http.response.debug": {}})))
