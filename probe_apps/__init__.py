"""Probe apps: the WSGI and ASGI apps that servers under test serve.

Rule: these modules import only the standard library, never the suite, because they run inside
the server under test, in whatever environment it has.
"""
