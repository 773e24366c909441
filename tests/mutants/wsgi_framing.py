"""The mutants of Content-Length and framing (conformance/requirements/wsgi_framing.toml): how the
server frames the body the app gives, and when it keeps the connection.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Most of these are the server's own duties: wsgiref breaks some itself (declared here as
``unchanged``), the others are shims (wsgi_shims.py).
"""

from __future__ import annotations

from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import unchanged
from tests.mutants.wsgi_streaming import blocks_held_back

# wsgiref itself sends every byte the app gives, 204 included
unchanged = breaks("WSGI-CL-001")(unchanged)
unchanged = breaks("WSGI-CL-008")(unchanged)
unchanged = breaks("WSGI-CL-009")(unchanged)
# wsgiref derives a Content-Length from the held-back one-item body
blocks_held_back = breaks("WSGI-CL-005", observes="the server computed")(blocks_held_back)
