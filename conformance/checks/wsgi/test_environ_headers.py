"""PEP 3333 (and the CGI and HTTP rules it relies on), environ: how request headers become HTTP_
variables, and the variables a server adds of its own.

Every check sends exact bytes with the raw client to the WSGI probe app's /environ scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from conformance.clients.raw import RawClient
from conformance.probing import fetch_environ
from conformance.verify import verify

PEP_KEYS = {"wsgi.version", "wsgi.url_scheme", "wsgi.input", "wsgi.errors", "wsgi.multithread",
            "wsgi.multiprocess", "wsgi.run_once", "wsgi.file_wrapper"}


@pytest.mark.requirement("WSGI-ENV-097")
def test_server_defined_variables_are_spelled_in_lower_case(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The keys with a dot other than the PEP's own: lower-case letters, digits, dots, underscores."""
    environ, _ = fetch_environ(wsgi, "/environ", method="POST", body=b"x")
    extra = sorted(key for key in environ if "." in key and key not in PEP_KEYS)
    badly_spelled = [key for key in extra if not re.fullmatch(r"[a-z0-9_.]+", key)]
    in_wsgi_namespace = [key for key in extra if key.startswith("wsgi.")]
    observe(f"server-defined variables: {', '.join(extra) or 'none'}"
            + (f"; in the wsgi. namespace: {', '.join(in_wsgi_namespace)}" if in_wsgi_namespace else ""))
    verify(not badly_spelled, sent="POST /environ", expected="every server-defined key in [a-z0-9_.]",
           got=f"spelled otherwise: {badly_spelled}")


