"""A black-box conformance suite for WSGI (PEP 3333) and ASGI servers, run as a pytest plugin."""

__version__ = "0.1.0"
