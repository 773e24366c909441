"""Every mutant: found in the modules of tests/mutants by their ``breaks`` declarations.

A module that serves its mutants through a server of its own (a shim: the real server with one
server-side duty broken) says how to launch a declared shim with ``launch(name) -> command``; the
app it serves is then the plain probe app.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace

import tests.mutants
from conformance.catalogue import catalogue
from tests.configurations import PROBE_ASGI, PROBE_WSGI
from tests.mutants.declare import Declaration, Mutant, declared_in

PROBE = {"wsgi": PROBE_WSGI, "asgi": PROBE_ASGI}


def _interface(requirement: str) -> str:
    return catalogue()[requirement].interface


def _mutants() -> tuple[Mutant, ...]:
    found: list[Mutant] = []
    for info in sorted(pkgutil.iter_modules(tests.mutants.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{tests.mutants.__name__}.{info.name}")
        launch = getattr(module, "launch", None)
        for mutant in declared_in(module, _interface):
            if launch is not None:
                declaration = replace(mutant.declaration, server=launch(mutant.name))
                mutant = replace(mutant, app=PROBE[mutant.interface], declaration=declaration)
            found.append(mutant)
    return tuple(found) + _legacy_rows()


def _legacy_rows() -> tuple[Mutant, ...]:
    """The rows of the old tables (*_table.py) not yet declared beside their middleware (transitional)."""
    from conformance.coverage import checks_by_requirement

    own = checks_by_requirement()
    rows = []
    for info in pkgutil.iter_modules(tests.mutants.__path__):
        if not info.name.endswith("_table"):
            continue
        module = importlib.import_module(f"{tests.mutants.__name__}.{info.name}")
        for row in next(v for k, v in vars(module).items() if k.endswith("_MUTANTS")):
            mine = set(own.get(row.breaks, []))
            listed = (*row.kills, *row.observes)
            only = tuple(k for k in listed if k.split("[")[0] in mine)
            also = tuple(k for k in row.kills if k.split("[")[0] not in mine)
            observes = next(iter(row.observes.values()), "")
            home, name = row.app.split(":")
            declaration = Declaration(row.breaks, home, only, also, observes, row.server, row.variants)
            rows.append(Mutant(name, row.app, row.breaks, row.interface, declaration))
    return tuple(rows)


MUTANTS: tuple[Mutant, ...] = _mutants()
