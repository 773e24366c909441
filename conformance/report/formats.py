"""The renderings of a results document, as a table: a new format is one module and one row here.

Each row names the format (the ``conformance report`` option), the suffix its file gets when it is
written next to the results JSON, and the function that renders it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.report import badge, html, markdown


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    render: Callable[[dict[str, Any]], str]
    help: str


FORMATS: tuple[Format, ...] = (
    Format("html", ".html", html.render, "the report page: one self-contained HTML file"),
    Format("markdown", ".md", markdown.render, "the Markdown summary (for a CI step summary; - for stdout)"),
    Format("badge", ".svg", badge.render, "the SVG badge"),
    Format("shields", ".shields.json", badge.shields_endpoint, "the shields.io endpoint JSON of the badge"),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def next_to(results_path: Path, fmt: Format) -> Path:
    """``reports/uvicorn.json`` -> ``reports/uvicorn.html`` (and .md, .svg, .shields.json)."""
    return results_path.with_name(results_path.name.removesuffix(".json") + fmt.suffix)


class OutputError(OSError):
    """A rendering could not be written; the message is one sentence."""


def write(document: dict[str, Any], outputs: Mapping[str, str | Path]) -> list[str]:
    """Render ``document`` in each named format to its path (``-``: standard output); return the paths."""
    written = []
    for name, target in outputs.items():
        text = BY_NAME[name].render(document)
        if str(target) == "-":
            sys.stdout.write(text)
            continue
        path = Path(target)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise OutputError(f"cannot write the {name} rendering to {path}: {error.strerror or error}") from None
        written.append(str(path))
    return written
