"""Hypothesis strategies for property checks: request parts a client may legitimately send.

Each strategy makes only what HTTP allows on the wire and what the spec gives one right answer
for: no '/' or NUL hidden in percent-escapes (RFC 3875 lets a server refuse those), no empty or
dot segments (normalising them is a choice the specs leave open).
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Property checks run against a live server: few, reproducible examples, no deadline, no database.
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
SUB_DELIMS = "!$&'()*+,;="


def path_texts() -> st.SearchStrategy[str]:
    """Decoded path segments (any text but '/' and NUL), joined by '/'."""
    segment = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=8)
    return st.lists(segment.filter(lambda s: s not in (".", "..")), min_size=1, max_size=4).map("/".join)


def encoded_path(text: str) -> bytes:
    """A path as a client sends it: UTF-8, percent-encoded except unreserved characters."""
    return quote(text, safe="/").encode("ascii")


def raw_path_segments() -> st.SearchStrategy[bytes]:
    """Paths as sent, mixing literal characters and percent-escapes of either case."""
    escape = st.integers(0x20, 0xFF).filter(lambda b: b not in (0x2F,)).flatmap(
        lambda b: st.sampled_from([b"%%%02X" % b, b"%%%02x" % b])
    )
    literal = st.sampled_from(UNRESERVED + SUB_DELIMS + ":@").map(str.encode)
    segment = st.lists(st.one_of(literal, escape), min_size=1, max_size=10).map(b"".join)
    return st.lists(segment.filter(lambda s: s not in (b".", b"..")), min_size=1, max_size=4).map(b"/".join)


def query_strings() -> st.SearchStrategy[bytes]:
    """Query strings as sent: any query character, percent-escapes, '+', '?', '/' included."""
    escape = st.integers(0, 0xFF).flatmap(lambda b: st.sampled_from([b"%%%02X" % b, b"%%%02x" % b]))
    literal = st.sampled_from(UNRESERVED + SUB_DELIMS + ":@/?").map(str.encode)
    return st.lists(st.one_of(literal, escape), max_size=30).map(b"".join)


def header_lists() -> st.SearchStrategy[list[tuple[bytes, bytes]]]:
    """Request headers with repeated names; values of visible ASCII with inner spaces."""
    name = st.sampled_from([b"x-probe-a", b"x-probe-b", b"x-probe-c"])
    value = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12).map(str.encode)
    return st.lists(st.tuples(name, value), min_size=1, max_size=8)


# RFC 9110 5.5: field-vchar = VCHAR / obs-text; SP and HTAB only inside a value; OWS around it.
FIELD_VCHARS = st.one_of(st.integers(0x21, 0x7E), st.integers(0x80, 0xFF)).map(lambda b: bytes([b]))
OWS = st.sampled_from([b"", b" ", b"\t", b" \t", b"\t \t"])


def field_values() -> st.SearchStrategy[bytes]:
    """Field values as RFC 9110 allows them: visible ASCII and obs-text, with SP and HTAB inside."""
    inner = st.lists(st.one_of(FIELD_VCHARS, st.sampled_from([b" ", b"\t"])), max_size=10).map(b"".join)
    spanning = st.tuples(FIELD_VCHARS, inner, FIELD_VCHARS).map(b"".join)
    return st.one_of(FIELD_VCHARS, spanning)


def padded_fields() -> st.SearchStrategy[list[tuple[bytes, bytes, bytes]]]:
    """Request fields of distinct names, each as (name, its value, the value as sent: with OWS around it)."""
    field = st.tuples(st.sampled_from([b"x-probe-a", b"x-probe-b", b"x-probe-c"]), field_values(), OWS, OWS).map(
        lambda f: (f[0], f[1], f[2] + f[1] + f[3]))
    return st.lists(field, min_size=1, max_size=3, unique_by=lambda f: f[0])


def has_obs_text(value: bytes) -> bool:
    return any(octet >= 0x80 for octet in value)


def bodies() -> st.SearchStrategy[bytes]:
    return st.binary(max_size=4096)
