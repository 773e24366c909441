"""The mutants of the environ (conformance/requirements/wsgi_environ.toml): the environ
dictionary and its CGI variables, and what the launch variants (mounted, over TLS) set in them.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Does not belong here: the HTTP_ variables (wsgi_http_variables.py), the wsgi.* keys
(wsgi_keys.py), the URL they reconstruct (wsgi_url.py), native strings (wsgi_strings.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote_plus

from probe_apps.wsgi_probe import app as probe
from tests.configurations import THREADED_WSGI, THREADED_WSGI_VARIANTS, TWO_PROCESS_WSGI, TWO_PROCESS_WSGI_VARIANTS
from tests.mutants.declare import allows, breaks
from tests.mutants.wsgi_middleware import Environ, drop, environ_mutant, unchanged

# --- the CGI variables ---------------------------------------------------------------------------


class SubDict(dict):
    pass


environ_subclass = breaks("WSGI-ENV-001")(environ_mutant(SubDict))
content_type_dropped = breaks("WSGI-ENV-002")(environ_mutant(drop("CONTENT_TYPE")))


@breaks("WSGI-ENV-010")
@breaks("WSGI-ENV-011", only=["test_extension_and_lower_case_methods_reach_the_app_as_sent[PROPFIND]",
                              "test_extension_and_lower_case_methods_reach_the_app_as_sent[PURGE]"])
@environ_mutant
def method_lowercased(environ: Environ) -> None:
    environ["REQUEST_METHOD"] = environ["REQUEST_METHOD"].lower()


method_uppercased = breaks("WSGI-ENV-011", only=["test_extension_and_lower_case_methods_reach_the_app_as_sent[get]"])(
    environ_mutant(lambda e: e.update(REQUEST_METHOD=e["REQUEST_METHOD"].upper()))
)
script_name_set = breaks("WSGI-ENV-020")(environ_mutant(lambda e: e.update(SCRIPT_NAME="/mnt")))


@breaks("WSGI-ENV-021")
@environ_mutant
def root_script_name_slash(environ: Environ) -> None:
    if environ.get("PATH_INFO") == "/":
        environ.update(SCRIPT_NAME="/", PATH_INFO="")


path_info_quoted = breaks("WSGI-ENV-031")(environ_mutant(lambda e: e.update(PATH_INFO=quote(e["PATH_INFO"]))))
path_info_lowercased = breaks("WSGI-ENV-033")(environ_mutant(lambda e: e.update(PATH_INFO=e["PATH_INFO"].lower())))


@breaks("WSGI-ENV-034", observes="refused by the server (404)")
def encoded_slash_refused(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """Refuses the path the %2F check sends, as a server that rejects encoded slashes would."""
    if environ.get("PATH_INFO") == "/environ/a/b":
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    return probe(environ, start_response)


# wsgiref calls the app for OPTIONS * with PATH_INFO '*', and puts a whole absolute-form URI in it
unchanged = breaks("WSGI-ENV-035")(unchanged)


@breaks("WSGI-ENV-037", observes="normalised to '/environ/a/c'")
@environ_mutant
def path_normalised(environ: Environ) -> None:
    segments: list[str] = []
    for segment in environ["PATH_INFO"].split("/")[1:]:
        if segment == "..":
            segments = segments[:-1]
        elif segment not in (".", ""):
            segments.append(segment)
    environ["PATH_INFO"] = "/" + "/".join(segments)


@breaks("WSGI-ENV-041")
@breaks("WSGI-ENV-043", only=["test_query_string_is_exactly_what_follows_the_question_mark[second-question-mark]"])
@environ_mutant
def query_string_mangled(environ: Environ) -> None:
    query = unquote_plus(environ.get("QUERY_STRING", "")).split("?")[-1]
    environ["QUERY_STRING"] = query or "None"


@breaks("WSGI-ENV-042", observes="QUERY_STRING absent")
@environ_mutant
def query_string_absent_when_empty(environ: Environ) -> None:
    if environ.get("QUERY_STRING") == "":
        del environ["QUERY_STRING"]


@breaks("WSGI-ENV-042")
@environ_mutant
def query_string_without_a_query_invented(environ: Environ) -> None:
    if not environ.get("QUERY_STRING"):
        environ["QUERY_STRING"] = "?"


content_type_parameters_dropped = breaks("WSGI-ENV-050")(environ_mutant(
    lambda e: e.update(CONTENT_TYPE=e["CONTENT_TYPE"].split(";")[0]) if "CONTENT_TYPE" in e else None
))


# wsgiref itself invents CONTENT_TYPE 'text/plain'; the mutant does so on waitress
@breaks("WSGI-ENV-051", server=THREADED_WSGI)
@environ_mutant
def content_type_invented(environ: Environ) -> None:
    environ.setdefault("CONTENT_TYPE", "text/plain")


content_length_padded = breaks("WSGI-ENV-060")(breaks("WSGI-ENV-062")(
    environ_mutant(lambda e: e.update(CONTENT_LENGTH=(e.get("CONTENT_LENGTH") or "0") + " "))
))
content_length_zero_without_a_body = breaks("WSGI-ENV-061")(
    environ_mutant(lambda e: e.update(CONTENT_LENGTH=e.get("CONTENT_LENGTH") or "0"))
)
server_name_empty = breaks("WSGI-ENV-070")(environ_mutant(lambda e: e.update(SERVER_NAME="")))
server_port_from_host = breaks("WSGI-ENV-071")(
    environ_mutant(lambda e: e.update(SERVER_PORT=e.get("HTTP_HOST", "").rpartition(":")[2] or "80"))
)
server_name_is_software = breaks("WSGI-ENV-072")(environ_mutant(lambda e: e.update(SERVER_NAME="WSGIServer/0.2")))


@breaks("WSGI-ENV-080")
@environ_mutant
def server_protocol_swapped(environ: Environ) -> None:
    swap = {"HTTP/1.0": "HTTP/1.1", "HTTP/1.1": "HTTP/1.0"}
    environ["SERVER_PROTOCOL"] = swap.get(environ["SERVER_PROTOCOL"], environ["SERVER_PROTOCOL"])


server_software_dropped = breaks("WSGI-ENV-090")(environ_mutant(drop("SERVER_SOFTWARE")))
remote_addr_empty = breaks("WSGI-ENV-091")(environ_mutant(lambda e: e.update(REMOTE_ADDR="")))
remote_user_empty = breaks("WSGI-ENV-093")(environ_mutant(lambda e: e.update(REMOTE_USER="")))
# REMOTE_PORT is no CGI variable (werkzeug gives an int): reported, not failed.
remote_port_int = allows("WSGI-ENV-095", observes="REMOTE_PORT is int")(
    environ_mutant(lambda e: e.update(REMOTE_PORT=4242)))
server_port_int = breaks("WSGI-ENV-095")(environ_mutant(lambda e: e.update(SERVER_PORT=int(e["SERVER_PORT"]))))
content_type_as_http_variable = breaks("WSGI-ENV-096")(environ_mutant(
    lambda e: e.update(HTTP_CONTENT_TYPE=e["CONTENT_TYPE"]) if "CONTENT_TYPE" in e else None
))
server_variable_in_capitals = breaks("WSGI-ENV-097")(environ_mutant(lambda e: e.update({"Probe.Extra": "1"})))


# --- the launch variants: the OS environment, mounted, over TLS -----------------------------------


@breaks("WSGI-ENV-094", observes="copied into the environ", server=THREADED_WSGI)
@environ_mutant
def os_environ_copied(environ: Environ) -> None:
    for key, value in os.environ.items():
        environ.setdefault(key, value)


script_name_with_trailing_slash = breaks("WSGI-ENV-022", only=["test_script_name_is_the_mount_point"],
                                         server=THREADED_WSGI, variants=THREADED_WSGI_VARIANTS)(
    environ_mutant(lambda e: e.update(SCRIPT_NAME=e["SCRIPT_NAME"] + "/") if e.get("SCRIPT_NAME") else None)
)
# waitress, mounted, serves /mnt/probex as SCRIPT_NAME '/mnt/probe' with PATH_INFO '/mnt/probex'
unchanged = breaks("WSGI-ENV-022", only=["test_the_mount_point_ends_at_a_segment_boundary"],
                   server=THREADED_WSGI, variants=THREADED_WSGI_VARIANTS)(unchanged)
mount_point_path_info_slash = breaks("WSGI-ENV-030", observes="PATH_INFO '/'", server=THREADED_WSGI,
                                     variants=THREADED_WSGI_VARIANTS)(
    environ_mutant(lambda e: e.update(PATH_INFO=e.get("PATH_INFO") or "/"))
)
# gunicorn over TLS sets no HTTPS variable
unchanged = breaks("WSGI-ENV-092", server=TWO_PROCESS_WSGI, variants=TWO_PROCESS_WSGI_VARIANTS)(unchanged)
