"""How a probe module makes its scenarios known to the app that dispatches them.

Rule: a scenario module registers each of its scenarios itself, with ``@scenario("/path")`` from
its interface's common module (wsgi_common, asgi_common, asgi_websocket_common), and an app finds
them all by importing every module of its prefix (load_modules): adding a scenario, or a module
of them, takes no edit to any list. Standard library only; no scenario lives here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

Scenario = TypeVar("Scenario", bound=Callable[..., Any])


class Scenarios(dict[str, Callable[..., Any]]):
    """One interface's scenarios, by the path (the first segment) that picks each."""

    def __init__(self, interface: str) -> None:
        super().__init__()
        self.interface = interface

    def scenario(self, path: str) -> Callable[[Scenario], Scenario]:
        """The decorator that registers a scenario under ``path`` ("/input")."""

        def register(function: Scenario) -> Scenario:
            known = self.get(path)
            if known is not None and origin(known) != origin(function):
                raise ValueError(f"{self.interface} scenario {path} is registered twice: by {known.__module__}."
                                 f"{known.__qualname__} and by {function.__module__}.{function.__qualname__}")
            self.setdefault(path, function)  # the same code imported under a second name: the first stays
            return function

        return register


def origin(function: Callable[..., Any]) -> tuple[str, int]:
    code = function.__code__
    return Path(code.co_filename).name, code.co_firstlineno


def load_modules(prefix: str, app_module: str) -> None:
    """Import every module of this folder whose name starts with ``prefix`` ("wsgi_"), but the
    app's own (``app_module``, its __name__), so that each registers its scenarios: as modules of
    the probe_apps package, or flat (probe_apps/ itself on sys.path), as this module was imported."""
    package = __name__.rpartition(".")[0]
    skip = app_module.rpartition(".")[2]
    for path in sorted(Path(__file__).parent.glob(prefix + "*.py")):
        if path.stem != skip:
            importlib.import_module(f"{package}.{path.stem}" if package else path.stem)
