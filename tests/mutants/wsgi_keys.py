"""The mutants of the wsgi.* keys (conformance/requirements/wsgi_keys.toml): the keys the server
puts in the environ besides the CGI variables, their types and values, over a plain listener and
over TLS.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Does not belong here: what wsgi.input and wsgi.errors do once there (wsgi_input.py,
wsgi_errors.py: the mutants of theirs that also break a key's requirement are declared here too).
"""

from __future__ import annotations

from tests.configurations import THREADED_WSGI, TWO_PROCESS_WSGI, TWO_PROCESS_WSGI_VARIANTS
from tests.mutants.declare import breaks
from tests.mutants.wsgi_errors import errors_without_writelines
from tests.mutants.wsgi_middleware import drop, environ_mutant
from tests.mutants.wsgi_strings import input_returns_bytearray

run_once_missing = breaks("WSGI-KEY-001")(environ_mutant(drop("wsgi.run_once")))
version_as_list = breaks("WSGI-KEY-002")(environ_mutant(lambda e: e.update({"wsgi.version": [1, 0]})))
url_scheme_https = breaks("WSGI-KEY-003", only=["test_url_scheme_is_http_on_a_plain_listener"])(
    environ_mutant(lambda e: e.update({"wsgi.url_scheme": "https"}))
)
input_returns_bytearray = breaks("WSGI-KEY-004")(input_returns_bytearray)
errors_without_writelines = breaks("WSGI-KEY-005")(errors_without_writelines)
multithread_false = breaks("WSGI-KEY-006", server=THREADED_WSGI)(
    environ_mutant(lambda e: e.update({"wsgi.multithread": False}))
)
multiprocess_false = breaks("WSGI-KEY-007", server=TWO_PROCESS_WSGI)(
    environ_mutant(lambda e: e.update({"wsgi.multiprocess": False}))
)
run_once_true = breaks("WSGI-KEY-008")(environ_mutant(lambda e: e.update({"wsgi.run_once": True})))
input_terminated_set = breaks("WSGI-KEY-010", observes="= True")(
    environ_mutant(lambda e: e.update({"wsgi.input_terminated": True}))
)

# --- over TLS (gunicorn's launch variant) -----------------------------------------------------------

url_scheme_http = breaks("WSGI-KEY-003", only=["test_url_scheme_is_https_over_tls"], server=TWO_PROCESS_WSGI,
                         variants=TWO_PROCESS_WSGI_VARIANTS)(
    environ_mutant(lambda e: e.update({"wsgi.url_scheme": "http"}))
)
