"""The servers the suite knows out of the box: one entry each, launched as their users launch them.

Sources for each command and its traps: ../shared/research/servers.md.
"""

from __future__ import annotations

from conformance.servers.spec import ServerSpec

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
        description="uvicorn with its h11 HTTP implementation",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http h11 --lifespan on {app}",
        distribution="uvicorn",
        module="uvicorn",
        capabilities=frozenset({"lifespan"}),
        install_hint="pip install 'python-server-conformance[uvicorn]' (or: pip install uvicorn)",
    ),
    ServerSpec(
        name="uvicorn-httptools",
        description="uvicorn with its httptools HTTP implementation",
        interfaces=frozenset({"asgi"}),
        command="uvicorn --host {host} --port {port} --http httptools --lifespan on {app}",
        distribution="uvicorn",
        module="httptools",
        capabilities=frozenset({"lifespan"}),
        install_hint="pip install 'python-server-conformance[uvicorn-httptools]' (or: pip install uvicorn httptools)",
    ),
    ServerSpec(
        name="hypercorn",
        description="hypercorn with the asyncio worker; serves ASGI and WSGI apps",
        interfaces=frozenset({"asgi", "wsgi"}),
        command="hypercorn --bind {host}:{port} --worker-class asyncio {app}",
        distribution="hypercorn",
        module="hypercorn",
        capabilities=frozenset({"lifespan", "http2"}),
        install_hint="pip install 'python-server-conformance[hypercorn]' (or: pip install hypercorn)",
    ),
    ServerSpec(
        name="hypercorn-trio",
        description="hypercorn with the trio worker (the app runs under trio, not asyncio)",
        interfaces=frozenset({"asgi"}),
        command="hypercorn --bind {host}:{port} --worker-class trio {app}",
        distribution="hypercorn",
        module="trio",
        capabilities=frozenset({"lifespan", "http2"}),
        install_hint="pip install 'python-server-conformance[hypercorn-trio]' (or: pip install 'hypercorn[trio]')",
    ),
    ServerSpec(
        name="daphne",
        description="daphne (Twisted); it has no lifespan support",
        interfaces=frozenset({"asgi"}),
        command="daphne -b {host} -p {port} {app}",
        distribution="daphne",
        module="daphne",
        install_hint="pip install 'python-server-conformance[daphne]' (or: pip install daphne)",
    ),
    ServerSpec(
        name="granian",
        description="granian (Rust) with its ASGI interface, one worker",
        interfaces=frozenset({"asgi"}),
        command="granian --interface asgi --host {host} --port {port} --workers 1 {app}",
        distribution="granian",
        module="granian",
        capabilities=frozenset({"lifespan", "http2"}),
        install_hint="pip install 'python-server-conformance[granian]' (or: pip install granian)",
    ),
    ServerSpec(
        name="gunicorn-asgi",
        description="gunicorn's own ASGI worker (-k asgi, gunicorn 24 and later)",
        interfaces=frozenset({"asgi"}),
        command=(
            "gunicorn --no-control-socket --bind {host}:{port} --workers 1 "
            "--worker-class asgi {app}"
        ),
        distribution="gunicorn",
        module="gunicorn",
        capabilities=frozenset({"lifespan"}),
        install_hint="pip install 'python-server-conformance[gunicorn]' (or: pip install gunicorn)",
    ),
    ServerSpec(
        name="gunicorn-uvicorn",
        description="gunicorn with the uvicorn worker (uvicorn-worker); the version shown is uvicorn's",
        interfaces=frozenset({"asgi"}),
        command=(
            "gunicorn --no-control-socket --bind {host}:{port} --workers 1 "
            "--worker-class uvicorn_worker.UvicornWorker {app}"
        ),
        distribution="uvicorn",
        module="uvicorn_worker",
        capabilities=frozenset({"lifespan"}),
        install_hint=(
            "pip install 'python-server-conformance[gunicorn-uvicorn]' (or: pip install gunicorn uvicorn-worker)"
        ),
    ),
    ServerSpec(
        name="gunicorn",
        description="gunicorn with the sync worker",
        interfaces=frozenset({"wsgi"}),
        # --no-control-socket: gunicorn 27 otherwise shares ~/.gunicorn/gunicorn.ctl between
        # concurrent instances, and the second one removes the first one's socket.
        command=(
            "gunicorn --no-control-socket --bind {host}:{port} --workers 1 "
            "--worker-class sync {app}"
        ),
        distribution="gunicorn",
        module="gunicorn",
        install_hint="pip install 'python-server-conformance[gunicorn]' (or: pip install gunicorn)",
    ),
    ServerSpec(
        name="waitress",
        description="waitress-serve",
        interfaces=frozenset({"wsgi"}),
        command="waitress-serve --listen={host}:{port} {app}",
        distribution="waitress",
        module="waitress",
        install_hint="pip install 'python-server-conformance[waitress]' (or: pip install waitress)",
    ),
)
