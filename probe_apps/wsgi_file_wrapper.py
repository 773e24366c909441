"""WSGI probe scenarios of wsgi.file_wrapper (PEP 3333, "Optional Platform-Specific File
Handling"): the wrapper as the server serves it, and as middleware sees it.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /file            wsgi.file_wrapper over a known file (?kind=, ?seek=, ?cl=, ?blksize=, ?unused=);
                   with ?kind=real, each name the server looks up on the file is recorded
  /file-info       whether environ has wsgi.file_wrapper, and whether it is callable
  /file-iterated   the app iterates wsgi.file_wrapper(BytesIO(FILE_DATA)) itself, returns the joined bytes
  /file-semantics  ?via=wrapper|loop: a 203 with app headers, the body from a file through the
                   wrapper or through iter(read, b'')
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.wsgi_common import Environ, StartResponse, params, respond, scenario, text, token
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from wsgi_common import Environ, StartResponse, params, respond, scenario, text, token  # type: ignore[no-redef]


FILE_DATA = bytes(range(256)) * 40  # 10240 bytes


class RecordedFile(io.BytesIO):
    """A file-like object whose close() is recorded; ?kind=plain gives one with only read() and
    close() (nothing a platform API could use)."""

    def __init__(self, data: bytes, probe_token: str | None) -> None:
        super().__init__(data)
        self.token = probe_token

    def close(self) -> None:
        record(self.token, "file-close")
        super().close()

    def __del__(self) -> None:  # collected without close(): that is no close() by the server
        io.BytesIO.close(self)


class PlainFile:
    def __init__(self, data: bytes, probe_token: str | None) -> None:
        self.inner = RecordedFile(data, probe_token)

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)

    def close(self) -> None:
        self.inner.close()


@scenario("/file")
def file_wrapper(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Returns wsgi.file_wrapper(file[, blksize]) over FILE_DATA. ?kind=real|bytesio|plain (a real
    file on disk, a BytesIO, an object with only read and close); ?seek=N moves the position
    first; ?cl=N declares a Content-Length; ?blksize=N passes the optional argument; ?unused=1
    wraps the file but returns another body. 404 if the server offers no file_wrapper."""
    query = params(environ)
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return respond(start_response, b"no wsgi.file_wrapper", status="404 Not Found")
    probe_token = token(environ)
    kind = query.get("kind", "bytesio")
    filelike: Any
    if kind == "real":
        filelike = tempfile.TemporaryFile()
        filelike.write(FILE_DATA)
        filelike.seek(0)
        original_close = filelike.close
        filelike = RealFile(filelike, original_close, probe_token)
    elif kind == "plain":
        filelike = PlainFile(FILE_DATA, probe_token)
    else:
        filelike = RecordedFile(FILE_DATA, probe_token)
    if "seek" in query:
        filelike.seek(int(query["seek"]))
    headers = [("Content-Type", "application/octet-stream")]
    if "cl" in query:
        headers.append(("Content-Length", query["cl"]))
    start_response("200 OK", headers)
    wrapped = wrapper(filelike, int(query["blksize"])) if "blksize" in query else wrapper(filelike)
    if query.get("unused") == "1":
        return [b"other body"]
    return wrapped


class RealFile:
    """A real file (it has a fileno(), so sendfile() may be used) whose close() is recorded, and
    each other name looked up on it, once ("file-attribute")."""

    def __init__(self, file: Any, close: Callable[[], None], probe_token: str | None) -> None:
        self.file, self._close, self.token = file, close, probe_token
        self.looked_up: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name not in self.looked_up:
            self.looked_up.add(name)
            record(self.token, "file-attribute", name=name)
        return getattr(self.file, name)

    def close(self) -> None:
        record(self.token, "file-close")
        self._close()


@scenario("/file-info")
def file_info(environ: Environ, start_response: StartResponse) -> list[bytes]:
    wrapper = environ.get("wsgi.file_wrapper")
    return text(start_response, json.dumps({"present": "wsgi.file_wrapper" in environ,
                                            "callable": callable(wrapper)}).encode())


@scenario("/file-iterated")
def file_iterated(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """As middleware may: iterate the wrapper itself and send what it yields."""
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return text(start_response, b"no wsgi.file_wrapper", "404 Not Found")
    wrapped = wrapper(io.BytesIO(FILE_DATA))
    try:
        data = b"".join(iter(wrapped))
    except Exception as raised:  # noqa: BLE001
        return text(start_response, f"iterating raised {type(raised).__name__}: {raised}".encode(), "500 Probe")
    finally:
        getattr(wrapped, "close", lambda: None)()
    return text(start_response, data)


@scenario("/file-semantics")
def file_semantics(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """?via=wrapper: wsgi.file_wrapper(file); via=loop: iter(lambda: file.read(8192), b'')."""
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return text(start_response, b"no wsgi.file_wrapper", "404 Not Found")
    filelike = tempfile.TemporaryFile()
    filelike.write(FILE_DATA)
    filelike.seek(0)
    start_response("203 Non-Authoritative Information",
                   [("Content-Type", "application/x-probe"), ("X-Probe-Fw", "kept")])
    if params(environ).get("via") == "loop":
        return iter(lambda: filelike.read(8192), b"")
    return wrapper(filelike)
