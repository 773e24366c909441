"""The WSGI probe app: one scenario per path, parameters in the query string.

The first path segment picks the scenario; a path that names none may name one in ?scenario=NAME,
or, for a target that has no query (OPTIONS *), in an X-Probe-Scenario header.

Where the scenarios are: each in the module of the area whose checks use it most, wsgi_<area>.py,
named after the catalogue file conformance/requirements/wsgi_<area>.toml (wsgi_input.py: /input,
/echo; wsgi_file_wrapper.py: /file, ...), and what no one area owns (/ready, /respond, /record,
/crash, /hang) in wsgi_common.py; each module's docstring lists its own. This app imports every
wsgi_*.py module, and each registers its scenarios with @scenario: a new scenario or module takes
no edit here. The whole table, at run time: SCENARIOS.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps import wsgi_calling
    from probe_apps.scenarios import load_modules
    from probe_apps.wsgi_common import SCENARIOS, not_found, params
except ImportError:  # pragma: no cover
    import wsgi_calling  # type: ignore[no-redef]
    from scenarios import load_modules  # type: ignore[no-redef]
    from wsgi_common import SCENARIOS, not_found, params  # type: ignore[no-redef]

load_modules("wsgi_", __name__)
load_modules("http_", __name__)  # the HTTP/1.1 parsing scenario both interfaces share


def app(*args: Any, **kwargs: Any) -> Iterable[bytes]:
    # Not (environ, start_response): /call-shape reports how the server passed them.
    environ, start_response = wsgi_calling.bind_call(args, kwargs)
    # The scenario is the first path segment, so /environ/any/thing still reaches /environ.
    # A path that names no scenario (/, //x, a mount point's own path) may name one in ?scenario=,
    # and a target with no query at all (OPTIONS *) in the X-Probe-Scenario header.
    first_segment = "/" + environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    named = params(environ).get("scenario") or environ.get("HTTP_X_PROBE_SCENARIO", "")
    scenario = SCENARIOS.get(first_segment) or SCENARIOS.get("/" + named, not_found)
    return scenario(environ, start_response)


application = app  # the name some servers look for by default

# Unless PROBE_WSGI_CALLABLE asks for another kind of callable (a class, an instance, ...), the function.
app = application = wsgi_calling.served_as(app, os.environ.get(wsgi_calling.CALLABLE_ENV, "function"))
