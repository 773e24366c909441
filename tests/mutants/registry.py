"""Every mutant, from the per-interface tables."""

from __future__ import annotations

from tests.mutants import Mutant
from tests.mutants.asgi_table import ASGI_MUTANTS
from tests.mutants.ws_table import WS_MUTANTS
from tests.mutants.wsgi_table import WSGI_MUTANTS

MUTANTS: tuple[Mutant, ...] = WSGI_MUTANTS + ASGI_MUTANTS + WS_MUTANTS
