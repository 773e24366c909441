"""The requirement catalogue: loads conformance/requirements/*.toml and validates it.

Each file is one spec area, and its stem names the area everywhere: the catalogue file
``asgi_lifespan.toml``, its checks ``checks/asgi/test_lifespan.py``, its mutants
``tests/mutants/asgi_lifespan.py``. A file has top-level ``spec``, ``area`` (its title),
``interface`` and ``prefix`` (every ID in it is ``PREFIX-NNN``), then ``[[requirement]]`` tables
with ``id``, ``level``, ``section``, ``summary``, ``quote`` and optionally ``note`` (why a check
accepts what it accepts), ``spec`` (when the sentence comes from another text, such as the CGI
RFC that PEP 3333 adopts) and ``risk`` (``"smuggling"`` where a failure means two parsers can
read one byte stream as different requests).

An area's ``interface`` is ``wsgi``, ``asgi``, or ``http``: the HTTP/1.1 parsing every server does
for whichever interface it serves (its checks run once per interface served).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conformance.servers.spec import INTERFACES

REQUIREMENTS_DIR = Path(__file__).parent / "requirements"
LEVELS = ("MUST", "SHOULD", "MAY")
ID_PATTERN = re.compile(r"^(WSGI|ASGI|HTTP1)-[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)?-\d{3}$")
_FIELDS = {"id", "level", "section", "summary", "quote", "note", "spec", "risk"}
ANY_INTERFACE = "http"  # an area of the HTTP parsing under every interface
AREA_INTERFACES = (*INTERFACES, ANY_INTERFACE)
RISKS = ("smuggling",)
_HEADER = ("spec", "area", "interface", "prefix")


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Requirement:
    id: str
    level: str
    spec: str
    section: str
    summary: str
    quote: str
    area: str
    interface: str
    note: str = ""
    risk: str = ""  # "smuggling": two parsers could read the byte stream as different requests
    stem: str = ""  # the area's name in file and module names (its catalogue file's stem)

    @property
    def informational(self) -> bool:
        """MAY items are reported, never failed."""
        return self.level == "MAY"

    def applies_to(self, served: set[str] | frozenset[str]) -> bool:
        """Whether a server serving the interfaces ``served`` is judged on this requirement."""
        return bool(served) if self.interface == ANY_INTERFACE else self.interface in served

    def heading(self) -> str:
        return f"{self.id} {self.level} ({self.spec}, §{self.section}): {self.summary}"


def load(directory: Path = REQUIREMENTS_DIR) -> dict[str, Requirement]:
    catalogue: dict[str, Requirement] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CatalogueError(f"{path.name}: not valid TOML ({error})") from None
        missing_header = [key for key in _HEADER if not isinstance(data.get(key), str)]
        if missing_header:
            raise CatalogueError(f"{path.name}: the file needs top-level {', '.join(missing_header)} (strings)")
        if data["interface"] not in AREA_INTERFACES:
            raise CatalogueError(f"{path.name}: interface {data['interface']!r} is not one of {AREA_INTERFACES}")
        entries = data.get("requirement", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise CatalogueError(f"{path.name}: requirements must be [[requirement]] tables")
        for entry in entries:
            unknown = set(entry) - _FIELDS
            missing = {"id", "level", "section", "summary", "quote"} - set(entry)
            if unknown or missing:
                raise CatalogueError(
                    f"{path.name}: requirement {entry.get('id', '?')} has "
                    f"unknown fields {sorted(unknown)} / lacks {sorted(missing)}"
                )
            if not ID_PATTERN.match(str(entry["id"])):
                raise CatalogueError(f"{path.name}: requirement ID {entry['id']!r} is not of the form "
                                     "WSGI-AREA-001 (or ASGI-, HTTP1-)")
            if str(entry["id"]).rsplit("-", 1)[0] != data["prefix"]:
                raise CatalogueError(f"{path.name}: requirement ID {entry['id']!r} does not have the file's prefix "
                                     f"{data['prefix']!r}; it belongs in the file of its own prefix")
            if entry["level"] not in LEVELS:
                raise CatalogueError(f"{path.name}: {entry['id']} has level {entry['level']!r}; use one of {LEVELS}")
            if entry.get("risk", "") not in ("", *RISKS):
                raise CatalogueError(f"{path.name}: {entry['id']} has risk {entry['risk']!r}; use one of {RISKS}")
            if entry["id"] in catalogue:
                raise CatalogueError(f"{path.name}: requirement {entry['id']} is defined twice")
            catalogue[entry["id"]] = Requirement(
                id=entry["id"],
                level=entry["level"],
                spec=entry.get("spec", data["spec"]),
                section=entry["section"],
                summary=entry["summary"],
                quote=entry["quote"],
                area=data["area"],
                interface=data["interface"],
                note=entry.get("note", ""),
                risk=entry.get("risk", ""),
                stem=path.stem,
            )
    return catalogue


@cache
def catalogue() -> dict[str, Requirement]:
    return load()
