"""The mutants of the HTTP_ variables (conformance/requirements/wsgi_http_variables.toml): how the
request's header fields reach the environ (their names, repeated and folded fields, their values,
the ones a server may leave out), and what the OS environment adds to them.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Does not belong here: the CGI variables (wsgi_environ.py), even those that come from a header
(CONTENT_TYPE, CONTENT_LENGTH).
"""

from __future__ import annotations

from tests.mutants import http_parsing as fronts  # (not `launch` itself: the registry reads a module's own)
from tests.mutants.declare import allows, breaks
from tests.mutants.wsgi_middleware import Environ, drop, environ_mutant, unchanged

# What a server that copies os.environ into every environ does when HTTP_X_PROBE_A is set there.
http_variable_from_os_environ = breaks("WSGI-HV-001")(
    environ_mutant(lambda e: e.update(HTTP_X_PROBE_A=e.get("HTTP_X_PROBE_A", "leaked")))
)


@breaks("WSGI-HV-002")
@environ_mutant
def header_names_keep_dashes(environ: Environ) -> Environ:
    return {("HTTP_" + k[5:].replace("_", "-") if k.startswith("HTTP_") else k): v for k, v in environ.items()}


repeated_header_last_wins = breaks("WSGI-HV-003")(environ_mutant(
    lambda e: e.update(HTTP_X_DUP=e["HTTP_X_DUP"].split(",")[-1].strip()) if "HTTP_X_DUP" in e else None
))


@breaks("WSGI-HV-006")
@environ_mutant
def header_value_utf8_decoded(environ: Environ) -> None:
    for key in [k for k in environ if k == "HTTP_X_SNOW" or k.startswith("HTTP_X_PROBE_")]:
        environ[key] = environ[key].encode("latin-1").decode("utf-8", "replace")


host_lowercased_or_empty = breaks("WSGI-HV-007")(
    environ_mutant(lambda e: e.update(HTTP_HOST=e.get("HTTP_HOST", "").lower()))
)
# wsgiref merges X_Auth_User into HTTP_X_AUTH_USER; the mutant drops it
underscore_header_dropped = breaks("WSGI-HV-008", observes="dropped")(environ_mutant(
    lambda e: e.update(HTTP_X_AUTH_USER=e["HTTP_X_AUTH_USER"].split(",")[0]) if "HTTP_X_AUTH_USER" in e else None
))


@breaks("WSGI-HV-009", observes="removed HTTP_CONNECTION")
@environ_mutant
def hop_by_hop_removed(environ: Environ) -> None:
    for key in ("HTTP_CONNECTION", "HTTP_KEEP_ALIVE", "HTTP_TE", "HTTP_UPGRADE"):
        environ.pop(key, None)


authorization_removed = breaks("WSGI-HV-010", observes="removed")(environ_mutant(drop("HTTP_AUTHORIZATION")))
# wsgiref copies its OS environment, HTTP_ variables included
unchanged = breaks("WSGI-HV-011")(unchanged)

# A server refusing every obs-text value fails HTTP1-PARSE-070 alone: the property sets such
# examples aside, and still gives a verdict.
every_obs_text_refused = allows("WSGI-HV-006", observes="", server=fronts.launch("obs_text_refused_everywhere"), only=(
    "test_header_values_arrive_as_latin1_over_the_range_rfc_9110_allows",))(environ_mutant(lambda e: None))
