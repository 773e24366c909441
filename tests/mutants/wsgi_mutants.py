"""WSGI mutants: wsgiref serving the probe app behind middleware that breaks one requirement.

Each mutant changes what the app is handed exactly as a faulty server would (see MUTANTS in
__init__.py for the requirement each breaks). Like the probe apps, this runs inside the server.
"""

from __future__ import annotations

import io
import os
import sys
import types
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote_plus
from wsgiref.util import FileWrapper

from probe_apps.wsgi_probe import app as probe

Environ = dict[str, Any]


def environ_mutant(change: Callable[[Environ], Any]) -> Callable[..., Any]:
    """The probe, called with the environ ``change`` returns (or the one it changed in place)."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        changed = change(environ)
        return probe(environ if changed is None else changed, start_response)

    return app


def _swap_protocol(environ: Environ) -> None:
    swap = {"HTTP/1.0": "HTTP/1.1", "HTTP/1.1": "HTTP/1.0"}
    environ["SERVER_PROTOCOL"] = swap.get(environ["SERVER_PROTOCOL"], environ["SERVER_PROTOCOL"])


def _mangle_query(environ: Environ) -> None:
    query = unquote_plus(environ.get("QUERY_STRING", "")).split("?")[-1]
    environ["QUERY_STRING"] = query or "None"


def _dashes_in_header_names(environ: Environ) -> Environ:
    return {("HTTP_" + k[5:].replace("_", "-") if k.startswith("HTTP_") else k): v for k, v in environ.items()}


def _header_value_decoded(environ: Environ) -> None:
    if "HTTP_X_SNOW" in environ:
        environ["HTTP_X_SNOW"] = environ["HTTP_X_SNOW"].encode("latin-1").decode("utf-8", "replace")


def _drop(key: str) -> Callable[[Environ], None]:
    def drop(environ: Environ) -> None:
        environ.pop(key, None)

    return drop


class SubDict(dict):
    pass


environ_subclass = environ_mutant(SubDict)
content_type_dropped = environ_mutant(_drop("CONTENT_TYPE"))
method_lowercased = environ_mutant(lambda e: e.update(REQUEST_METHOD=e["REQUEST_METHOD"].lower()))
script_name_set = environ_mutant(lambda e: e.update(SCRIPT_NAME="/mnt"))
path_info_quoted = environ_mutant(lambda e: e.update(PATH_INFO=quote(e["PATH_INFO"])))
path_info_utf8_decoded = environ_mutant(
    lambda e: e.update(PATH_INFO=e["PATH_INFO"].encode("latin-1").decode("utf-8", "replace"))
)
header_value_utf8_decoded = environ_mutant(_header_value_decoded)
query_string_mangled = environ_mutant(_mangle_query)
server_name_empty = environ_mutant(lambda e: e.update(SERVER_NAME=""))
server_port_from_host = environ_mutant(
    lambda e: e.update(SERVER_PORT=e.get("HTTP_HOST", "").rpartition(":")[2] or "80")
)
server_protocol_swapped = environ_mutant(_swap_protocol)
remote_port_int = environ_mutant(lambda e: e.update(REMOTE_PORT=4242))
content_type_as_http_variable = environ_mutant(
    lambda e: e.update(HTTP_CONTENT_TYPE=e["CONTENT_TYPE"]) if "CONTENT_TYPE" in e else None
)
# What a server that copies os.environ into every environ does when HTTP_X_PROBE_A is set there.
http_variable_from_os_environ = environ_mutant(lambda e: e.update(HTTP_X_PROBE_A=e.get("HTTP_X_PROBE_A", "leaked")))
header_names_keep_dashes = environ_mutant(_dashes_in_header_names)
run_once_missing = environ_mutant(_drop("wsgi.run_once"))
version_as_list = environ_mutant(lambda e: e.update({"wsgi.version": [1, 0]}))
url_scheme_https = environ_mutant(lambda e: e.update({"wsgi.url_scheme": "https"}))
run_once_true = environ_mutant(lambda e: e.update({"wsgi.run_once": True}))
multithread_false = environ_mutant(lambda e: e.update({"wsgi.multithread": False}))
multiprocess_false = environ_mutant(lambda e: e.update({"wsgi.multiprocess": False}))


class InputLosingLastByte:
    def __init__(self, stream: Any, length: int) -> None:
        self.stream, self.remaining = stream, length

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.remaining -= len(data)
        return data[:-1] if self.remaining <= 0 and data else data


class InputReadingPastSize:
    """Returns one byte more than asked for, as long as the body has one to give."""

    def __init__(self, stream: Any, length: int) -> None:
        self.stream, self.remaining = stream, length

    def read(self, size: int = -1) -> bytes:
        wanted = size + 1 if 0 < size < self.remaining else size
        data = self.stream.read(wanted)
        self.remaining -= len(data)
        return data


class InputReturningBytearray:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytearray:
        return bytearray(self.stream.read(size))


def _content_length(environ: Environ) -> int:
    return int(environ.get("CONTENT_LENGTH") or 0)


input_loses_last_byte = environ_mutant(
    lambda e: e.update({"wsgi.input": InputLosingLastByte(e["wsgi.input"], _content_length(e))})
)
input_reads_past_size = environ_mutant(
    lambda e: e.update({"wsgi.input": InputReadingPastSize(e["wsgi.input"], _content_length(e))})
)
input_returns_bytearray = environ_mutant(
    lambda e: e.update({"wsgi.input": InputReturningBytearray(e["wsgi.input"])})
)



# --- start_response -------------------------------------------------------------------------
# Each wraps the server's start_response the way a faulty server's own start_response behaves.

unchanged = probe  # for shims and for servers that break a requirement themselves (wsgi_table.py says which)

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade"}


def start_response_mutant(wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Callable[..., Any]:
    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        return probe(environ, wrap(start_response))

    return app


def _ignore_replacement(start_response: Callable[..., Any]) -> Callable[..., Any]:
    stored: list[Any] = []

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        if exc_info is not None and stored:
            return stored[0]  # keeps the first status and headers
        stored.append(start_response(status, headers, exc_info))
        return stored[0]

    return patched


def _never_raise_with_exc_info(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        try:
            return start_response(status, headers, exc_info)
        except Exception:
            if exc_info is None:
                raise
            return lambda data: None

    return patched


def _raise_another_error(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        try:
            return start_response(status, headers, exc_info)
        except Exception:
            if exc_info is None:
                raise
            raise RuntimeError("headers already sent") from None

    return patched


def _accept_second_call(start_response: Callable[..., Any]) -> Callable[..., Any]:
    stored: list[Any] = []

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        if stored and exc_info is None:
            return stored[0]
        stored.append(start_response(status, headers, exc_info))
        return stored[-1]

    return patched


def _sanitise(text: Any) -> str:
    text = text.decode("latin-1") if isinstance(text, bytes) else str(text)
    return text.split("\r")[0].split("\n")[0]


def _skip_header_checks(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """Quietly repairs what the app got wrong, so start_response never has anything to raise."""

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        cleaned = [(_sanitise(name).replace(":", "-"), _sanitise(value)) for name, value in headers]
        return start_response(_sanitise(status), cleaned, exc_info)

    return patched


def _drop_hop_by_hop(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        return start_response(status, [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP], exc_info)

    return patched


def _fold_repeated_headers(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        folded: dict[str, tuple[str, str]] = {}
        for name, value in headers:
            key = name.lower()
            folded[key] = (name, f"{folded[key][1]}, {value}") if key in folded else (name, value)
        return start_response(status, list(folded.values()), exc_info)

    return patched


def _standard_reason(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        return start_response(status.split(" ", 1)[0] + " OK", headers, exc_info)

    return patched


def assumes_start_response_called(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that, finding start_response not yet called when the app returns, sends a default."""
    calls: list[int] = []

    def tracking(*args: Any) -> Any:
        calls.append(1)
        return start_response(*args)

    result = probe(environ, tracking)
    if not calls:
        start_response("200 OK", [("Content-Type", "text/plain")])
    return result


exc_info_ignored = start_response_mutant(_ignore_replacement)
exc_info_never_raises = start_response_mutant(_never_raise_with_exc_info)
exc_info_raises_another_error = start_response_mutant(_raise_another_error)
second_call_accepted = start_response_mutant(_accept_second_call)
header_checks_skipped = start_response_mutant(_skip_header_checks)
hop_by_hop_dropped = start_response_mutant(_drop_hop_by_hop)
repeated_headers_folded = start_response_mutant(_fold_repeated_headers)
reason_phrase_replaced = start_response_mutant(_standard_reason)


# --- the response iterable and write() -------------------------------------------------------


class Body:
    """The app's body as a faulty server handles it: ``skip_close(body)`` says when close() is
    not passed on; ``closes`` is how many times it is when it is."""

    def __init__(self, result: Any, skip_close: Callable[[Body], bool], closes: int = 1) -> None:
        self.result, self.skip_close, self.closes = result, skip_close, closes
        self.done = self.failed = False
        self.sent = 0
        self.status = ""
        self.environ: Environ = {}

    def __iter__(self) -> Any:
        try:
            for block in self.result:
                self.sent += len(block)
                yield block
        except Exception:
            self.failed = True
            raise
        self.done = True

    def close(self) -> None:
        if not self.skip_close(self):
            for _ in range(self.closes):
                getattr(self.result, "close", lambda: None)()


def body_mutant(skip_close: Callable[[Body], bool], closes: int = 1) -> Callable[..., Any]:
    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        statuses: list[str] = []
        written: list[int] = []

        def tracking(status: str, headers: list, exc_info: Any = None) -> Any:
            statuses.append(status)
            write = start_response(status, headers, exc_info)

            def counting_write(data: bytes) -> Any:
                written.append(len(data))
                return write(data)

            return counting_write

        body = Body(probe(environ, tracking), skip_close, closes)
        body.environ = environ
        body.status = statuses[-1] if statuses else ""
        body.written = written  # type: ignore[attr-defined]
        return body

    return app


def _declared_length(body: Body) -> int | None:
    query = dict(pair.partition("=")[::2] for pair in body.environ.get("QUERY_STRING", "").split("&"))
    return int(query["cl"]) if query.get("cl", "").isdigit() else None


close_called_twice = body_mutant(lambda body: False, closes=2)
close_skipped_when_iteration_raises = body_mutant(lambda body: body.failed)
close_skipped_when_stopped_early = body_mutant(lambda body: not (body.done or body.failed))
close_skipped_past_content_length = body_mutant(
    lambda body: (_declared_length(body) or body.sent + 1) < body.sent
)
close_skipped_without_body = body_mutant(
    lambda body: body.environ.get("REQUEST_METHOD") == "HEAD" or body.status[:3] in ("204", "304")
)
close_skipped_after_write = body_mutant(lambda body: bool(body.written))  # type: ignore[attr-defined]


def body_attributes_probed(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that looks for a file inside any body it is given."""
    result = probe(environ, start_response)
    getattr(result, "fileno", None)
    getattr(result, "read", None)
    return result


def write_missing(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """start_response that returns None instead of a write() callable."""

    def no_write(status: str, headers: list, exc_info: Any = None) -> None:
        start_response(status, headers, exc_info)

    return probe(environ, no_write)


def write_buffered_until_the_end(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """write() data held back and sent after the returned body."""
    held: list[bytes] = []

    def buffering(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
        start_response(status, headers, exc_info)
        return held.append

    result = probe(environ, buffering)

    def body() -> Any:
        yield from result
        yield from held

    return body()


def content_length_from_the_list_alone(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """The len() == 1 shortcut taken although the app used write(): Content-Length misses the
    written bytes."""
    stored: list[Any] = []
    held: list[bytes] = []

    def storing(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
        stored[:] = [status, headers]
        return held.append

    result = probe(environ, storing)
    items = list(result)
    status, headers = stored
    if len(items) == 1 and not any(k.lower() == "content-length" for k, _ in headers):
        headers = [*headers, ("Content-Length", str(len(items[0])))]
    start_response(status, headers)
    return [*held, *items]


# --- buffering and streaming -----------------------------------------------------------------


def blocks_held_back(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that collects the whole body before it sends any of it."""
    result = probe(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return [body]


# --- wsgi.input methods ------------------------------------------------------------------------


class InputMutant:
    """wsgi.input with one method broken; the others pass through."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read(self, *args: Any) -> bytes:
        return self.stream.read(*args)

    def readline(self, *args: Any) -> bytes:
        return self.stream.readline(*args)

    def readlines(self, *args: Any) -> list[bytes]:
        return self.stream.readlines(*args)

    def __iter__(self) -> Any:
        return iter(self.stream)


class ReadlineWithoutNewline(InputMutant):
    def readline(self, *args: Any) -> bytes:
        return self.stream.readline(*args).rstrip(b"\n")


class ReadlineIgnoringSize(InputMutant):
    def readline(self, *args: Any) -> bytes:
        return self.stream.readline()


class ReadlinesEmpty(InputMutant):
    """cheroot's fault: readlines() asks readline(0) for each line, and gets nothing."""

    def readlines(self, *args: Any) -> list[bytes]:
        return []


class ReadlinesIgnoringHint(InputMutant):
    def readlines(self, *args: Any) -> list[bytes]:
        return self.stream.readlines()


class IterationInBlocks(InputMutant):
    def __iter__(self) -> Any:
        return iter(lambda: self.stream.read(2), b"")


class ReadlineWithItsOwnPosition(InputMutant):
    """readline() reads the whole body and hands out its first line: the rest is gone."""

    def readline(self, *args: Any) -> bytes:
        return self.stream.read().splitlines(True)[0]


def input_mutant(kind: type[InputMutant]) -> Callable[..., Any]:
    return environ_mutant(lambda e: e.update({"wsgi.input": kind(e["wsgi.input"])}))


readline_without_newline = input_mutant(ReadlineWithoutNewline)
readline_ignoring_size = input_mutant(ReadlineIgnoringSize)
readlines_empty = input_mutant(ReadlinesEmpty)
readlines_ignoring_hint = input_mutant(ReadlinesIgnoringHint)
iteration_in_blocks = input_mutant(IterationInBlocks)
readline_with_its_own_position = input_mutant(ReadlineWithItsOwnPosition)


# --- wsgi.errors and error handling -------------------------------------------------------------


class ErrorsWithoutWritelines:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


class AsciiOnlyErrors(ErrorsWithoutWritelines):
    def write(self, text: str) -> None:
        self.stream.write(text.encode("ascii").decode("ascii"))

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)


class ErrorsNowhere(AsciiOnlyErrors):
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


errors_without_writelines = environ_mutant(
    lambda e: e.update({"wsgi.errors": ErrorsWithoutWritelines(e["wsgi.errors"])})
)
errors_ascii_only = environ_mutant(lambda e: e.update({"wsgi.errors": AsciiOnlyErrors(e["wsgi.errors"])}))
errors_go_nowhere = environ_mutant(lambda e: e.update({"wsgi.errors": ErrorsNowhere(e["wsgi.errors"])}))


def errors_become_success(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that answers an app's exception with an empty 200."""
    try:
        return probe(environ, start_response)
    except Exception:
        start_response("200 OK", [("Content-Type", "text/plain")], sys.exc_info())
        return [b""]


def _quiet_body(result: Any, pad_to: int | None) -> Any:
    """The body, with an exception during iteration turned into a normal end (padded to
    ``pad_to`` bytes when given, so the response looks whole)."""
    sent = 0
    try:
        for block in result:
            sent += len(block)
            yield block
    except Exception:
        if pad_to is not None and sent < pad_to:
            yield b"." * (pad_to - sent)
    finally:
        getattr(result, "close", lambda: None)()


def failed_first_block_becomes_success(environ: Environ, start_response: Callable[..., Any]) -> Any:
    return _quiet_body(probe(environ, start_response), None)


def failed_body_completed(environ: Environ, start_response: Callable[..., Any]) -> Any:
    query = dict(pair.partition("=")[::2] for pair in environ.get("QUERY_STRING", "").split("&"))
    return _quiet_body(probe(environ, start_response), int(query["cl"]) if query.get("cl", "").isdigit() else None)


# --- wsgi.file_wrapper ---------------------------------------------------------------------------


def file_wrapper_mutant(make: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """The probe, handed ``make(filelike, write)`` as wsgi.file_wrapper (``write`` is the write()
    callable of the response, once start_response has been called)."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        writes: list[Any] = []

        def capturing(status: str, headers: list, exc_info: Any = None) -> Any:
            writes.append(start_response(status, headers, exc_info))
            return writes[-1]

        environ["wsgi.file_wrapper"] = lambda filelike, *blksize: make(filelike, writes[-1] if writes else None)
        return probe(environ, capturing)

    return app


def _first_block_only(filelike: Any, write: Any) -> Any:
    return [filelike.read(1000)]


def _sent_at_once(filelike: Any, write: Any) -> Any:
    write(filelike.read())
    return []


def _never_closing(filelike: Any, write: Any) -> Any:
    return iter(lambda: filelike.read(8192), b"")


def _from_the_start(filelike: Any, write: Any) -> Any:
    filelike.seek(0)
    return iter(lambda: filelike.read(8192), b"")


def _one_item_list(filelike: Any, write: Any) -> Any:
    return [filelike.read()]


file_wrapper_first_block_only = file_wrapper_mutant(_first_block_only)
file_wrapper_sends_at_once = file_wrapper_mutant(_sent_at_once)
file_wrapper_never_closes = file_wrapper_mutant(_never_closing)
file_wrapper_from_the_start = file_wrapper_mutant(_from_the_start)
file_wrapper_as_one_item_list = file_wrapper_mutant(_one_item_list)


# --- more of environ ------------------------------------------------------------------------------

repeated_header_last_wins = environ_mutant(
    lambda e: e.update(HTTP_X_DUP=e["HTTP_X_DUP"].split(",")[-1].strip()) if "HTTP_X_DUP" in e else None
)
underscore_header_dropped = environ_mutant(
    lambda e: e.update(HTTP_X_AUTH_USER=e["HTTP_X_AUTH_USER"].split(",")[0]) if "HTTP_X_AUTH_USER" in e else None
)


def _drop_host_and_change_port(environ: Environ) -> None:
    environ.pop("HTTP_HOST", None)
    environ["SERVER_PORT"] = "8081"


def _invent_content_type(environ: Environ) -> None:
    environ.setdefault("CONTENT_TYPE", "text/plain")


host_dropped_and_port_wrong = environ_mutant(_drop_host_and_change_port)
content_type_invented = environ_mutant(_invent_content_type)
remote_addr_empty = environ_mutant(lambda e: e.update(REMOTE_ADDR=""))
remote_user_empty = environ_mutant(lambda e: e.update(REMOTE_USER=""))


def _utf8_header_values(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """A server that encodes header values as UTF-8 (shown to wsgiref as the latin-1 reading of
    those bytes, so they reach the wire unchanged)."""

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        encoded = [(k, v.encode("utf-8").decode("latin-1") if isinstance(v, str) else v) for k, v in headers]
        return start_response(status, encoded, exc_info)

    return patched


header_values_utf8 = start_response_mutant(_utf8_header_values)
bytes_key_in_environ = environ_mutant(lambda e: e.update({b"X-Bytes-Key": "1"}))


def none_taken_for_empty(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that takes an app's None for an empty body."""
    result = probe(environ, start_response)
    return [] if result is None else result


def one_item_body_as_generator(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that never derives Content-Length (the body reaches it as a generator)."""
    result = probe(environ, start_response)

    def body() -> Any:
        yield from result

    return body()


# --- HTTP features and request framing (test_http_features.py, test_request_framing.py) -------
# Each rewrites the probe's whole response the way a server that takes on an HTTP feature would.

Transform = Callable[[Environ, str, list, bytes], tuple[str, list, bytes]]


def response_mutant(transform: Transform) -> Callable[..., Any]:
    """The probe's status, headers and body, collected and then rewritten by ``transform``."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        collected: dict[str, Any] = {}
        written: list[bytes] = []

        def collect(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
            collected.update(status=status, headers=headers)
            return written.append

        result = probe(environ, collect)
        try:
            body = b"".join([*written, *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, body = transform(environ, collected["status"], collected["headers"], body)
        start_response(status, headers)
        return [body]

    return app


def _header(headers: list, name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name.lower()), None)


def _without(headers: list, *names: str) -> list:
    return [(k, v) for k, v in headers if k.lower() not in {n.lower() for n in names}]


def _charset_changed(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    return status, [(k, v.replace("charset=latin-1", "charset=utf-8") if k.lower() == "content-type" else v)
                    for k, v in headers], body


def _validate_etag(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    etag = _header(headers, "ETag")
    if status.startswith("200") and etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
        return "304 Not Modified", _without(headers, "Content-Length"), b""
    return status, headers, body


def _gzip_when_accepted(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    import gzip

    if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "") or _header(headers, "Content-Encoding"):
        return status, headers, body
    packed = gzip.compress(body)
    return status, [*_without(headers, "Content-Length"), ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding"),
                    ("Content-Length", str(len(packed)))], packed


def _serve_ranges(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    first, _, last = environ.get("HTTP_RANGE", "").removeprefix("bytes=").partition("-")
    if not (status.startswith("200") and first.isdigit() and last.isdigit()):
        return status, headers, body
    part = body[int(first):int(last) + 1]
    return "206 Partial Content", [*_without(headers, "Content-Length"), ("Content-Length", str(len(part))),
                                   ("Content-Range", f"bytes {first}-{last}/{len(body)}")], part


def _head_content_length_zeroed(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if environ["REQUEST_METHOD"] != "HEAD":
        return status, headers, body
    return status, [*_without(headers, "Content-Length"), ("Content-Length", "0")], b""


def _interim_status_replaced(environ: Environ, status: str, headers: list, body: bytes) -> tuple[str, list, bytes]:
    if status.startswith("1"):
        return "500 Internal Server Error", [("Content-Type", "text/plain")], b"a 1xx status is no final response"
    return status, headers, body


content_type_charset_changed = response_mutant(_charset_changed)
cache_validation = response_mutant(_validate_etag)
gzip_when_accepted = response_mutant(_gzip_when_accepted)
ranges_served = response_mutant(_serve_ranges)
head_content_length_zeroed = response_mutant(_head_content_length_zeroed)
interim_status_replaced = response_mutant(_interim_status_replaced)
# What a server that counts a chunked body it has not read yet as empty tells the app.
chunked_content_length_zero = environ_mutant(
    lambda e: e.update(CONTENT_LENGTH="0") if "chunked" in e.get("HTTP_TRANSFER_ENCODING", "").lower() else None
)


# --- environ: paths, headers and launch variants (issue #3) ----------------------------------


def _encoded_slash_refused(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """Refuses the path the %2F check sends, as a server that rejects encoded slashes would."""
    if environ.get("PATH_INFO") == "/environ/a/b":
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    return probe(environ, start_response)


def _path_normalised(environ: Environ) -> None:
    segments: list[str] = []
    for segment in environ["PATH_INFO"].split("/")[1:]:
        if segment == "..":
            segments = segments[:-1]
        elif segment not in (".", ""):
            segments.append(segment)
    environ["PATH_INFO"] = "/" + "/".join(segments)


def _root_as_script_name(environ: Environ) -> None:
    if environ.get("PATH_INFO") == "/":
        environ.update(SCRIPT_NAME="/", PATH_INFO="")


class InputNegativeSizeAsZero(InputMutant):
    """read(-1) reads nothing, read(None) raises: a size taken at face value."""

    def read(self, *args: Any) -> bytes:
        if args and args[0] is None:
            raise TypeError("read() size must be an int")
        return b"" if args and args[0] < 0 else self.stream.read(*args)


def _body_pre_read(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """Reads the whole body before calling the app, as a buffering server does."""
    length = environ.get("CONTENT_LENGTH") or ""
    body = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return probe(environ, start_response)


def _query_string_dropped_when_empty(environ: Environ) -> None:
    if environ.get("QUERY_STRING") == "":
        del environ["QUERY_STRING"]


def _hop_by_hop_removed(environ: Environ) -> None:
    for key in ("HTTP_CONNECTION", "HTTP_KEEP_ALIVE", "HTTP_TE", "HTTP_UPGRADE"):
        environ.pop(key, None)


def _os_environ_copied(environ: Environ) -> None:
    for key, value in os.environ.items():
        environ.setdefault(key, value)


encoded_slash_refused = _encoded_slash_refused
path_normalised = environ_mutant(_path_normalised)
root_script_name_slash = environ_mutant(_root_as_script_name)
path_info_lowercased = environ_mutant(lambda e: e.update(PATH_INFO=e["PATH_INFO"].lower()))
query_string_absent_when_empty = environ_mutant(_query_string_dropped_when_empty)
content_length_padded = environ_mutant(lambda e: e.update(CONTENT_LENGTH=(e.get("CONTENT_LENGTH") or "0") + " "))
server_name_is_software = environ_mutant(lambda e: e.update(SERVER_NAME="WSGIServer/0.2"))
header_value_padded = environ_mutant(lambda e: e.update(HTTP_X_WS=" " + e["HTTP_X_WS"] + "\t") if "HTTP_X_WS" in e
                                     else None)
host_lowercased_or_empty = environ_mutant(lambda e: e.update(HTTP_HOST=e.get("HTTP_HOST", "").lower()))
hop_by_hop_removed = environ_mutant(_hop_by_hop_removed)
authorization_removed = environ_mutant(_drop("HTTP_AUTHORIZATION"))
server_variable_in_capitals = environ_mutant(lambda e: e.update({"Probe.Extra": "1"}))
input_terminated_set = environ_mutant(lambda e: e.update({"wsgi.input_terminated": True}))
input_negative_size_as_zero = input_mutant(InputNegativeSizeAsZero)
body_pre_read = _body_pre_read
os_environ_copied = environ_mutant(_os_environ_copied)
script_name_with_trailing_slash = environ_mutant(
    lambda e: e.update(SCRIPT_NAME=e["SCRIPT_NAME"] + "/") if e.get("SCRIPT_NAME") else None
)
mount_point_path_info_slash = environ_mutant(lambda e: e.update(PATH_INFO=e.get("PATH_INFO") or "/"))
url_scheme_http = environ_mutant(lambda e: e.update({"wsgi.url_scheme": "http"}))


# --- calling the app, start_response's arguments (wsgi_calling.py's scenarios) -------------------------


def called_with_keywords(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that calls the app as application(environ=..., start_response=...)."""
    return probe(environ=environ, start_response=start_response)


def called_twice(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that calls the app once more for the same request (a retry), dropping the first answer."""
    first = probe(dict(environ), lambda status, headers, exc_info=None: (lambda data: None))
    getattr(first, "close", lambda: None)()
    return probe(environ, start_response)


def iterable_kinds_dropped(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that streams lists and generators, and takes any other iterable for one block."""
    result = probe(environ, start_response)
    if type(result) is list or isinstance(result, types.GeneratorType):
        return result
    return [next(iter(result))]


def _exc_info_keyword_only(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, *, exc_info: Any = None) -> Any:
        return start_response(status, headers, exc_info)

    return patched


def _headers_at_once_for_content_length_zero(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        write = start_response(status, headers, exc_info)
        if any(name.lower() == "content-length" and value == "0" for name, value in headers):
            write(b"")  # wsgiref sends the headers on the first write(), even an empty one
        return write

    return patched


def _exc_info_kept(start_response: Callable[..., Any]) -> Callable[..., Any]:
    kept: list[Any] = []

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        kept.append(exc_info)
        return start_response(status, headers, exc_info)

    return patched


exc_info_keyword_only = start_response_mutant(_exc_info_keyword_only)
headers_at_once_for_content_length_zero = start_response_mutant(_headers_at_once_for_content_length_zero)
exc_info_kept = start_response_mutant(_exc_info_kept)


# --- Expect: 100-continue (test_expect.py) -------------------------------------------------------


class InputNotWaiting:
    """wsgi.input that gives b'' at once when no byte has arrived yet, instead of waiting for the
    client (which sends the body only after the 100 Continue)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        import select

        buffered = self.stream.peek(1) if hasattr(self.stream, "peek") and select.select([self.stream], [], [], 0)[0] \
            else b""
        return self.stream.read(size) if buffered else b""


input_not_waiting = environ_mutant(lambda e: e.update({"wsgi.input": InputNotWaiting(e["wsgi.input"])}))


# --- write() and the iterable: more (test_iterable.py) -------------------------------------------


def _write_mutant(change: Callable[[Callable[[Any], Any]], Callable[[Any], Any]]) -> Callable[..., Any]:
    """The probe, whose write() callable is ``change(write)``."""

    def wrap(start_response: Callable[..., Any]) -> Callable[..., Any]:
        def patched(status: str, headers: list, exc_info: Any = None) -> Any:
            return change(start_response(status, headers, exc_info))

        return patched

    return start_response_mutant(wrap)


empty_writes_dropped = _write_mutant(lambda write: lambda data: write(data) if data else None)
write_encodes_str = _write_mutant(lambda write: lambda data: write(data.encode() if isinstance(data, str) else data))


def body_rewritten(change: Callable[[Any, Environ], Any]) -> Callable[..., Any]:
    """The probe, whose returned body the server takes as ``change(body, environ)``."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        return change(probe(environ, start_response), environ)

    return app


def _closed_before_iterating(result: Any, environ: Environ) -> Any:
    iterator = iter(result)
    getattr(result, "close", lambda: None)()
    return iterator


def _head_body_closed_at_once(result: Any, environ: Environ) -> Any:
    if environ.get("REQUEST_METHOD") != "HEAD":
        return result
    getattr(result, "close", lambda: None)()
    return []


class _StrEncoded:
    def __init__(self, result: Any) -> None:
        self.result = result

    def __iter__(self) -> Any:
        return (block.encode() if isinstance(block, str) else block for block in self.result)

    def close(self) -> None:
        getattr(self.result, "close", lambda: None)()


line_endings_normalised = body_rewritten(lambda result, environ: [block.replace(b"\r\n", b"\n") for block in result])
closed_before_iterating = body_rewritten(_closed_before_iterating)
head_body_closed_at_once = body_rewritten(_head_body_closed_at_once)
str_blocks_encoded = body_rewritten(lambda result, environ: _StrEncoded(result))


# --- wsgi.file_wrapper: more (test_file_wrapper.py) ----------------------------------------------

file_wrapper_missing = environ_mutant(_drop("wsgi.file_wrapper"))


def _keyword_only_file_wrapper(environ: Environ) -> None:
    original = environ["wsgi.file_wrapper"]

    def wrapper(*, filelike: Any, blksize: int = 8192) -> Any:
        return original(filelike, blksize)

    environ["wsgi.file_wrapper"] = wrapper


file_wrapper_keyword_only = environ_mutant(_keyword_only_file_wrapper)


class FileMarker:
    """What a server whose file wrapper is only a marker hands out: no __iter__ of its own; the
    server sends the file itself when the app returns the marker."""

    def __init__(self, filelike: Any) -> None:
        self.filelike = filelike

    def close(self) -> None:
        getattr(self.filelike, "close", lambda: None)()


def file_wrapper_marker(own_headers: bool) -> Callable[..., Any]:
    """``own_headers``: when the app returns the marker, the server sends the file with a status
    and headers of its own (200, application/octet-stream) instead of the app's."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        environ["wsgi.file_wrapper"] = lambda filelike, *blksize: FileMarker(filelike)
        result = probe(environ, start_response)
        if not isinstance(result, FileMarker):
            return result
        if own_headers:  # exc_info lets wsgiref take the replacement: nothing was sent yet
            start_response("200 OK", [("Content-Type", "application/octet-stream")], (None, None, None))
        return iter(lambda: result.filelike.read(8192), b"")

    return app


file_wrapper_not_iterable = file_wrapper_marker(own_headers=False)
file_wrapper_with_its_own_headers = file_wrapper_marker(own_headers=True)


# --- wsgi.errors and error handling: more (test_errors.py) ---------------------------------------


class ErrorsHeldUntilFlush(AsciiOnlyErrors):
    """Buffers what is written until flush()."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.held: list[str] = []

    def write(self, text: str) -> None:
        self.held.append(text)

    def flush(self) -> None:
        self.stream.write("".join(self.held))
        self.held.clear()
        self.stream.flush()


errors_held_until_flush = environ_mutant(lambda e: e.update({"wsgi.errors": ErrorsHeldUntilFlush(e["wsgi.errors"])}))


def _error_text_added(result: Any) -> Any:
    try:
        yield from result
    except Exception:
        yield b"\n[server: the application failed]\n"
        raise
    finally:
        getattr(result, "close", lambda: None)()


def error_text_added(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that adds an error line to a text body cut short by an app error."""
    return _error_text_added(probe(environ, start_response))


# --- the last checklist items (issue #3) -----------------------------------------------------------


class BytesOnlyErrors(ErrorsWithoutWritelines):
    """wsgi.errors opened in binary mode: str is refused."""

    def write(self, data: Any) -> None:
        if not isinstance(data, bytes):
            raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}")
        self.stream.write(data.decode("latin-1"))

    def writelines(self, lines: list[Any]) -> None:
        for line in lines:
            self.write(line)


def _file_wrapper_using_fileno(filelike: Any, write: Any) -> Any:
    """As a sendfile() path does: the file's size from its descriptor, then (here) a read loop."""
    os.fstat(filelike.fileno())
    return FileWrapper(filelike)


def _headers_list_copied(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        return start_response(status, list(headers), exc_info)

    return patched


method_uppercased = environ_mutant(lambda e: e.update(REQUEST_METHOD=e["REQUEST_METHOD"].upper()))
content_type_parameters_dropped = environ_mutant(
    lambda e: e.update(CONTENT_TYPE=e["CONTENT_TYPE"].split(";")[0]) if "CONTENT_TYPE" in e else None
)
content_length_zero_without_a_body = environ_mutant(lambda e: e.update(CONTENT_LENGTH=e.get("CONTENT_LENGTH") or "0"))
server_software_dropped = environ_mutant(_drop("SERVER_SOFTWARE"))
errors_bytes_only = environ_mutant(lambda e: e.update({"wsgi.errors": BytesOnlyErrors(e["wsgi.errors"])}))
file_wrapper_using_fileno = file_wrapper_mutant(_file_wrapper_using_fileno)
headers_list_copied = start_response_mutant(_headers_list_copied)
