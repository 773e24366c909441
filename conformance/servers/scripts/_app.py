"""What every launch script shares: finding the app named on the command line."""

from __future__ import annotations

import importlib
from typing import Any


def load_app(app_path: str) -> Any:
    """The object named by ``module:attribute`` (``application`` when no attribute is given)."""
    module_name, _, attribute = app_path.partition(":")
    return getattr(importlib.import_module(module_name), attribute or "application")
