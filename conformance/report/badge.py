"""The badge: a shields.io-style SVG (``WSGI | MUST 98% · SHOULD 91%``) and the matching shields
endpoint JSON, for a README that would rather let shields.io draw it.

The SVG is drawn here, with no font at hand: text widths come from a table of Verdana 11px
advances (what shields measures with), so the badge looks like its neighbours from shields.io.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from conformance.report import scoring

# Advance widths in pixels of Verdana at 11px, for the characters a badge uses; others get DEFAULT.
_WIDTHS = {
    **dict.fromkeys("0123456789", 7.0),
    **dict.fromkeys("ABCDEFGHKNOPRSTUVXYZ", 7.5),
    "M": 8.6, "W": 10.9, "I": 4.6, "J": 5.1, "L": 6.1, "Q": 8.5,
    **dict.fromkeys("abcdeghknopqsuvxyz", 6.6),
    **dict.fromkeys("fjlrt", 4.0), "i": 3.0, "m": 10.7, "w": 8.9,
    " ": 3.5, "%": 12.0, "·": 4.6, "+": 9.2, "-": 4.6, ".": 3.9, "/": 4.9, "(": 4.6, ")": 4.6,
}
_DEFAULT = 7.0
_PADDING = 10  # 5 pixels each side of the text, as shields draws it


def text_width(text: str) -> int:
    return round(sum(_WIDTHS.get(c, _DEFAULT) for c in text))


def svg(label: str, message: str, colour: str, description: str = "") -> str:
    """A flat shields-style badge. ``colour`` is a shields colour name or a ``#rgb`` value;
    ``description`` (an SVG desc: who made the scores) is not drawn."""
    fill = scoring.COLOURS.get(colour, colour)
    left, right = text_width(label) + _PADDING, text_width(message) + _PADDING
    width = left + right
    title = escape(f"{label}: {message}")
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>{desc}"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        # The clip's id names its width, so badges of different widths can share one HTML page.
        f'<clipPath id="r{width}"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r{width})"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{fill}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="14" class="label">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14" class="message">{escape(message)}</text>'
        "</g></svg>\n"
    )


def parts(document: dict[str, Any]) -> tuple[str, str, str]:
    """The badge's label, message and colour name for a results document."""
    if (document.get("harness") or {}).get("error"):
        return scoring.label(document), "harness error", "lightgrey"
    levels = scoring.by_level(document["requirements"])
    return scoring.label(document), scoring.message(levels), scoring.colour(levels)


def render(document: dict[str, Any]) -> str:
    server = document["server"]
    checked = f"{server['name']} {server.get('version') or ''}".strip()
    made_by = f"{checked}, checked by python-server-conformance {document.get('suite_version', '?')}"
    if document.get("date"):
        made_by += f" on {document['date']}"
    return svg(*parts(document), description=made_by)


def shields_endpoint(document: dict[str, Any]) -> str:
    """The JSON that https://shields.io/badges/endpoint-badge turns into the same badge."""
    label, message, colour = parts(document)
    endpoint = {"schemaVersion": 1, "label": label, "message": message, "color": colour}
    return json.dumps(endpoint, ensure_ascii=False) + "\n"
