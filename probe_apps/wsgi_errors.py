"""WSGI probe scenarios of wsgi.errors (PEP 3333, "Input and Error Streams"): the error stream's
methods, and its buffering.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /errors          every wsgi.errors method, with ?text=
  /errors-buffer   ?marker=M&gap=S: M written to wsgi.errors, flush() only S seconds later
"""

from __future__ import annotations

import time

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.wsgi_common import Environ, StartResponse, params, respond_json, scenario, text, token
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from wsgi_common import Environ, StartResponse, params, respond_json, scenario, text, token  # type: ignore[no-redef]


@scenario("/errors")
def use_errors(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """Uses every method of wsgi.errors, with ?text= (any unicode); the body lists what raised."""
    errors = environ["wsgi.errors"]
    text = params(environ).get("text", "probe: wsgi.errors line")
    outcomes = {}
    for name, call in (("write", lambda: errors.write(text + "\n")),
                       ("writelines", lambda: errors.writelines([text + " (writelines 1)\n", text + " (2)\n"])),
                       ("flush", lambda: errors.flush())):
        try:
            call()
            outcomes[name] = None
        except Exception as raised:  # noqa: BLE001
            outcomes[name] = f"{type(raised).__name__}: {raised}"
    return respond_json(start_response, outcomes)


@scenario("/errors-buffer")
def errors_buffer(environ: Environ, start_response: StartResponse) -> list[bytes]:
    errors = environ["wsgi.errors"]
    query = params(environ)
    errors.write(query.get("marker", "probe-marker") + "\n")
    record(token(environ), "written")
    time.sleep(float(query.get("gap", "0.5")))
    record(token(environ), "flushing")
    errors.flush()
    return text(start_response, b"flushed")
