"""The mutants of HTTP/1.1 message parsing (conformance/requirements/http_parsing.toml): a real
server behind a lenient (or over-strict) front, tests/mutants/lenient_front.py, that breaks one
parsing rule.

Belongs here: each front, declared beside it by the requirement it breaks; ``launch`` and the
process that runs a front with its server. Behind each front is gunicorn (gthread worker, WSGI),
which itself meets every rule here but the Host ones; the fronts of those rules stand before
uvicorn (h11, ASGI), which meets them (``BEHIND``). A front that "repairs" a malformed request
into a well-formed one makes the pair a server that accepts what it must refuse.

Usage: python -m tests.mutants.http_parsing FRONT HOST PORT MODULE:ATTRIBUTE
"""

from __future__ import annotations

import sys

from conformance.servers import lookup
from tests.mutants.declare import breaks
from tests.mutants.lenient_front import DropsFirstPipelined, Front, ResetsWhenCrowded, refuses, repairs, run_before

# --- chunked framing: what must be decoded is refused; what must be refused, repaired -----------
leading_zeros_refused = breaks("HTTP1-PARSE-001")(refuses(rb"\r\n0006\r\n"))
extensions_refused = breaks("HTTP1-PARSE-002")(refuses(rb"5;probe=1\r\n"))
bad_whitespace_refused = breaks("HTTP1-PARSE-003")(refuses(rb"5 ;probe=1\r\n"))
# the body taken to end at the last chunk: the trailer line is read as the next request
trailer_left_in_stream = breaks("HTTP1-PARSE-004")(repairs(rb"\r\n0\r\nX-Probe-Trailer: t\r\n\r\n",
                                                           rb"\r\n0\r\n\r\nX-Probe-Trailer: t\r\n\r\n"))
trailer_merged = breaks("HTTP1-PARSE-005")(repairs(
    rb"Transfer-Encoding: chunked\r\n((?:[^\r\n]+\r\n)*\r\n5\r\nhello\r\n0\r\nX-Probe-Trailer: t\r\n)",
    rb"Transfer-Encoding: chunked\r\nX-Probe-Trailer: t\r\n\1"))


def size_read_as_5(size: bytes) -> Front:
    """A chunk size the front reads as 5, as a lenient parser does."""
    return repairs(rb"\r\n\r\n" + size + rb"\r\nhello\r\n", rb"\r\n\r\n5\r\nhello\r\n")


hex_prefix_read = breaks("HTTP1-PARSE-006")(size_read_as_5(rb"0x5"))
plus_sign_read = breaks("HTTP1-PARSE-007")(size_read_as_5(rb"\+5"))
minus_sign_read = breaks("HTTP1-PARSE-008")(size_read_as_5(rb"-5"))
leading_space_read = breaks("HTTP1-PARSE-009")(size_read_as_5(rb" 5"))
underscore_read = breaks("HTTP1-PARSE-010")(size_read_as_5(rb"5_0"))
empty_size_read = breaks("HTTP1-PARSE-011")(size_read_as_5(rb""))
trailing_space_read = breaks("HTTP1-PARSE-012")(size_read_as_5(rb"5 "))
size_wrapped_round = breaks("HTTP1-PARSE-013")(size_read_as_5(rb"10000000000000005"))
any_two_bytes_after_data = breaks("HTTP1-PARSE-014")(repairs(rb"\r\nhelloXX0\r\n", rb"\r\nhello\r\n0\r\n"))
bare_lf_after_data = breaks("HTTP1-PARSE-015")(repairs(rb"\r\nhello\n0\r\n", rb"\r\nhello\r\n0\r\n"))
bare_lf_after_size = breaks("HTTP1-PARSE-016")(repairs(rb"\r\n5\nhello\r\n", rb"\r\n5\r\nhello\r\n"))
body_ends_at_last_chunk = breaks("HTTP1-PARSE-017")(repairs(rb"\r\nhello\r\n0\r\nGET ", rb"\r\nhello\r\n0\r\n\r\nGET "))
chunked_decoded_once = breaks("HTTP1-PARSE-071")(repairs(rb"Transfer-Encoding: chunked, chunked\r\n",
                                                         rb"Transfer-Encoding: chunked\r\n"))
long_extension_crashes = breaks("HTTP1-PARSE-072")(refuses(rb"5;probe=aaaaaaaa", status=500))
chunked_parameter_dropped = breaks("HTTP1-PARSE-018")(repairs(rb"chunked;x=1\r\n", rb"chunked\r\n"))


# --- Content-Length -------------------------------------------------------------------------------
def length_read_as_5(value: bytes) -> Front:
    return repairs(rb"Content-Length: " + value + rb"\r\n", rb"Content-Length: 5\r\n")


length_plus_read = breaks("HTTP1-PARSE-019")(length_read_as_5(rb"\+5"))
length_minus_read = breaks("HTTP1-PARSE-020")(length_read_as_5(rb"-5"))
length_hex_read = breaks("HTTP1-PARSE-021")(length_read_as_5(rb"0x5"))
length_underscore_read = breaks("HTTP1-PARSE-022")(length_read_as_5(rb"5_0"))
length_empty_read = breaks("HTTP1-PARSE-023")(length_read_as_5(rb""))
length_control_stripped = breaks("HTTP1-PARSE-024")(length_read_as_5(rb"5\x0b"))
length_list_first_value = breaks("HTTP1-PARSE-025")(length_read_as_5(rb"5, 6"))
length_fields_first_value = breaks("HTTP1-PARSE-026")(length_read_as_5(rb"5\r\nContent-Length: 6"))
# a list or a pair of one value read as another length: the body is cut, the rest taken for a request
length_list_misread = breaks("HTTP1-PARSE-027")(repairs(rb"Content-Length: 5, 5\r\n", rb"Content-Length: 3\r\n"))
length_fields_misread = breaks("HTTP1-PARSE-028")(repairs(rb"Content-Length: 5\r\nContent-Length: 5\r\n",
                                                          rb"Content-Length: 3\r\n"))
length_wrapped_round = breaks("HTTP1-PARSE-029")(length_read_as_5(rb"18446744073709551621"))
leading_zeros_length_refused = breaks("HTTP1-PARSE-030")(refuses(rb"Content-Length: 005\r\n"))
# a request without a length read as if the next request were its body
body_without_length = breaks("HTTP1-PARSE-031")(repairs(
    rb"(POST /parsed HTTP/1\.1\r\n(?:[^\r\n]+\r\n)*?)\r\n(GET /record\?event=after)",
    rb"\1Content-Length: 10\r\n\r\n\2"))
cut_short_kept_open = breaks("HTTP1-PARSE-032")(Front(hold_open=True))

# --- Transfer-Encoding ----------------------------------------------------------------------------
both_lengths_kept_open = breaks("HTTP1-PARSE-033")(Front(hold_open=True))
gzip_after_chunked_ignored = breaks("HTTP1-PARSE-034")(repairs(rb"chunked, gzip\r\n", rb"chunked\r\n"))
second_coding_field_ignored = breaks("HTTP1-PARSE-035")(repairs(rb"chunked\r\nTransfer-Encoding: gzip\r\n",
                                                                rb"chunked\r\n"))
chunked_suffix_matched = breaks("HTTP1-PARSE-036")(repairs(rb"Transfer-Encoding: xchunked\r\n",
                                                           rb"Transfer-Encoding: chunked\r\n"))
control_character_stripped = breaks("HTTP1-PARSE-037")(repairs(rb"chunked\x0b\r\n", rb"chunked\r\n"))
unknown_coding_ignored = breaks("HTTP1-PARSE-038")(repairs(rb"x-probe, chunked\r\n", rb"chunked\r\n"))
http10_coding_kept_open = breaks("HTTP1-PARSE-039")(Front(hold_open=True))
coding_case_sensitive = breaks("HTTP1-PARSE-040")(refuses(rb"Transfer-Encoding: Chunked\r\n"))
coding_whitespace_kept = breaks("HTTP1-PARSE-041")(refuses(rb"Transfer-Encoding: \t chunked \t\r\n"))

# --- field syntax ---------------------------------------------------------------------------------
space_before_colon_dropped = breaks("HTTP1-PARSE-042")(repairs(rb"X-Probe-Field : v", rb"X-Probe-Field: v"))
fold_removed_without_space = breaks("HTTP1-PARSE-043")(repairs(rb"X-Probe-Fold: a\r\n b", rb"X-Probe-Fold: ab"))
nul_removed = breaks("HTTP1-PARSE-044")(repairs(rb"X-Probe-Field: a\x00b", rb"X-Probe-Field: ab"))
bare_cr_removed = breaks("HTTP1-PARSE-045")(repairs(rb"X-Probe-Field: a\rb", rb"X-Probe-Field: ab"))
name_not_token_kept = breaks("HTTP1-PARSE-046")(repairs(rb"X-Probe@Field: v", rb"X-Probe-Field: v"))
empty_name_kept = breaks("HTTP1-PARSE-047")(repairs(rb"\r\n: v\r\n", rb"\r\nX-Probe-Empty: v\r\n"))
line_without_colon_kept = breaks("HTTP1-PARSE-048")(repairs(rb"\r\nX-Probe-Nocolon\r\n",
                                                            rb"\r\nX-Probe-Nocolon: 1\r\n"))
indented_line_taken = breaks("HTTP1-PARSE-049")(repairs(rb"\r\n X-Probe-Injected: 1\r\n",
                                                        rb"\r\nX-Probe-Injected: 1\r\n"))
bare_lf_refused = breaks("HTTP1-PARSE-050", observes="refused with 400")(refuses(rb"HTTP/1\.1\nHost"))
value_whitespace_kept = breaks("HTTP1-PARSE-051")(repairs(rb"X-Probe-Field: \t v w \t\r\n",
                                                          rb"X-Probe-Field: v  w\r\n"))
obs_text_refused = breaks("HTTP1-PARSE-070")(refuses(rb"X-Probe-Opaque: caf\xe9"))
obs_text_replaced = breaks("HTTP1-PARSE-070")(repairs(rb"X-Probe-Opaque: caf\xe9 \x80\xff",
                                                      rb"X-Probe-Opaque: caf? ??"))
# Fronts the header-value mutants of the WSGI and ASGI areas are served by: every obs-text value refused.
obs_text_refused_everywhere = refuses(rb"[\x80-\xff]")
obs_text_refused_everywhere_asgi = refuses(rb"[\x80-\xff]")

# --- request line ---------------------------------------------------------------------------------
empty_line_refused = breaks("HTTP1-PARSE-052")(refuses(rb"\A\r\nGET /parsed"))
lower_case_version_read = breaks("HTTP1-PARSE-053")(repairs(rb"GET /parsed http/1\.1\r\n",
                                                            rb"GET /parsed HTTP/1.1\r\n"))
malformed_version_read = breaks("HTTP1-PARSE-054")(repairs(rb"GET /parsed HTTP/1\.1\.1\r\n",
                                                           rb"GET /parsed HTTP/1.1\r\n"))
higher_minor_refused = breaks("HTTP1-PARSE-055")(refuses(rb"GET /parsed HTTP/1\.2\r\n"))
other_major_refused = breaks("HTTP1-PARSE-056", observes="refused with 400")(refuses(rb"GET /parsed HTTP/3\.0\r\n"))
several_spaces_refused = breaks("HTTP1-PARSE-057", observes="refused with 400")(refuses(rb"GET  /parsed "))
bare_cr_kept_in_path = breaks("HTTP1-PARSE-058")(repairs(rb"GET /parsed\rHTTP/1\.1\r\n",
                                                         rb"GET /parsed/%0DHTTP/1.1 HTTP/1.1\r\n"))
space_in_target_closed_up = breaks("HTTP1-PARSE-059")(repairs(rb"GET /par sed HTTP/1\.1", rb"GET /parsed HTTP/1.1"))
method_not_token_read = breaks("HTTP1-PARSE-060")(repairs(rb"G<T /parsed HTTP/1\.1", rb"GET /parsed HTTP/1.1"))
absolute_form_refused = breaks("HTTP1-PARSE-061")(refuses(rb"GET http://"))
# gunicorn hands the app the Host field as received
host_as_received = breaks("HTTP1-PARSE-062", observes="wrong.invalid")(Front())

# --- Host (behind uvicorn, which refuses a request without Host and two Hosts) --------------------
host_supplied = breaks("HTTP1-PARSE-063")(repairs(rb"GET /parsed HTTP/1\.1\r\nX-Probe-Token",
                                                  rb"GET /parsed HTTP/1.1\r\nHost: x\r\nX-Probe-Token"))
second_host_dropped = breaks("HTTP1-PARSE-064")(repairs(rb"\r\nHost: other\.invalid\r\n", rb"\r\n"))
# uvicorn itself takes a Host with a space in it
invalid_host_taken = breaks("HTTP1-PARSE-065")(Front())

# --- pipelining and limits ------------------------------------------------------------------------
answers_out_of_order = breaks("HTTP1-PARSE-066")(Front(reorder=True))
# charged to HTTP1-PARSE-066 alone (tests/test_mutants.py): the other cases are sent again unpipelined
first_pipelined_dropped = breaks("HTTP1-PARSE-066")(DropsFirstPipelined())
unread_body_left_in_stream = breaks("HTTP1-PARSE-067")(repairs(
    rb"(POST /respond\?body=ok HTTP/1\.1\r\n(?:[^\r\n]+\r\n)*?)Content-Length: \d+\r\n", rb"\1"))
# breaks nothing: the batch sends again a case whose connection was reset before a byte was read
# (tests/test_mutants.py)
connections_reset_when_crowded = ResetsWhenCrowded()
long_target_refused_with_400 = breaks("HTTP1-PARSE-068")(refuses(rb"GET /parsed\?q=aaaaaaaa"))
long_field_crashes = breaks("HTTP1-PARSE-069")(refuses(rb"X-Probe-Long: aaaaaaaa", status=500))

BEHIND = {name: "uvicorn" for name in ("host_supplied", "second_host_dropped", "invalid_host_taken",
                                       "obs_text_refused_everywhere_asgi")}


def interface(name: str) -> str:
    """The interface a front's mutant is checked on: that of the server behind it."""
    return "asgi" if BEHIND.get(name) == "uvicorn" else "wsgi"


def launch(name: str) -> str:
    """The launch command of the front ``name`` with its server behind it."""
    return f"{{python}} -m tests.mutants.http_parsing {name} {{host}} {{port}} {{app}}"


def main(argv: list[str]) -> None:
    name, host, port, app = argv
    front = globals().get(name)
    if not isinstance(front, Front):
        raise SystemExit(f"no front {name!r} in {__name__}: expected the name of one")
    behind = lookup(BEHIND.get(name, "gunicorn-gthread")).command.replace("{app}", app)
    run_before(front, behind, host, int(port))


if __name__ == "__main__":
    main(sys.argv[1:])
