"""The mutants of Content-Length and framing (conformance/requirements/wsgi_content_length.toml):
how the server handles the app's Content-Length, frames a body without one, and when it keeps the
connection.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Most of these are the server's own duties: wsgiref breaks some itself (declared here as
``unchanged``), the others are shims (wsgi_shims.py). The server that holds the whole body back
is wsgi_buffering.py's, declared there and here.
"""

from __future__ import annotations

from tests.mutants.declare import breaks
from tests.mutants.wsgi_buffering import blocks_held_back
from tests.mutants.wsgi_middleware import unchanged

# wsgiref itself sends every byte the app gives, 204 included
unchanged = breaks("WSGI-CL-001")(unchanged)
# wsgiref itself goes on iterating past the app's Content-Length (so does every server tried)
unchanged = breaks("WSGI-CL-002")(unchanged)
unchanged = breaks("WSGI-CL-008")(unchanged)
unchanged = breaks("WSGI-CL-009")(unchanged)
# wsgiref derives a Content-Length from the held-back one-item body
blocks_held_back = breaks("WSGI-CL-005", observes="the server computed")(blocks_held_back)
