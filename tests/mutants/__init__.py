"""Mutants: real servers made to break exactly one requirement, to prove each check can fail.

A mutant is the real server (wsgiref for WSGI, uvicorn for ASGI) serving the probe app wrapped in
middleware that breaks one requirement, declared beside it by that requirement (declare.py); the
checks it must fail are derived from the checks' markers. registry.MUTANTS finds them all.

Transitional: the rows of the old tables (*_table.py, built with ``wsgi`` below) are read
into the same shape until each is declared beside its middleware.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutant:
    app: str  # module:attribute under tests.mutants
    breaks: str  # the requirement ID it breaks
    kills: tuple[str, ...] = ()
    observes: dict[str, str] = field(default_factory=dict)  # check -> text its observation must contain
    server: str = ""  # the launch command with {app}, when the default server cannot show the fault
    variants: dict[str, str] = field(default_factory=dict)  # its launch variants (tls, root_path), with {app}

    @property
    def name(self) -> str:
        return self.app.rsplit(":", 1)[1]

    @property
    def interface(self) -> str:
        return "wsgi" if ".wsgi_mutants:" in self.app else "asgi"


def wsgi(name: str, breaks: str, *kills: str, server: str = "", observes: dict[str, str] | None = None,
         variants: dict[str, str] | None = None) -> Mutant:
    return Mutant(f"tests.mutants.wsgi_mutants:{name}", breaks, tuple(f"wsgi/{k}" for k in kills),
                  {f"wsgi/{k}": v for k, v in (observes or {}).items()}, server=server, variants=variants or {})
