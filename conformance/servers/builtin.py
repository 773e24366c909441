"""The servers the suite knows out of the box: one entry each, launched as their users launch them.

A launch variant is written as the options it adds to the server's command (variant_options) where
that is all it does, and spelled out in full (variants) where it changes the command otherwise; an
install hint is written out only where it says more than the server's extra (ServerSpec.extra).

Sources for each command and its traps: ../shared/research/servers.md.
"""

from __future__ import annotations

from conformance.servers.spec import ServerSpec

# mod_wsgi is built against Debian's Python, in a venv of its own: Apache's daemon processes run
# as www-data, which cannot read a Python under root's home (see scripts/mod_wsgi_serve.py).
MOD_WSGI_VENV = "/opt/conformance-mod-wsgi"
MOD_WSGI_EXPRESS = f"{MOD_WSGI_VENV}/bin/mod_wsgi-express"
GUNICORN_EVENTLET_GONE = (
    "gunicorn 27 removed its eventlet worker (--worker-class eventlet fails with \"Entry point "
    "('gunicorn.workers', 'eventlet') not found\"), and eventlet itself is deprecated"
)

# Options that launch variants add, where several servers take the same ones.
UVICORN_TLS = "--ssl-certfile {certfile} --ssl-keyfile {keyfile}"
UVICORN_WS_PING = "--ws-ping-interval 0.3"
HYPERCORN_WS_PING = "--websocket-ping-interval 1"  # hypercorn and daphne take whole seconds only
CERTFILE_KEYFILE = "--certfile {certfile} --keyfile {keyfile}"  # gunicorn's and hypercorn's
GRANIAN_TLS = "--ssl-certificate {certfile} --ssl-keyfile {keyfile}"
# gunicorn's WSGI workers take the mount point from SCRIPT_NAME in their environment (--env sets it)
GUNICORN_ROOT_PATH = "--env SCRIPT_NAME={root_path}"
SCRIPT_TLS = "{certfile} {keyfile}"  # the launch scripts' (conformance/servers/scripts/) after the app


# hypercorn takes the same options whichever worker class it runs.
HYPERCORN_VARIANTS = {"tls": CERTFILE_KEYFILE, "root_path": "--root-path {root_path}",
                      "workers": "--workers {workers}", "ws_ping": HYPERCORN_WS_PING}


def gunicorn(worker_options: str, workers: str = "1") -> str:
    """gunicorn's launch command with a worker class (and its options), as its users type it.
    --no-control-socket: gunicorn 27 otherwise shares ~/.gunicorn/gunicorn.ctl between concurrent
    instances, and the second one removes the first one's socket."""
    return f"gunicorn --no-control-socket --bind {{host}}:{{port}} --workers {workers} {worker_options} {{app}}"


def gunicorn_wsgi(name: str, description: str, worker_options: str, *, module: str, extra: str) -> ServerSpec:
    """gunicorn with one of its WSGI workers: the same variants for each."""
    return ServerSpec(
        name=name,
        description=description,
        interfaces=frozenset({"wsgi"}),
        command=gunicorn(worker_options),
        distribution="gunicorn",
        module=module,
        extra=extra,
        variant_options={"tls": CERTFILE_KEYFILE, "root_path": GUNICORN_ROOT_PATH},
    )


def served_by_our_script(name: str, description: str) -> ServerSpec:
    """A WSGI server started by a script of ours (conformance/servers/scripts/NAME_serve.py) as its
    documentation shows, the package, module and extra all named NAME."""
    return ServerSpec(
        name=name,
        description=description,
        interfaces=frozenset({"wsgi"}),
        command=f"{{python}} -m conformance.servers.scripts.{name}_serve {{host}} {{port}} {{app}}",
        distribution=name,
        module=name,
        extra=name,
        variant_options={"tls": SCRIPT_TLS},
        options_after_app=True,
    )


BUILTIN_SERVERS: tuple[ServerSpec, ...] = (
    ServerSpec(
        name="wsgiref",
        description="wsgiref.simple_server from the standard library (needs nothing installed)",
        interfaces=frozenset({"wsgi"}),
        command="{python} -m conformance.servers.scripts.wsgiref_serve {host} {port} {app}",
        install_hint="nothing to install: wsgiref is part of the Python standard library",
        stdlib=True,
    ),
    ServerSpec(
        name="uvicorn",
        description="uvicorn with its h11 HTTP implementation and its default WebSocket one (--ws auto: "
        "websockets-sansio where websockets is installed, else wsproto)",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http h11 {app}",
        distribution="uvicorn",
        module="uvicorn",
        capabilities=frozenset({"websocket"}),
        extra="uvicorn",
        variant_options={"tls": UVICORN_TLS, "root_path": "--root-path {root_path}", "workers": "--workers {workers}",
                         "ws_ping": UVICORN_WS_PING},
    ),
    ServerSpec(
        name="uvicorn-httptools",
        description="uvicorn with its httptools HTTP implementation",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http httptools {app}",
        distribution="uvicorn",
        module="httptools",
        capabilities=frozenset({"websocket"}),
        extra="uvicorn-httptools",
        variant_options={"tls": UVICORN_TLS, "root_path": "--root-path {root_path}", "workers": "--workers {workers}"},
    ),
    # uvicorn's WebSocket implementations, each its own name (--ws; see ../shared/research/servers.md).
    ServerSpec(
        name="uvicorn-websockets-sansio",
        description="uvicorn (h11) with its websockets-sansio WebSocket implementation",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http h11 --ws websockets-sansio {app}",
        distribution="uvicorn",
        module="uvicorn.protocols.websockets.websockets_sansio_impl",  # uvicorn 0.35 and later
        capabilities=frozenset({"websocket"}),
        install_hint="pip install 'python-server-conformance[uvicorn]' websockets (uvicorn 0.35 or later)",
        variant_options={"tls": UVICORN_TLS, "ws_ping": UVICORN_WS_PING},
    ),
    ServerSpec(
        name="uvicorn-websockets",
        description="uvicorn (h11) with its legacy websockets WebSocket implementation (deprecated by uvicorn)",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http h11 --ws websockets {app}",
        distribution="uvicorn",
        module="uvicorn.protocols.websockets.websockets_impl",
        capabilities=frozenset({"websocket"}),
        install_hint="pip install 'python-server-conformance[uvicorn]' websockets",
        variant_options={"tls": UVICORN_TLS, "ws_ping": UVICORN_WS_PING},
    ),
    ServerSpec(
        name="uvicorn-wsproto",
        description="uvicorn (h11) with its wsproto WebSocket implementation",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http h11 --ws wsproto {app}",
        distribution="uvicorn",
        module="wsproto",
        capabilities=frozenset({"websocket"}),
        extra="uvicorn-wsproto",
        variant_options={"tls": UVICORN_TLS, "ws_ping": UVICORN_WS_PING},
    ),
    ServerSpec(
        name="hypercorn",
        description="hypercorn with the asyncio worker; serves ASGI and WSGI apps",
        interfaces=frozenset({"asgi", "wsgi"}),
        command="hypercorn --bind {host}:{port} --worker-class asyncio {app}",
        distribution="hypercorn",
        module="hypercorn",
        capabilities=frozenset({"http2", "websocket"}),
        extra="hypercorn",
        variant_options=HYPERCORN_VARIANTS,
    ),
    ServerSpec(
        name="hypercorn-trio",
        description="hypercorn with the trio worker (the app runs under trio, not asyncio)",
        interfaces=frozenset({"asgi"}),
        command="hypercorn --bind {host}:{port} --worker-class trio {app}",
        distribution="hypercorn",
        module="trio",
        capabilities=frozenset({"http2", "websocket"}),
        extra="hypercorn-trio",
        variant_options=HYPERCORN_VARIANTS,
    ),
    ServerSpec(
        name="daphne",
        description="daphne (Twisted)",
        interfaces=frozenset({"asgi"}),
        command="daphne -b {host} -p {port} {app}",
        distribution="daphne",
        module="daphne",
        capabilities=frozenset({"websocket"}),
        extra="daphne",
        variant_options={"root_path": "--root-path {root_path}", "ws_ping": "--ping-interval 1"},  # whole seconds
        # over TLS it listens on an ssl: endpoint (-e) instead of -b and -p
        variants={"tls": "daphne -e ssl:{port}:interface={host}:privateKey={keyfile}:certKey={certfile} {app}"},
    ),
    ServerSpec(
        name="granian",
        description="granian (Rust) with its ASGI interface, one worker",
        interfaces=frozenset({"asgi"}),
        command="granian --interface asgi --host {host} --port {port} --workers 1 {app}",
        distribution="granian",
        module="granian",
        capabilities=frozenset({"http2", "websocket"}),
        extra="granian",
        variant_options={"tls": GRANIAN_TLS, "root_path": "--url-path-prefix {root_path}"},
        variants={
            # --workers {workers} instead of --workers 1
            "workers": "granian --interface asgi --host {host} --port {port} --workers {workers} {app}",
            # No ws_ping: granian 2.8's only WebSocket option is --ws/--no-ws (--http2-keep-alive-interval
            # sends HTTP/2 PING frames, not WebSocket pings).
        },
    ),
    ServerSpec(
        name="gunicorn-asgi",
        description="gunicorn's own ASGI worker (-k asgi, gunicorn 24 and later)",
        interfaces=frozenset({"asgi"}),
        command=gunicorn("--worker-class asgi"),
        distribution="gunicorn",
        module="gunicorn",
        capabilities=frozenset({"websocket"}),
        extra="gunicorn",
        variant_options={"tls": CERTFILE_KEYFILE, "root_path": "--root-path {root_path}"},
        variants={
            # --workers {workers} instead of --workers 1
            "workers": gunicorn("--worker-class asgi", workers="{workers}"),
            # No ws_ping: gunicorn 27's asgi worker answers pings but sends none (gunicorn/asgi/websocket.py);
            # its only WebSocket setting is --websocket-max-message-size.
        },
    ),
    ServerSpec(
        name="gunicorn-asgi-h2",
        description="gunicorn's own ASGI worker with HTTP/2 on (h2c by prior knowledge or upgrade, and HTTP/1.1)",
        interfaces=frozenset({"asgi"}),
        # --http2-cleartext both: "prior-knowledge" alone answers HTTP/1.1 with 400 (research/servers.md).
        command=gunicorn("--worker-class asgi --http-protocols h2,h1 --http2-cleartext both"),
        distribution="gunicorn",
        module="h2",
        capabilities=frozenset({"websocket", "http2"}),
        extra="gunicorn-asgi-h2",
        variant_options={"root_path": "--root-path {root_path}"},
        variants={
            # without --http2-cleartext: over TLS, HTTP/2 is negotiated by ALPN
            "tls": gunicorn("--worker-class asgi --http-protocols h2,h1 --certfile {certfile} --keyfile {keyfile}"),
            # --workers {workers} instead of --workers 1
            "workers": gunicorn("--worker-class asgi --http-protocols h2,h1 --http2-cleartext both",
                                workers="{workers}"),
        },
    ),
    ServerSpec(
        name="gunicorn-uvicorn",
        description="gunicorn with the uvicorn worker (uvicorn-worker); the version shown is uvicorn's",
        interfaces=frozenset({"asgi"}),
        command=gunicorn("--worker-class uvicorn_worker.UvicornWorker"),
        distribution="uvicorn",
        module="uvicorn_worker",
        capabilities=frozenset({"websocket"}),
        extra="gunicorn-uvicorn",
        variant_options={"tls": CERTFILE_KEYFILE},
        variants={
            # --workers {workers} instead of --workers 1
            "workers": gunicorn("--worker-class uvicorn_worker.UvicornWorker", workers="{workers}"),
        },
    ),
    gunicorn_wsgi("gunicorn", "gunicorn with the sync worker", "--worker-class sync", module="gunicorn",
                  extra="gunicorn"),
    ServerSpec(
        name="waitress",
        description="waitress-serve",
        interfaces=frozenset({"wsgi"}),
        command="waitress-serve --listen={host}:{port} {app}",
        distribution="waitress",
        module="waitress",
        extra="waitress",
        variant_options={"root_path": "--url-prefix={root_path}"},
    ),
    # --- WSGI servers and variants (each variant its own name, launched as its users launch it) --
    gunicorn_wsgi("gunicorn-gthread", "gunicorn with the gthread worker (4 threads)",
                  "--worker-class gthread --threads 4", module="gunicorn", extra="gunicorn"),
    gunicorn_wsgi("gunicorn-gevent", "gunicorn with the gevent worker", "--worker-class gevent", module="gevent",
                  extra="gunicorn-gevent"),
    ServerSpec(
        name="gunicorn-eventlet",
        description="gunicorn with the eventlet worker",
        interfaces=frozenset({"wsgi"}),
        command=gunicorn("--worker-class eventlet"),
        distribution="gunicorn",
        module="eventlet",
        unavailable=GUNICORN_EVENTLET_GONE,
        install_hint=f"cannot be installed on this platform: {GUNICORN_EVENTLET_GONE}",
    ),
    served_by_our_script("cheroot", "cheroot's WSGI server (CherryPy's), started as its documentation shows"),
    served_by_our_script("werkzeug", "werkzeug's development server: run_simple() with its defaults"),
    served_by_our_script("gevent", "gevent.pywsgi.WSGIServer, with gevent's monkey patching"),
    ServerSpec(
        name="twisted",
        description="twisted's WSGI resource: twist web --wsgi",
        interfaces=frozenset({"wsgi"}),
        # --wsgi takes a dotted name, found through PYTHONPATH (the launcher sets it); text logs,
        # since twist writes JSON lines when its output is not a terminal.
        command="twist --log-format=text web --listen tcp:{port}:interface={host} --wsgi {app_dotted}",
        distribution="twisted",
        module="twisted",
        extra="twisted",
        variants={
            # an ssl: endpoint instead of tcp:
            "tls": (
                "twist --log-format=text web --listen ssl:{port}:interface={host}:privateKey={keyfile}:"
                "certKey={certfile} --wsgi {app_dotted}"
            ),
        },
    ),
    ServerSpec(
        name="granian-wsgi",
        description="granian (Rust) with its WSGI interface, one worker",
        interfaces=frozenset({"wsgi"}),
        command="granian --interface wsgi --host {host} --port {port} --workers 1 {app}",
        distribution="granian",
        module="granian",
        extra="granian",
        variant_options={"tls": GRANIAN_TLS, "root_path": "--url-path-prefix {root_path}"},
    ),
    ServerSpec(
        name="uwsgi",
        description="uWSGI with its HTTP socket, a master and one worker process",
        interfaces=frozenset({"wsgi"}),
        # --die-on-term: without it the master takes SIGTERM as "reload" and keeps running.
        command=(
            "uwsgi --http-socket {host}:{port} --module {app} --master --processes 1 "
            "--die-on-term --need-app --strict"
        ),
        # over TLS an --https-socket instead of the --http-socket, mounted a --mount instead of --module
        variants={
            "tls": (
                "uwsgi --https-socket {host}:{port},{certfile},{keyfile} --module {app} --master --processes 1 "
                "--die-on-term --need-app --strict"
            ),
            "root_path": (
                "uwsgi --http-socket {host}:{port} --mount {root_path}={app} --manage-script-name --master "
                "--processes 1 --die-on-term --need-app --strict"
            ),
        },
        distribution="uwsgi",
        module="uwsgidecorators",  # the uwsgi module itself exists only inside a uWSGI process
        install_hint="pip install 'python-server-conformance[uwsgi]' (or: pip install uwsgi; it compiles, "
        "so it needs a C compiler and the Python headers)",
    ),
    ServerSpec(
        name="bjoern",
        description="bjoern (C, libev), started as its documentation shows",
        interfaces=frozenset({"wsgi"}),
        command="{python} -m conformance.servers.scripts.bjoern_serve {host} {port} {app}",
        distribution="bjoern",
        module="bjoern",
        install_hint="apt-get install libev-dev, then pip install 'python-server-conformance[bjoern]' "
        "(or: pip install bjoern)",
    ),
    ServerSpec(
        name="mod_wsgi",
        description="Apache (Debian's) with mod_wsgi in daemon mode, through mod_wsgi-express start-server",
        interfaces=frozenset({"wsgi"}),
        command="{python} -m conformance.servers.scripts.mod_wsgi_serve {host} {port} {app}",
        variant_options={"root_path": "--mount-point {root_path}"},
        options_after_app=True,
        program=MOD_WSGI_EXPRESS,
        distribution="mod_wsgi",  # in its own venv: its version is read there
        install_hint=f"apt-get install apache2 apache2-dev, then /usr/bin/python3 -m venv {MOD_WSGI_VENV} && "
        f"{MOD_WSGI_VENV}/bin/pip install --no-cache-dir mod_wsgi",
    ),
)
