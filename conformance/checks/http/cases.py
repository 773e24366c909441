"""The requests the HTTP/1.1 parsing checks send, each with the rule that judges what came back
(judging.py). Every case goes to the probe's /parsed (probe_apps/http_parsing.py), with a Host and
the case's token unless the case is about them; batch.py sends them all at once.

A case's ``shows`` is the part of the request its requirement is about, as the failure prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from conformance.checks.http.batch import Build, Sent
from conformance.checks.http.judging import Accept, Closes, Either, InOrder, Observe, Refuse, Report, Rule, Skips, Waits
from conformance.checks.http.judging import header as header_of
from conformance.recorder import TOKEN_HEADER

CASES: dict[str, Case] = {}


@dataclass(frozen=True)
class Case:
    name: str
    build: Build
    rule: Rule
    shows: str
    # A case that means something only where another passes: (that case, its requirement's ID).
    needs: tuple[Case, str] | None = None


def case(name: str, build: Build, rule: Rule, shows: str, needs: tuple[Case, str] | None = None) -> Case:
    CASES[name] = made = Case(name, build, rule, shows, needs)
    return made


def message(line: str, *fields: str, body: bytes = b"", host: bool = True, lead: tuple[str, ...] = (),
            version: str = "HTTP/1.1") -> Build:
    """A request: ``line`` (its version added), ``lead`` lines, Host, the token, ``fields``, then ``body``."""

    def build(host_value: str, token: str) -> Sent:
        lines = [f"{line} {version}", *lead, *([f"Host: {host_value}"] if host else []), f"{TOKEN_HEADER}: {token}",
                 *fields]
        return Sent(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return build


def post(*fields: str, body: bytes = b"", version: str = "HTTP/1.1") -> Build:
    return message("POST /parsed", *fields, body=body, version=version)


def chunked_post(body: bytes, *fields: str) -> Build:
    return post("Transfer-Encoding: chunked", *fields, body=body)


def body_is(expected: bytes) -> Accept:
    wanted = expected.decode("latin-1")
    return Accept(lambda r: "" if r["body"] == wanted else f"body {r['body']!r}", f"the body {expected!r}")


def value_is(name: str, *allowed: str) -> Callable[[Report], str]:
    def check(parsed: Report) -> str:
        values = header_of(parsed, name)
        return "" if values and values[0] in allowed else f"{name}: {values or 'absent'}"
    return check


REFUSE = Refuse()  # 400, then the close
ANY_4XX = Refuse(tuple(range(400, 500)))
HELLO = b"hello"

# --- chunked framing ---------------------------------------------------------------------------
CHUNKED_VALID = case("chunked-valid", chunked_post(b"5\r\nhello\r\nA\r\n, chunked \r\n0006\r\nbodies\r\n"
                                                   b"1\r\n!\r\n000\r\n\r\n"), body_is(b"hello, chunked bodies!"),
                     "sizes 5, A, 0006 and 1, then the last chunk 000")
# What a server that decodes no chunked body at all gets wrong of the chunked grammar is that one
# defect: these cases are then not applicable, because of CHUNKED_VALID's failure.
DECODES_CHUNKED = (CHUNKED_VALID, "HTTP1-PARSE-001")


def chunk_case(name: str, build: Build, rule: Rule, shows: str) -> Case:
    return case(name, build, rule, shows, DECODES_CHUNKED)


CHUNK_EXTENSIONS = chunk_case("chunk-extensions",
                        chunked_post(b"5;probe=1\r\nhello\r\n6;probe=\"a;b\";flag\r\n world\r\n0;last\r\n\r\n"),
                        body_is(b"hello world"), "5;probe=1, 6;probe=\"a;b\";flag, 0;last")
CHUNK_EXTENSION_BWS = chunk_case("chunk-extension-bws",
                           chunked_post(b"5 ;probe=1\r\nhello\r\n6\t; probe = 2\r\n world\r\n0 ; last\r\n\r\n"),
                           body_is(b"hello world"), "5 ;probe=1, 6 HTAB; probe = 2, 0 ; last")
TRAILER_ENDS_BODY = chunk_case("trailer", chunked_post(b"5\r\nhello\r\n0\r\nX-Probe-Trailer: t\r\n\r\n"),
                         body_is(HELLO), "0 CRLF X-Probe-Trailer: t CRLF CRLF")
TRAILER_NOT_MERGED = chunk_case("trailer-not-merged", chunked_post(b"5\r\nhello\r\n0\r\nX-Probe-Trailer: t\r\n\r\n"),
                          Accept(lambda r: f"x-probe-trailer: {header_of(r, 'x-probe-trailer')}"
                                 if header_of(r, "x-probe-trailer") else "", "no x-probe-trailer header"),
                          "the trailer field X-Probe-Trailer: t")


def bad_chunk(name: str, first_line: bytes) -> Case:
    body = first_line + b"\r\nhello\r\n0\r\n\r\n"
    return chunk_case(name, chunked_post(body), REFUSE, f"the chunk-size line {first_line!r}")


CHUNK_SIZE_0X = bad_chunk("chunk-size-0x", b"0x5")
CHUNK_SIZE_PLUS = bad_chunk("chunk-size-plus", b"+5")
CHUNK_SIZE_MINUS = bad_chunk("chunk-size-minus", b"-5")
CHUNK_SIZE_SPACE = bad_chunk("chunk-size-leading-space", b" 5")
CHUNK_SIZE_UNDERSCORE = bad_chunk("chunk-size-underscore", b"5_0")
CHUNK_SIZE_EMPTY = chunk_case("chunk-size-empty", chunked_post(b"\r\nhello\r\n0\r\n\r\n"), REFUSE,
                              "an empty chunk-size line")
CHUNK_SIZE_TRAILING_SPACE = bad_chunk("chunk-size-trailing-space", b"5 ")
CHUNK_SIZE_OVERFLOW = chunk_case("chunk-size-overflow", chunked_post(b"10000000000000005\r\nhello\r\n0\r\n\r\n"),
                                 Waits(Refuse((400, 413))),
                                 "the chunk size 10000000000000005 (2**64 + 5), then 5 bytes")
CHUNK_DATA_NO_CRLF = chunk_case("chunk-data-no-crlf", chunked_post(b"5\r\nhelloXX0\r\n\r\n"), REFUSE,
                          "5 CRLF hello, then XX where CRLF belongs")
CHUNK_DATA_BARE_LF = chunk_case("chunk-data-bare-lf", chunked_post(b"5\r\nhello\n0\r\n\r\n"), REFUSE,
                          "5 CRLF hello LF: the chunk data ended by a bare LF")
CHUNK_SIZE_BARE_LF = chunk_case("chunk-size-bare-lf", chunked_post(b"5\nhello\r\n0\r\n\r\n"), REFUSE,
                          "5 LF hello CRLF: the chunk-size line ended by a bare LF")
LAST_CHUNK_UNTERMINATED = chunk_case("last-chunk-unterminated", chunked_post(b"5\r\nhello\r\n0\r\n"), REFUSE,
                                     "5 CRLF hello CRLF 0 CRLF, then a request line where the empty line belongs")
CHUNKED_PARAMETER = chunk_case("chunked-parameter",
                               post("Transfer-Encoding: chunked;x=1", body=b"5\r\nhello\r\n0\r\n\r\n"),
                               Refuse((400, 501), close=False), "Transfer-Encoding: chunked;x=1")

LONG_EXTENSION = chunk_case("chunk-extension-long",
                            chunked_post(b"5;probe=" + b"a" * (1 << 20) + b"\r\nhello\r\n0\r\n\r\n"),
                            Either(Refuse(tuple(range(400, 500)), close=False), body_is(HELLO)),
                            "a chunk extension of 1 MiB (5;probe=aaa...)")

# --- Content-Length -----------------------------------------------------------------------------


def bad_length(name: str, *values: str) -> Case:
    fields = [f"Content-Length: {value}" for value in values]
    return case(name, post(*fields, body=HELLO), REFUSE, " and ".join(f"Content-Length: {v!r}" for v in values))


LENGTH_PLUS = bad_length("length-plus", "+5")
LENGTH_MINUS = bad_length("length-minus", "-5")
LENGTH_HEX = bad_length("length-hex", "0x5")
LENGTH_UNDERSCORE = bad_length("length-underscore", "5_0")
LENGTH_EMPTY = bad_length("length-empty", "")
LENGTH_CONTROL = bad_length("length-control", "5\x0b")
LENGTH_LIST_DIFFERENT = bad_length("length-list-different", "5, 6")
LENGTH_FIELDS_DIFFERENT = bad_length("length-fields-different", "5", "6")
LENGTH_LIST_SAME = case("length-list-same", post("Content-Length: 5, 5", body=HELLO), Either(REFUSE, body_is(HELLO)),
                        "Content-Length: 5, 5")
LENGTH_FIELDS_SAME = case("length-fields-same", post("Content-Length: 5", "Content-Length: 5", body=HELLO),
                          Either(REFUSE, body_is(HELLO)), "Content-Length: 5 twice")
LENGTH_OVERFLOW = case("length-overflow", post("Content-Length: 18446744073709551621", body=HELLO),
                       Waits(Refuse((400, 413))), "Content-Length: 18446744073709551621 (2**64 + 5), then 5 bytes")
LENGTH_LEADING_ZEROS = case("length-leading-zeros", post("Content-Length: 005", body=HELLO), body_is(HELLO),
                            "Content-Length: 005")
NO_LENGTH = case("no-length", post(), body_is(b""), "POST with neither Content-Length nor Transfer-Encoding")


def cut_short(host: str, token: str) -> Sent:
    return Sent(post("Content-Length: 20", body=HELLO)(host, token).raw, half_close=True)


BODY_CUT_SHORT = case("body-cut-short", cut_short, Closes(), "Content-Length: 20, 5 bytes, then the client's close")

# --- Transfer-Encoding --------------------------------------------------------------------------
BOTH_LENGTHS = case("length-and-chunked",
                    post("Content-Length: 5", "Transfer-Encoding: chunked", body=b"0\r\n\r\n"),
                    Either(ANY_4XX, Accept(lambda r: "" if r["body"] == "" else f"body {r['body']!r}",
                                           "the empty chunked body", then_close=True)),
                    "Content-Length: 5 and Transfer-Encoding: chunked; the chunked body 0 CRLF CRLF")
CHUNKED_NOT_LAST = case("chunked-not-last", post("Transfer-Encoding: chunked, gzip", body=b"5\r\nhello\r\n0\r\n\r\n"),
                        Refuse(reported=(501,)), "Transfer-Encoding: chunked, gzip")
CHUNKED_THEN_GZIP_FIELDS = case("chunked-then-gzip-fields",
                                post("Transfer-Encoding: chunked", "Transfer-Encoding: gzip",
                                     body=b"5\r\nhello\r\n0\r\n\r\n"),
                                Refuse(reported=(501,)), "Transfer-Encoding: chunked, then Transfer-Encoding: gzip")
XCHUNKED = case("xchunked", post("Transfer-Encoding: xchunked", body=b"5\r\nhello\r\n0\r\n\r\n"),
                Refuse(reported=(501,)), "Transfer-Encoding: xchunked")
CHUNKED_CONTROL = case("chunked-control", post("Transfer-Encoding: chunked\x0b", body=b"5\r\nhello\r\n0\r\n\r\n"),
                       Refuse(reported=(501,)), "Transfer-Encoding: 'chunked\\x0b'")
UNKNOWN_CODING = case("unknown-coding", post("Transfer-Encoding: x-probe, chunked", body=b"5\r\nhello\r\n0\r\n\r\n"),
                      Refuse((501,), close=False, reported=(400,)), "Transfer-Encoding: x-probe, chunked")
HTTP10_CHUNKED = case("http10-transfer-encoding",
                      post("Connection: keep-alive", "Transfer-Encoding: chunked", "Content-Length: 5",
                           body=b"0\r\n\r\n", version="HTTP/1.0"),  # its keep-alive must not hold
                      Closes(), "POST HTTP/1.0, Connection: keep-alive, Transfer-Encoding: chunked, Content-Length: 5")
# The inner chunked body as one chunk of 0xF bytes: decoded once, it is the inner framing.
CHUNKED_TWICE = chunk_case("chunked-twice", post("Transfer-Encoding: chunked, chunked",
                                                 body=b"F\r\n5\r\nhello\r\n0\r\n\r\n\r\n0\r\n\r\n"),
                           Either(Refuse((*range(400, 500), 501), close=False), body_is(HELLO)),
                           "Transfer-Encoding: chunked, chunked; the body 5 CRLF hello CRLF 0 CRLF CRLF chunked again")
CHUNKED_CASE = chunk_case("chunked-letter-case", post("Transfer-Encoding: Chunked", body=b"5\r\nhello\r\n0\r\n\r\n"),
                    body_is(HELLO), "Transfer-Encoding: Chunked")
CHUNKED_WHITESPACE = chunk_case("chunked-whitespace", post("Transfer-Encoding: \t chunked \t",
                                                     body=b"5\r\nhello\r\n0\r\n\r\n"),
                          body_is(HELLO), "Transfer-Encoding: '\\t chunked \\t'")

# --- field syntax -------------------------------------------------------------------------------
SPACE_BEFORE_COLON = case("space-before-colon", post("X-Probe-Field : v"), REFUSE, "'X-Probe-Field : v'")


def unfolded_with_spaces(parsed: Report) -> str:
    values = header_of(parsed, "x-probe-fold")
    return "" if values and re.fullmatch(r"a +b", values[0]) else f"x-probe-fold: {values}"


OBS_FOLD = case("obs-fold", post("X-Probe-Fold: a", " b"),
                Either(REFUSE, Accept(unfolded_with_spaces, "x-probe-fold: 'a', spaces, 'b'")),
                "'X-Probe-Fold: a' CRLF ' b'")
NUL_IN_VALUE = case("nul-in-value", post("X-Probe-Field: a\x00b"),
                    Either(ANY_4XX, Accept(value_is("x-probe-field", "a b"), "x-probe-field: 'a b'")),
                    "'X-Probe-Field: a\\x00b'")
CR_IN_VALUE = case("cr-in-value", post("X-Probe-Field: a\rb"),
                   Either(ANY_4XX, Accept(value_is("x-probe-field", "a b"), "x-probe-field: 'a b'")),
                   "'X-Probe-Field: a\\rb'")
OBS_TEXT = case("obs-text", message("GET /parsed", "X-Probe-Opaque: caf\xe9 \x80\xff"),
                Accept(value_is("x-probe-opaque", "caf\xe9 \x80\xff"), "x-probe-opaque: 'caf\\xe9 \\x80\\xff'"),
                "'X-Probe-Opaque: caf\\xe9 \\x80\\xff' (obs-text)")
NAME_NOT_TOKEN = case("name-not-token", post("X-Probe@Field: v"), REFUSE, "'X-Probe@Field: v'")
EMPTY_NAME = case("empty-name", post(": v"), REFUSE, "': v'")
NO_COLON = case("no-colon", post("X-Probe-Nocolon"), REFUSE, "'X-Probe-Nocolon'")
WHITESPACE_LINE = case("whitespace-line", message("GET /parsed", lead=(" X-Probe-Injected: 1",)),
                       Either(ANY_4XX,
                              Accept(lambda r: "x-probe-injected reached the app"
                                     if any("x-probe-injected" in k for k, _ in r["headers"]) else "",
                                     "no x-probe-injected header")),
                       "' X-Probe-Injected: 1' as the first line after the request line")


def bare_lf(host: str, token: str) -> Sent:
    return Sent(f"GET /parsed HTTP/1.1\nHost: {host}\n{TOKEN_HEADER}: {token}\n\n".encode("latin-1"))


BARE_LF_LINES = case("bare-lf-lines", bare_lf, Observe(), "request and header lines ended by LF alone")
VALUE_WHITESPACE = case("value-whitespace", post("X-Probe-Field: \t v w \t"),
                        Accept(value_is("x-probe-field", "v w"), "x-probe-field: 'v w' (the inner space kept)"),
                        "'X-Probe-Field: \\t v w \\t'")

# --- request line -------------------------------------------------------------------------------


def leading_empty_line(host: str, token: str) -> Sent:
    return Sent(b"\r\n" + message("GET /parsed")(host, token).raw)


EMPTY_LINE_FIRST = case("empty-line-first", leading_empty_line, body_is(b""), "CRLF before the request line")
LOWER_CASE_VERSION = case("version-lower-case", message("GET /parsed", version="http/1.1"),
                          Refuse(close=False, reported=(505,)), "GET /parsed http/1.1")
MALFORMED_VERSION = case("version-malformed", message("GET /parsed", version="HTTP/1.1.1"),
                         Refuse(close=False, reported=(505,)), "GET /parsed HTTP/1.1.1")
HIGHER_MINOR = case("version-higher-minor", message("GET /parsed", version="HTTP/1.2"), body_is(b""),
                    "GET /parsed HTTP/1.2")
OTHER_MAJOR = case("version-other-major", message("GET /parsed", version="HTTP/3.0"), Observe(), "GET /parsed HTTP/3.0")
SEVERAL_SPACES = case("several-spaces", message("GET  /parsed ", version=" HTTP/1.1"), Observe(),
                      "'GET  /parsed  HTTP/1.1'")


def cr_in_request_line(host: str, token: str) -> Sent:
    return Sent(message("GET /parsed")(host, token).raw.replace(b"GET /parsed HTTP/1.1", b"GET /parsed\rHTTP/1.1", 1))


CR_IN_REQUEST_LINE = case("cr-in-request-line", cr_in_request_line,
                          Either(Refuse(close=False),
                                 Accept(lambda r: "" if r["path"] == "/parsed" else f"path {r['path']!r}",
                                        "the path /parsed")),
                          "'GET /parsed\\rHTTP/1.1'")
SPACE_IN_TARGET = case("space-in-target", message("GET /par sed"), Refuse((400, 301), close=False),
                       "'GET /par sed HTTP/1.1'")
METHOD_NOT_TOKEN = case("method-not-token", message("G<T /parsed"), Refuse((400, 301), close=False),
                        "'G<T /parsed HTTP/1.1'")


def absolute_form(host: str, token: str) -> Sent:
    return message(f"GET http://{host}/parsed?n=1")(host, token)


def absolute_form_other_host(host: str, token: str) -> Sent:
    return message(f"GET http://{host}/parsed")("wrong.invalid", token)


ABSOLUTE_FORM = case("absolute-form", absolute_form,
                     Accept(lambda r: "" if (r["path"], r["query"]) == ("/parsed", "n=1")
                            else f"path {r['path']!r}, query {r['query']!r}", "the path /parsed and the query n=1"),
                     "GET http://HOST/parsed?n=1")
ABSOLUTE_FORM_HOST = case("absolute-form-host", absolute_form_other_host,
                          Observe(lambda r: f"the app handed host {header_of(r, 'host')}"),
                          "GET http://HOST/parsed with Host: wrong.invalid")

# --- Host ---------------------------------------------------------------------------------------
NO_HOST = case("no-host", message("GET /parsed", host=False), Refuse(close=False), "HTTP/1.1 without Host")
TWO_HOSTS = case("two-hosts", message("GET /parsed", "Host: other.invalid"), Refuse(close=False),
                 "two Host fields")
INVALID_HOST = case("invalid-host", message("GET /parsed", host=False, lead=("Host: exa mple.invalid",)),
                    Refuse(close=False), "Host: exa mple.invalid")

# --- pipelining ---------------------------------------------------------------------------------


def three_pipelined(host: str, token: str) -> Sent:
    return Sent(b"".join(message(f"GET /parsed?n={n}")(host, token).raw for n in (1, 2, 3)), several=True)


PIPELINED = case("pipelined", three_pipelined, InOrder(("1", "2", "3")), "three GET requests in one segment")


def unread_body(host: str, token: str) -> Sent:
    inner = f"GET /record?event=smuggled HTTP/1.1\r\nHost: x\r\n{TOKEN_HEADER}: {token}\r\n\r\n".encode("latin-1")
    return message("POST /respond?body=ok", f"Content-Length: {len(inner)}", body=inner)(host, token)


UNREAD_BODY = case("unread-body", unread_body, Skips(), "a body the app never reads, itself a whole request")


# --- limits -------------------------------------------------------------------------------------
LONG = 1 << 20
LONG_TARGET = case("long-target", message("GET /parsed?q=" + "a" * LONG),
                   Either(Refuse((414,), close=False),
                          Accept(lambda r: "" if len(r["query"]) == LONG + 2 else f"a query of {len(r['query'])} "
                                 "characters", f"the whole {LONG + 2}-character query")),
                   f"a request target of {LONG} bytes")
LONG_FIELD = case("long-field", message("GET /parsed", "X-Probe-Long: " + "a" * LONG),
                  Either(Refuse(tuple(range(400, 500)), close=False),
                         Accept(lambda r: "" if len((header_of(r, "x-probe-long") or [""])[0]) == LONG
                                else "the value cut short", f"the whole {LONG}-byte value")),
                  f"a {LONG}-byte field value")
