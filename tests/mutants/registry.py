"""Every mutant: found in the modules of tests/mutants by their ``breaks`` declarations.

A module that serves its mutants through a server of its own (a shim: the real server with one
server-side duty broken) says how to launch a declared shim with ``launch(name) -> command``; the
app it serves is then the plain probe app. A module whose mutants break the parsing every interface
shares (interface "http") says which interface each is checked on with ``interface(name)``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

import tests.mutants
from conformance.catalogue import catalogue
from tests.configurations import PROBE_ASGI, PROBE_WSGI
from tests.mutants.declare import Mutant, declared_in

PROBE = {"wsgi": PROBE_WSGI, "asgi": PROBE_ASGI}


def _interface(requirement: str) -> str:
    return catalogue()[requirement].interface


def _mutants() -> tuple[Mutant, ...]:
    found: list[Mutant] = []
    for info in sorted(pkgutil.iter_modules(tests.mutants.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{tests.mutants.__name__}.{info.name}")
        launch = getattr(module, "launch", None)
        interface = getattr(module, "interface", None)  # a module whose mutants pick their interface
        for mutant in declared_in(module, _interface):
            if interface is not None:
                mutant = replace(mutant, interface=interface(mutant.name))
            if launch is not None:
                declaration = replace(mutant.declaration, server=launch(mutant.name))
                mutant = replace(mutant, app=PROBE[mutant.interface], declaration=declaration)
            found.append(mutant)
    return tuple(found)


MUTANTS: tuple[Mutant, ...] = _mutants()
