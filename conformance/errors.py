"""Harness errors: what went wrong around the server, as opposed to a conformance failure.

Each error's message is one plain sentence (plus, for a server that would not start, the tail of
its log) that says what is wrong and how to fix it. They are shown without a traceback.
"""

from __future__ import annotations

# The exit code of a run stopped by a harness error, kept apart from pytest's own codes (0-5) so a
# broken CI set-up never looks like a spec failure.
EXIT_HARNESS_ERROR = 6


class HarnessError(Exception):
    """Something about the set-up, not the server's conformance, stopped the run."""


class UnknownServer(HarnessError):
    pass


class ServerNotInstalled(HarnessError):
    pass


class BadServerCommand(HarnessError):
    pass


class ServerStartError(HarnessError):
    pass
