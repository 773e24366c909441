"""The mutants of URL reconstruction (conformance/requirements/wsgi_url.toml): the environ
variables the PEP's recipe rebuilds the request's URL from.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(a variable's own requirement is wsgi_environ.py's: the mutant of SERVER_PORT that also breaks
the URL is declared there and here).
"""

from __future__ import annotations

from tests.mutants.declare import breaks
from tests.mutants.wsgi_environ import server_port_from_host
from tests.mutants.wsgi_middleware import Environ, environ_mutant, unchanged


@breaks("WSGI-URL-001")
@environ_mutant
def host_dropped_and_port_wrong(environ: Environ) -> None:
    environ.pop("HTTP_HOST", None)
    environ["SERVER_PORT"] = "8081"


server_port_from_host = breaks("WSGI-URL-002")(server_port_from_host)
# wsgiref puts the whole absolute-form URI into PATH_INFO
unchanged = breaks("WSGI-URL-004")(unchanged)
