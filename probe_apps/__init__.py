"""Probe apps: the WSGI and ASGI apps that servers under test serve.

Rule: these modules import only the standard library, never the suite, because they run inside
the server under test, in whatever environment it has.

The apps are wsgi_probe.py, asgi_probe.py and asgi_websocket.py (which asgi_probe hands websocket
scopes to). Their scenarios are in modules named after the area whose checks use them, the stem
of a catalogue file (wsgi_input.py, asgi_lifespan.py, asgi_websocket_close.py, ...), with what
several areas share in wsgi_common.py, asgi_common.py and asgi_websocket_common.py; each module
registers its own scenarios (scenarios.py), and each app imports every module of its prefix.
recording.py, running.py and typed.py are helpers.
"""
