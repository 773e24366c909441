"""How a mutant is declared: by the requirement it breaks, beside its middleware.

Belongs here: the ``breaks`` decorator, the ``Mutant`` it records, and how its targets are derived
from the checks' ``requirement`` markers. Does not belong here: any middleware (the area modules),
or running a mutant (tests/test_mutants.py).

    @breaks("ASGI-LS-005")
    @receive_mutant(scope_type="lifespan")
    def lifespan_bogus_first_event(...): ...

The checks that must fail on it are every check whose marker names ASGI-LS-005. Its opposite,
``@allows("WSGI-ENV-095", observes=...)``, declares a server that does what the spec leaves open
(no false accusation): the requirement's checks must pass on it, reporting the text. Only the
exceptions say more: ``only`` narrows them (a mutant that breaks a requirement only over HTTP/2,
or only for some parameters), ``also`` adds checks of other requirements the same fault fails,
``observes`` is for an informational requirement (its checks never fail: their observation must
contain that text). A check is named by its function, with ``[params]`` for some parametrisations,
and with its module (``test_http2.py::test_x``) only where the name alone is ambiguous.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
DECLARATIONS = "__breaks__"  # the attribute the decorator keeps its declarations in


@dataclass(frozen=True)
class Declaration:
    requirement: str
    home: str  # the module the decorator was applied in: the one that serves the mutant
    only: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    observes: str = ""
    server: str = ""  # the launch command with {app}, when the default server cannot show the fault
    variants: Mapping[str, str] = field(default_factory=dict)  # its launch variants (tls, root_path)
    allowed: bool = False  # the server does what the spec allows: the checks must pass on it


def breaks(requirement: str, *, only: Iterable[str] = (), also: Iterable[str] = (), observes: str = "",
           server: str = "", variants: Mapping[str, str] | None = None, _allowed: bool = False,
           _depth: int = 1) -> Callable[[T], T]:
    """Declare the decorated app (or shim) a mutant that breaks ``requirement``; stackable."""
    home = sys._getframe(_depth).f_globals["__name__"]
    declaration = Declaration(requirement, home, tuple(only), tuple(also), observes, server, dict(variants or {}),
                              _allowed)

    def declare(target: T) -> T:
        setattr(target, DECLARATIONS, (*declarations_of(target), declaration))
        return target

    return declare


def declarations_of(target: object) -> tuple[Declaration, ...]:
    """The target's own declarations (a subclass of a declared shim is not declared by inheritance)."""
    return vars(target).get(DECLARATIONS, ()) if hasattr(target, "__dict__") else ()


def allows(requirement: str, *, observes: str, only: Iterable[str] = (), server: str = "") -> Callable[[T], T]:
    """Declare the decorated app a server that does what ``requirement``'s sentence leaves open: its
    checks must pass on it, and report ``observes``."""
    return breaks(requirement, only=only, observes=observes, server=server, _allowed=True, _depth=2)


@dataclass(frozen=True)
class Mutant:
    name: str
    app: str  # module:attribute: what the server serves
    requirement: str
    interface: str
    declaration: Declaration


def declared_in(module: Any, interface_of: Callable[[str], str]) -> list[Mutant]:
    """The mutants a module declares (what it merely imports is declared where it comes from)."""
    found = []
    for name, value in vars(module).items():
        for declaration in declarations_of(value):
            if declaration.home == module.__name__:
                found.append(Mutant(name, f"{module.__name__}:{name}", declaration.requirement,
                                    interface_of(declaration.requirement), declaration))
    return found


class TargetError(LookupError):
    pass


def _function(check: str) -> str:
    return check.split("::", 1)[1]


def _named(name: str, checks: Iterable[str]) -> list[str]:
    """The checks (node IDs without parameters) ``name`` means, with its ``[params]`` kept."""
    base, bracket, params = name.partition("[")
    suffix = bracket + params
    if "::" in base:
        matched = [c for c in checks if c.endswith("/" + base) or c == base]
    else:
        matched = [c for c in checks if _function(c) == base]
    return [c + suffix for c in matched]


def targets(mutant: Mutant, checks_by_requirement: Mapping[str, list[str]]) -> dict[str, str]:
    """Check (node ID, maybe with params) -> "" when it must fail on the mutant, else the text its
    observation must contain."""
    declaration = mutant.declaration
    own = checks_by_requirement.get(mutant.requirement, [])
    selected = own
    if declaration.only:
        selected = []
        for name in declaration.only:
            matched = _named(name, own)
            if len(matched) != 1:
                raise TargetError(f"{mutant.name}: only={name!r} names {len(matched)} checks of "
                                  f"{mutant.requirement} ({own})")
            selected += matched
    every = sorted({c for checks in checks_by_requirement.values() for c in checks})
    added = []
    for name in declaration.also:
        matched = _named(name, every)
        if len(matched) != 1:
            raise TargetError(f"{mutant.name}: also={name!r} names {len(matched)} checks; add its module")
        added += matched
    if not selected and not added:
        raise TargetError(f"{mutant.name}: no check carries {mutant.requirement}")
    return {**{check: declaration.observes for check in selected}, **{check: "" for check in added}}
