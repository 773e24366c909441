"""The pytest plugin (the ``pytest11`` entry point ``conformance``).

``pytest --server=NAME`` (or ``--server-cmd=CMD --interface=wsgi|asgi``) collects the checks that
ship in ``conformance/checks`` wherever pytest runs from; without those options pytest runs
whatever it would run anyway (in this repository: the project's own tests).

One module per job; this one only names them, and pytest registers each as a plugin of its own
(hooks and fixtures) as soon as it has registered this one:

- ``options``: the command-line options and ini value, and the server, expectations and run they select
- ``collection``: the requirement marker, the checks for other interfaces dropped, the gate's xfail marks
- ``fixtures``: the servers, recorder and ``observe`` a check is given; a set-up failure as a harness error
- ``failures``: a failed check's report (requirement, sent, expected, got); servers that died or hung
- ``outcomes``: each check's outcome, the results document, the gate's exit code, the terminal summary
- ``stash``: the keys of the state the others share

A module listed here must not import one listed after it (pytest would warn that it was imported
before it could be registered).
"""

pytest_plugins = [
    "conformance.plugin.options",
    "conformance.plugin.collection",
    "conformance.plugin.fixtures",
    "conformance.plugin.failures",
    "conformance.plugin.outcomes",
]
