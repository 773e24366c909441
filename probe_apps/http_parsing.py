"""The scenario of the HTTP/1.1 parsing checks (conformance/requirements/http_parsing.toml), for
both interfaces: /parsed answers with what the server's parser handed the app, in one form for
WSGI and ASGI alike, so that a check judges the parser, not the interface.

  /parsed    ?n=N: {"n", "method", "path", "query", "headers": [[name, value], ...], "body"}, the
             names lower-case with "-" (a WSGI HTTP_X_A is "x-a"), values and body as latin-1
             text; records "parsed" for the request's X-Probe-Token

The WSGI body is read as an app that trusts its server reads it: CONTENT_LENGTH bytes; else, where
the request has a Transfer-Encoding or the server marks the stream terminated (wsgi.input_terminated),
until b'' (as WSGI-H11-001's probe does), unless wsgi.input is the connection itself (wsgiref:
nothing decoded); else there is none.
Standard library only, like every probe module.
"""

from __future__ import annotations

import json
import socket
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps import asgi_common, wsgi_common
    from probe_apps.recording import record
except ImportError:  # pragma: no cover
    import asgi_common  # type: ignore[no-redef]
    import wsgi_common  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]


def report(n: str, method: str, path: str, query: str, headers: list[list[str]], body: bytes) -> bytes:
    return json.dumps({"n": n, "method": method, "path": path, "query": query, "headers": headers,
                       "body": body.decode("latin-1")}).encode("ascii")


def wsgi_headers(environ: dict[str, Any]) -> list[list[str]]:
    named = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}
    headers = [[key[5:].lower().replace("_", "-"), value] for key, value in environ.items()
               if key.startswith("HTTP_") and isinstance(value, str)]
    return headers + [[name, environ[key]] for key, name in named.items() if environ.get(key)]


def wsgi_body(environ: dict[str, Any]) -> bytes:
    length, stream = environ.get("CONTENT_LENGTH") or "", environ["wsgi.input"]
    if length.isdigit():
        return stream.read(int(length))
    if not environ.get("wsgi.input_terminated") and "HTTP_TRANSFER_ENCODING" not in environ:
        return b""  # no length, no coding and no end marked: the body is empty (RFC 9112 6.3)
    if isinstance(getattr(stream, "raw", None), socket.SocketIO):
        return b""  # the connection itself (wsgiref): nothing decoded; reading on reads the next requests
    # To the end, which the server must mark (PEP 3333: it "should simulate an end-of-file condition").
    parts = []
    while block := stream.read(8192):
        parts.append(block)
    return b"".join(parts)


@wsgi_common.scenario("/parsed")
def parsed_wsgi(environ: dict[str, Any], start_response: wsgi_common.StartResponse) -> list[bytes]:
    record(wsgi_common.token(environ), "parsed")
    body = wsgi_body(environ)
    payload = report(wsgi_common.params(environ).get("n", ""), environ["REQUEST_METHOD"],
                     environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), wsgi_headers(environ), body)
    return wsgi_common.respond(start_response, payload, "application/json")


@asgi_common.scenario("/parsed")
async def parsed_asgi(scope: asgi_common.Scope, receive: asgi_common.Receive, send: asgi_common.Send) -> None:
    record(asgi_common.token(scope), "parsed")
    events = await asgi_common.read_body(receive)
    body = b"".join(bytes(event.get("body", b"")) for event in events)
    headers = [[bytes(name).decode("latin-1").lower(), bytes(value).decode("latin-1")]
               for name, value in scope.get("headers", [])]
    payload = report(asgi_common.params(scope).get("n", ""), scope["method"], scope["path"],
                     bytes(scope.get("query_string", b"")).decode("latin-1"), headers, body)
    await asgi_common.respond(send, payload, b"application/json")
