"""WSGI probe scenarios of the environ (PEP 3333, "environ Variables"): what the server hands the
app, as the app sees it. The checks of wsgi_keys, wsgi_http_variables, wsgi_url and wsgi_strings
read /environ too; it is here because the environ's own checks use it most.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /environ         the environ as typed JSON (see typed.py), and the pid, thread and time of
                   the call; ?sleep=S holds the call S seconds
"""

from __future__ import annotations

import os
import threading
import time

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.typed import describe
    from probe_apps.wsgi_common import Environ, StartResponse, params, respond_json, scenario
except ImportError:  # pragma: no cover
    from typed import describe  # type: ignore[no-redef]
    from wsgi_common import Environ, StartResponse, params, respond_json, scenario  # type: ignore[no-redef]


@scenario("/environ")
def show_environ(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """?sleep=S holds the call for S seconds, so a check can see which calls overlap."""
    started = time.time()
    time.sleep(float(params(environ).get("sleep", "0")))
    return respond_json(
        start_response,
        {
            "environ_type": f"{type(environ).__module__}.{type(environ).__qualname__}",
            "environ": {str(key): describe(value) for key, value in environ.items()},
            "key_types": sorted({type(key).__name__ for key in environ}),
            "call": {"pid": os.getpid(), "thread": threading.get_ident(), "started": started,
                     "finished": time.time()},
        },
    )
