"""Server configurations the project's own tests launch besides the registry's defaults.

Belongs here: a launch command (with ``{app}`` for the app it serves) that shows what the default
servers of the proving layer (wsgiref for WSGI, uvicorn with h11 for ASGI) cannot, used by the
mutants (tests/mutants/) and the reference runs (tests/test_real_servers.py) alike. Does not belong
here: the emulations' own commands (tests/emulations/), or anything users launch (that is the registry).
"""

from __future__ import annotations

PROBE_WSGI = "probe_apps.wsgi_probe:app"
PROBE_ASGI = "probe_apps.asgi_probe:app"

# WSGI: several threads (waitress) and several processes (gunicorn, sync workers) serving one app.
THREADED_WSGI = "waitress-serve --listen={host}:{port} --threads=8 {app}"
TWO_PROCESS_WSGI = "gunicorn --no-control-socket --bind {host}:{port} --workers 2 --worker-class sync {app}"
# Their launch variants, for the checks of a mounted server (SCRIPT_NAME) and of one over TLS.
THREADED_WSGI_VARIANTS = {
    "root_path": "waitress-serve --listen={host}:{port} --threads=8 --url-prefix={root_path} {app}",
}
TWO_PROCESS_WSGI_VARIANTS = {
    "tls": "gunicorn --no-control-socket --bind {host}:{port} --workers 2 --worker-class sync "
           "--certfile {certfile} --keyfile {keyfile} {app}",
    "root_path": "gunicorn --no-control-socket --bind {host}:{port} --workers 2 --worker-class sync "
                 "--env SCRIPT_NAME={root_path} {app}",
}
# wsgiref made to speak HTTP/1.1 (persistent connections, chunked responses; no fault of its own), for
# the faults that only show on a persistent or chunked connection (tests/mutants/wsgi_shims.py).
WSGIREF_HTTP11 = "{python} -m tests.mutants.wsgi_shims Http11 {host} {port} {app}"

# ASGI: uvicorn's httptools protocol frames a response as the scope and headers it was handed say;
# --lifespan on makes a raising lifespan fatal.
UVICORN_HTTPTOOLS = "uvicorn --host {host} --port {port} --http httptools {app}"
UVICORN_LIFESPAN_ON = "uvicorn --host {host} --port {port} --http h11 --lifespan on {app}"
# uvicorn's legacy websockets implementation takes a denial response with its optional keys left out.
UVICORN_WEBSOCKETS = "uvicorn --host {host} --port {port} --http h11 --ws websockets {app}"
# HTTP/2 (h2c), trailers and WebSocket over HTTP/2: hypercorn, over h2c and over TLS (ALPN h2).
HYPERCORN = "hypercorn --bind {host}:{port} --worker-class asyncio {app}"
HYPERCORN_TLS = {"tls": "hypercorn --bind {host}:{port} --worker-class asyncio --certfile {certfile} "
                        "--keyfile {keyfile} {app}"}
HYPERCORN_TRIO = "hypercorn --bind {host}:{port} --worker-class trio {app}"
# gunicorn's asgi worker: a drop gives 1006; with h2 on, what hypercorn gets wrong over HTTP/2.
GUNICORN_ASGI = "gunicorn --no-control-socket --bind {host}:{port} --workers 1 --worker-class asgi {app}"
GUNICORN_ASGI_H2 = ("gunicorn --no-control-socket --bind {host}:{port} --workers 1 --worker-class asgi "
                    "--http-protocols h2,h1 --http2-cleartext both {app}")
