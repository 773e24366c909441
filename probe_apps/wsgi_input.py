"""WSGI probe scenarios of wsgi.input (PEP 3333, "Input and Error Streams"): how the app can read
the request body. The 100-continue checks (wsgi_http11) read through /input and /echo too.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /echo            the request body read from wsgi.input, sent back as it was read
                   (?mode=length|chunks&size=N; the reads' types and sizes in X-Probe-Read-*)
  /input           ?op=read:N&op=readline...: wsgi.input calls in order, what each returned
                   (read:none is read(None))
                   (op=body: the whole body, read as an app that trusts its server would)
"""

from __future__ import annotations

import time
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.typed import describe
    from probe_apps.wsgi_common import (
        Environ,
        StartResponse,
        all_params,
        params,
        read_body,
        respond_json,
        scenario,
        token,
    )
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]
    from wsgi_common import (  # type: ignore[no-redef]
        Environ,
        StartResponse,
        all_params,
        params,
        read_body,
        respond_json,
        scenario,
        token,
    )


@scenario("/echo")
def echo(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """Read the body the way ?mode= says and send back exactly what the reads returned."""
    stream = environ["wsgi.input"]
    length_text = environ.get("CONTENT_LENGTH") or ""
    length = int(length_text) if length_text.isdigit() else None
    mode = params(environ).get("mode", "length")
    reads: list[Any] = []
    if mode == "length":  # what the PEP tells apps to do: read CONTENT_LENGTH bytes
        reads.append(stream.read(length) if length is not None else b"")
    elif mode == "chunks":
        size = int(params(environ).get("size", "1024"))
        remaining = length if length is not None else 0
        while remaining > 0:
            block = stream.read(min(size, remaining))
            reads.append(block)
            if not block:
                break
            remaining -= len(block)
    body = b"".join(item for item in reads if type(item) is bytes)
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", str(len(body))),
            ("X-Probe-Read-Types", ",".join(type(item).__name__ for item in reads) or "none"),
            ("X-Probe-Read-Sizes", ",".join(str(len(item)) for item in reads) or "none"),
        ],
    )
    return [body]


@scenario("/input")
def input_operations(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """/input?op=read&op=read:5&op=readline&op=readline:3&op=readlines&op=readlines:4&op=iter:
    the calls made on wsgi.input in order, and what each returned (typed) or raised. The call
    is recorded as "called" first, so a check can tell when the app started."""
    record(token(environ), "called")
    stream = environ["wsgi.input"]
    results = []
    for op in all_params(environ, "op"):
        name, _, argument = op.partition(":")
        args = (None,) if argument == "none" else (int(argument),) if argument else ()
        started = time.time()
        try:
            if name == "body":
                value = read_body(environ)
            else:
                value = list(stream) if name == "iter" else getattr(stream, name)(*args)
            results.append({"op": op, "value": describe(value), "took": time.time() - started})
        except Exception as raised:  # noqa: BLE001
            results.append({"op": op, "raised": f"{type(raised).__name__}: {raised}"})
    return respond_json(start_response, {"results": results,
                                         "content_length": environ.get("CONTENT_LENGTH"),
                                         "input_terminated": describe(environ.get("wsgi.input_terminated"))})
