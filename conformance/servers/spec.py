"""What the suite knows about a server: a table entry, not code.

An adapter declares the interfaces it serves, the launch command exactly as its users type it
(a template with ``{host}``, ``{port}``, ``{app}``, ``{app_dotted}`` and ``{python}``), its
capabilities, where its version comes from and how to install it, or why it cannot be installed here.
A launch variant that only adds options to the command may be declared as those options, and the
install hint may be derived from the extra of this suite's distribution that installs the server.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import platform
import re
import shlex
import shutil
import signal
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from conformance.errors import BadServerCommand

INTERFACES = ("wsgi", "asgi")
# {app} is the probe app as module:attribute; {app_dotted} the same as module.attribute, for servers
# that take a dotted name (twisted).
PLACEHOLDERS = frozenset({"host", "port", "app", "app_dotted", "python"})
# Launch variants: the same server started another way, for the checks that need it. Each names the
# placeholders it adds: PEM files for TLS, the mount point for a root path, the number of worker
# processes for a multi-process start; none for ws_ping, whose interval is in the command.
VARIANT_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "tls": frozenset({"certfile", "keyfile"}),
    "root_path": frozenset({"root_path"}),
    "workers": frozenset({"workers"}),
    "ws_ping": frozenset(),  # WebSocket keepalive pings every fraction of a second (or the shortest it takes)
}

# This suite's own distribution: its extras (pyproject.toml, [project.optional-dependencies]) install
# the builtin servers.
DISTRIBUTION = "python-server-conformance"
_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")

# What a check may ask an adapter for: only features the specs make optional (a check that needs one
# the server lacks is reported "not applicable"). Never a SHOULD or MUST: whether a server runs the
# lifespan, say, the checks find out, and one that does not fails ASGI-LS-017.
CAPABILITIES = frozenset({"websocket", "http2", "tls", "multiprocess"})


@dataclass(frozen=True)
class ServerSpec:
    name: str
    interfaces: frozenset[str]
    command: str
    # How to install it, written out; left empty, it is derived from the extra (see extra_install_hint).
    install_hint: str = ""
    distribution: str | None = None  # the PyPI distribution whose version is the server's
    module: str | None = None  # imported by the server (may be dotted); its absence means "not installed"
    program: str | None = None  # a program the server runs (a path, or a name on PATH); likewise
    stdlib: bool = False  # part of the standard library: its version is Python's
    capabilities: frozenset[str] = frozenset()
    description: str = ""
    stop_signal: int = signal.SIGTERM
    stop_grace: float = 5.0  # seconds between the stop signal and SIGKILL
    env: Mapping[str, str] = field(default_factory=dict)
    # Why the server cannot be installed on this platform at all (listed, never launched); empty
    # for every server that can.
    unavailable: str = ""
    # Alternative launch commands by variant (see VARIANT_PLACEHOLDERS): e.g. "tls" with {certfile}
    # and {keyfile}. A check that needs a variant the server lacks is reported not applicable.
    # After construction this holds every variant, the derived ones (variant_options) included.
    variants: Mapping[str, str] = field(default_factory=dict)
    # Launch variants that are the command plus options: variant -> the options, which go in right
    # before the command's final {app} (where a server's command line takes its options), or right
    # after it with options_after_app (the launch scripts here take host, port and app first).
    # A variant named here and in variants is the derived one, so that dataclasses.replace with
    # another command derives it anew.
    variant_options: Mapping[str, str] = field(default_factory=dict)
    options_after_app: bool = False
    # The extra of this suite's distribution that installs the server, for its install hint.
    extra: str = ""

    def __post_init__(self) -> None:
        check_command_template(self.command, self.name)
        derived = {variant: with_options(self.command, options, after_app=self.options_after_app,
                                         name=f"{self.name} ({variant})")
                   for variant, options in self.variant_options.items()}
        variants = {**self.variants, **derived}
        for variant, command in variants.items():
            if variant not in VARIANT_PLACEHOLDERS:
                raise BadServerCommand(f"server {self.name!r} declares unknown launch variant {variant!r}; "
                                       f"known: {sorted(VARIANT_PLACEHOLDERS)}")
            check_command_template(command, f"{self.name} ({variant})", VARIANT_PLACEHOLDERS[variant])
        object.__setattr__(self, "variants", {v: variants[v] for v in VARIANT_PLACEHOLDERS if v in variants})
        if not self.install_hint:
            if not self.extra:
                raise BadServerCommand(f"server {self.name!r} has no install_hint, and no extra to derive one from")
            object.__setattr__(self, "install_hint", extra_install_hint(self.extra))
        unknown = set(self.interfaces) - set(INTERFACES)
        if unknown or not self.interfaces:
            raise BadServerCommand(f"server {self.name!r} declares unknown interfaces {unknown}")
        if self.capabilities - CAPABILITIES:
            raise BadServerCommand(
                f"server {self.name!r} declares unknown capabilities "
                f"{sorted(self.capabilities - CAPABILITIES)}; known: {sorted(CAPABILITIES)}"
            )

    def is_installed(self) -> bool:
        if self.unavailable:
            return False
        if self.program is not None and shutil.which(self.program) is None:
            return False
        if self.module is None:
            return True
        try:  # a dotted name (a server's optional submodule) raises when its package is missing
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False

    def version(self) -> str | None:
        if self.stdlib:
            return f"stdlib (Python {platform.python_version()})"
        if self.distribution is None:
            return None
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return self._version_beside_program()

    def _version_beside_program(self) -> str | None:
        """The version installed in the program's own environment (mod_wsgi lives in a venv of
        its own, built against another Python): that venv's site-packages."""
        found = shutil.which(self.program) if self.program else None
        if found is None or self.distribution is None:
            return None
        wanted = _normalised(self.distribution)
        site_packages = [str(p) for p in Path(found).parent.parent.glob("lib/python*/site-packages")]
        for dist in importlib.metadata.distributions(path=site_packages):
            if _normalised(dist.metadata["Name"] or "") == wanted:
                return dist.version
        return None

    def serves(self, interface: str) -> bool:
        return interface in self.interfaces


def _normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def with_options(command: str, options: str, *, after_app: bool, name: str) -> str:
    """The command with options added right before its final ``{app}`` (or ``{app_dotted}``), or
    right after it."""
    head, _, app = command.rpartition(" ")
    if app not in ("{app}", "{app_dotted}"):
        raise BadServerCommand(
            f"{name}: options for a launch variant go next to the command's final {{app}}, but the "
            f"command {command!r} ends with {app!r}; write the variant's whole command in variants instead"
        )
    return f"{command} {options}" if after_app else f"{head} {options} {app}"


def extra_install_hint(extra: str) -> str:
    """``pip install 'python-server-conformance[EXTRA]'``, and what that extra installs (from the
    installed distribution's metadata; without it, the extra alone)."""
    hint = f"pip install {shlex.quote(f'{DISTRIBUTION}[{extra}]')}"
    requirements = _extras().get(_normalised(extra))
    if not requirements:
        return hint
    return f"{hint} (or: pip install {' '.join(shlex.quote(r) for r in requirements)})"


@functools.cache
def _extras() -> dict[str, list[str]]:
    """Each extra of this suite's installed distribution, and the requirements it adds."""
    try:
        provided = importlib.metadata.metadata(DISTRIBUTION).get_all("Provides-Extra") or []
        requires = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return {}
    extras: dict[str, list[str]] = {_normalised(extra): [] for extra in provided}
    for line in requires:
        requirement, _, marker = line.partition(";")
        found = _EXTRA_MARKER.search(marker)
        if found and _normalised(found.group(1)) in extras:
            extras[_normalised(found.group(1))].append(requirement.strip())
    return extras


def check_command_template(command: str, name: str = "--server-cmd", extra: frozenset[str] = frozenset()) -> None:
    """Refuse a launch command the launcher could not fill in, with one sentence saying why."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(command) if f is not None}
    except ValueError as error:
        raise BadServerCommand(f"{name}: the command {command!r} is not a valid template ({error}); "
                               "write literal braces as {{ and }}") from None
    unknown = fields - PLACEHOLDERS - extra
    if unknown:
        raise BadServerCommand(
            f"{name}: the command uses unknown placeholder(s) "
            f"{', '.join('{' + f + '}' for f in sorted(unknown))}; "
            f"known: {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}"
        )
    if "port" not in fields:
        raise BadServerCommand(
            f"{name}: the command has no {{port}} placeholder, so the suite cannot tell the server "
            f"which port to listen on; add one, e.g. --bind 127.0.0.1:{{port}}"
        )
