"""Every check passes on a real server that gets it right.

Each reference configuration below conforms to every current check except the ones it lists as
its known findings (each with the reason: a real violation of the spec, found by this suite);
the set of checks that fail on it must be exactly that list, so a finding that goes away or a new
failure both show up here. Every check must pass (not be skipped) on at least one reference,
unless it is a known finding of one (a requirement that no server here meets).
Together with tests/test_mutants.py this shows each check can both pass and fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.configurations import (
    PROBE_WSGI,
    THREADED_WSGI,
    THREADED_WSGI_VARIANTS,
    TWO_PROCESS_WSGI,
    TWO_PROCESS_WSGI_VARIANTS,
)
from tests.suite_runner import SuiteRun, collected_checks, run_suite

SR = "wsgi/test_start_response.py::"
IT = "wsgi/test_iterable.py::"
FRAMING = "wsgi/test_framing.py::"
INPUT = "wsgi/test_input.py::"
FILE = "wsgi/test_file_wrapper.py::"
PATHS = "wsgi/test_environ_paths.py::"
HEADERS = "wsgi/test_environ_headers.py::"
LAUNCH = "wsgi/test_environ_launch.py::"
CALLING = "wsgi/test_calling.py::"
REQ = "wsgi/test_request_framing.py::"
EXPECT = "wsgi/test_expect.py::"
DISC = "asgi/test_http_disconnect.py::"
RESP = "asgi/test_http_response.py::"
CORE = "asgi/test_core.py::"
SCOPE = "asgi/test_http_scope.py::"
LIFE = "asgi/test_lifespan.py::"
H2 = "asgi/test_http2.py::"
WS_SCOPE = "asgi/test_websocket_scope.py::"
WS_HS = "asgi/test_websocket_handshake.py::"
WS_DENY = "asgi/test_websocket_denial.py::"
WS_CLOSE = "asgi/test_websocket_close.py::"
WS_MSG = "asgi/test_websocket_messages.py::"
WS_INSTANCES = "asgi/test_websocket_instances.py::"

# uvicorn serving one of the emulations in tests/emulations/ (the module's app).
EMULATED = "uvicorn --host {{host}} --port {{port}} --http h11 tests.emulations.{emulation}:app"
# The same with uvicorn's h11 protocol noting each TLS connection, for the tls extension's emulation.
TLS_NOTED = EMULATED.replace("h11", "tests.emulations.tls_extension:TlsRecordingH11Protocol")
TLS_NOTED_TLS = TLS_NOTED.replace(" tests.emulations.{emulation}:app",
                                  " --ssl-certfile {{certfile}} --ssl-keyfile {{keyfile}} "
                                  "tests.emulations.{emulation}:app")

# Checks that fail on every server tried: real findings, each with how we know. They must fail on
# every reference too (so a server that starts to pass shows up here).
PASSES_NOWHERE = {
    IT + "test_iteration_stops_at_content_length":
        "no server tried (wsgiref, waitress, gunicorn sync/gthread/gevent, cheroot, werkzeug, gevent, "
        "twisted, granian, uWSGI, bjoern, mod_wsgi, hypercorn) stops asking for blocks once the app's "
        "Content-Length is sent: each asked for all three blocks of /stream?chunks=3&size=8&cl=8",
    IT + "test_write_past_content_length_raises":
        "no server tried raises when the app write()s past its Content-Length: each returned normally "
        "(most dropped the bytes, wsgiref sent them)",
}


@dataclass(frozen=True)
class Reference:
    args: tuple[str, ...]
    # check (a bare function name means all its parameters) -> why it fails on this server
    findings: dict[str, str] = field(default_factory=dict)


def command(template: str, variants: dict[str, str] | None = None) -> tuple[str, ...]:
    """--server-cmd with the probe app, and the launch variants (TLS, root path) it has."""
    return (f"--server-cmd={template.replace('{app}', PROBE_WSGI)}", "--interface=wsgi",
            *(f"--server-variant={name}={line.replace('{app}', PROBE_WSGI)}"
              for name, line in (variants or {}).items()))


REFERENCES = {
    "wsgi": [
        Reference(("--server=wsgiref",), {
            CALLING + "test_the_app_may_empty_the_environ":
                "wsgiref reads environ['SERVER_PROTOCOL'] back when it sends the headers (client_is_modern): "
                "after the app's environ.clear() it raises KeyError and the client gets no response",
            SR + "test_headers_wait_for_the_first_non_empty_block":
                "wsgiref sends the headers on the first block even when it is empty",
            SR + "test_faulty_headers_raise_at_start_response[crlf-in-value]":
                "wsgiref (3.11) accepts CR LF in a header value and sends it: header injection",
            SR + "test_faulty_headers_raise_at_start_response[crlf-in-status]":
                "wsgiref (3.11) accepts CR LF in the status and sends it: header injection",
            SR + "test_faulty_headers_raise_at_start_response[colon-in-name]":
                "wsgiref accepts a ':' in a header name",
            FRAMING + "test_no_more_bytes_than_the_apps_content_length":
                "wsgiref sends every byte the app yields, past its Content-Length",
            FRAMING + "test_a_head_response_has_no_body": "wsgiref sends the app's body in answer to HEAD",
            FRAMING + "test_a_204_or_304_response_has_no_body": "wsgiref sends the app's body with a 204 or 304",
            FRAMING + "test_a_204_response_gets_no_framing_headers": "wsgiref adds Content-Length: 0 to a 204",
            INPUT + "test_reading_past_the_body_gives_end_of_file":
                "wsgiref's wsgi.input is the socket itself: a read past the body waits for more bytes",
            INPUT + "test_read_without_an_argument_returns_the_rest": "read() waits for the client to close",
            INPUT + "test_an_empty_or_exhausted_input_reads_as_empty": "reads past the body wait for more bytes",
            INPUT + "test_a_chunked_request_body_reaches_the_app_decoded":
                "wsgiref does not decode chunked request bodies (nor refuse them)",
            FILE + "test_transmission_stops_at_content_length":
                "wsgiref's file wrapper sends the whole file, past the app's Content-Length",
            "wsgi/test_environ.py::test_content_type_is_not_invented":
                "wsgiref sets CONTENT_TYPE 'text/plain' when the request has no Content-Type",
            REQ + "test_content_length_beside_chunked_is_refused_or_ignored_then_closed":
                "wsgiref never looks at Transfer-Encoding: a request with Content-Length and Transfer-Encoding: "
                "chunked is read by its Content-Length (RFC 9112 6.1 allows a refusal or the chunked coding alone)",
            REQ + "test_an_unknown_transfer_coding_gets_501":
                "wsgiref passes a request with Transfer-Encoding: x-probe, chunked to the app instead of a 501",
            REQ + "test_chunked_not_last_is_refused_with_400_and_a_close":
                "wsgiref passes a request with Transfer-Encoding: chunked, gzip to the app instead of a 400",
            PATHS + "test_an_absolute_form_target_gives_only_the_path":
                "wsgiref sets PATH_INFO to the whole absolute-form URI (http://host:port/environ/p); RFC 9112 3.2.2: "
                "a server MUST accept the absolute-form",
            HEADERS + "test_a_folded_header_is_refused_or_unfolded":
                "wsgiref hands the app a folded header value with its CR LF; RFC 9112 5.2: reject with "
                "400 or replace the obs-fold with spaces",
            LAUNCH + "test_no_http_variable_comes_from_the_os_environment":
                "wsgiref copies os.environ into every environ (BaseHandler.os_environ), HTTP_X_PROBE_OS=leak included, "
                "so an HTTP_ variable appears without its header",
            PATHS + "test_path_info_is_empty_or_starts_with_a_slash":
                "wsgiref calls the app for GET http://host:port (no path) with the whole URI in PATH_INFO; "
                "RFC 3875 4.1.5: PATH_INFO = \"\" | ( \"/\" path )",
            EXPECT + "test_100_continue_does_not_wait_for_the_body":
                "wsgiref's request handler speaks HTTP/1.0, and http.server sends 100 Continue only for HTTP/1.1: the "
                "client has to send the body unasked (the PEP's third way, \"not recommended\"; RFC 9110 10.1.1: the "
                "server MUST NOT wait for the content before sending the 100)",
        }),
        Reference(command(THREADED_WSGI, THREADED_WSGI_VARIANTS), {
            SR + "test_faulty_headers_raise_at_start_response[colon-in-name]":
                "waitress accepts a ':' in a header name",
            FRAMING + "test_a_head_response_has_no_body": "waitress sends the app's body in answer to HEAD",
            REQ + "test_content_length_beside_chunked_is_refused_or_ignored_then_closed":
                "waitress reads a request with Content-Length and Transfer-Encoding: chunked by the chunked coding, "
                "then keeps the connection open and answers the request behind it (parser.py sets "
                "connection_close only for Connection: close or HTTP/1.0 without keep-alive); RFC 9112 6.1: MUST close",
            REQ + "test_transfer_encoding_in_http_1_0_ends_the_connection":
                "waitress ignores Transfer-Encoding in HTTP/1.0 (reads Content-Length) and keeps a keep-alive "
                "connection open; RFC 9112 6.1: MUST close after an HTTP/1.0 message with Transfer-Encoding",
            LAUNCH + "test_the_mount_point_ends_at_a_segment_boundary":
                "waitress --url-prefix=/mnt/probe serves /mnt/probex as SCRIPT_NAME '/mnt/probe' with PATH_INFO "
                "'/mnt/probex' (task.py strips the prefix only before a '/', yet always sets SCRIPT_NAME to it)",
            SR + "test_a_malformed_status_never_goes_out_as_an_invalid_status_line":
                "waitress takes the status unchecked and sends 'HTTP/1.1 200', 'HTTP/1.1 2000 OK' and "
                "'HTTP/1.1  200 OK ' (RFC 9112 4: a 3-digit code, and the server MUST send the space after it)",
        }),
        Reference(command(TWO_PROCESS_WSGI, TWO_PROCESS_WSGI_VARIANTS), {
            CALLING + "test_the_app_may_empty_the_environ":
                "gunicorn's sync worker looks up environ['wsgi.file_wrapper'] after the app returned "
                "(isinstance(respiter, environ['wsgi.file_wrapper'])): after the app's environ.clear() the client "
                "gets a 500",
            SR + "test_headers_wait_for_the_first_non_empty_block":
                "gunicorn sends the headers on the first block even when it is empty",
            SR + "test_exc_info_before_anything_was_sent_replaces_the_response":
                "gunicorn appends the replacement headers to the first ones instead of replacing them",
            SR + "test_hop_by_hop_headers_raise_at_start_response":
                "gunicorn drops hop-by-hop headers quietly instead of raising",
            LAUNCH + "test_the_mount_point_ends_at_a_segment_boundary":
                "gunicorn with SCRIPT_NAME=/mnt/probe serves /mnt/probex as SCRIPT_NAME '/mnt/probe' with "
                "PATH_INFO 'x' (http/wsgi.py cuts len(script_name) off any path that starts with it)",
            LAUNCH + "test_https_is_on_over_tls":
                "gunicorn over TLS sets wsgi.url_scheme 'https' but no HTTPS (nor any SSL_*) variable",
            SR + "test_a_malformed_status_never_goes_out_as_an_invalid_status_line[status-without-reason]":
                "gunicorn accepts start_response('200') and sends 'HTTP/1.1 200', without the space RFC 9112 4 "
                "requires after the code (it raises for '2000 OK' and ' 200 OK ')",
        }),
        # Mounted: a server here that splits SCRIPT_NAME from PATH_INFO at a segment boundary.
        Reference(("--server=uwsgi", "-k", "test_environ_launch and not over_tls"), {}),
        # Over TLS: a server here that sets HTTPS=on (cheroot's TLS needs nothing but Python's ssl).
        Reference(("--server=cheroot", "-k", "over_tls"), {}),
    ],
    "asgi": [
        Reference(("--server=uvicorn",), {
            RESP + "test_send_raises_for_values_of_the_wrong_type[str-headers]":
                "uvicorn (h11) accepts str header names and values in http.response.start without raising",
            WS_DENY + "test_a_denial_without_headers_or_body_is_a_valid_response[body]":
                "uvicorn's websockets-sansio reads message['body'] of websocket.http.response.body: a body event "
                "without body (optional, default b'') raises KeyError and the client gets no response at all",
            WS_CLOSE + "test_a_dropped_connection_gives_code_1006":
                "uvicorn's websockets-sansio gives websocket.disconnect code 1005 (no status code) when the TCP "
                "connection is lost without a close frame; RFC 6455 (7.1.5) makes that 1006",
            WS_MSG + "test_a_send_with_neither_or_both_payloads_raises[both]":
                "uvicorn sends a websocket.send with both text and bytes as a binary message instead of raising "
                "(websockets_sansio_impl.py: bytes if not None, else text)",
        }),
        # WebSocket only: uvicorn's legacy websockets implementation, the one here that gives a denial
        # response whose start has no headers key, or whose body event has no body.
        Reference(("--server=uvicorn-websockets", "-k", "websocket"), {
            WS_CLOSE + "test_a_close_frame_without_a_code_gives_1005":
                "after a client's close frame without a code, uvicorn's legacy websockets implementation never "
                "gives the app websocket.disconnect: receive() waits on",
            WS_CLOSE + "test_send_after_the_client_closed_raises_oserror_from_2_4":
                "uvicorn's legacy websockets implementation says spec_version 2.4, yet send() after the "
                "disconnect raises RuntimeError, not an OSError subclass",
            WS_CLOSE + "test_send_after_the_apps_close_raises_oserror_from_2_4":
                "likewise after the app's own close: RuntimeError, not an OSError subclass",
            WS_MSG + "test_a_send_with_neither_or_both_payloads_raises[both]":
                "uvicorn's legacy websockets implementation sends a websocket.send with both text and bytes as a "
                "binary message instead of raising",
        }),
        # The one server here that advertises HTTP spec_version 2.4, which gates a disconnect check; with
        # HTTP/2 on, it also sends trailers in several messages, which hypercorn does not.
        Reference(("--server=gunicorn-asgi-h2",), {
            DISC + "test_send_after_the_client_left_raises_oserror_from_2_4":
                "gunicorn's asgi worker says spec_version 2.4, yet send() after the client has gone (and the "
                "app has received http.disconnect) returns quietly instead of raising an OSError subclass",
            RESP + "test_send_raises_for_an_unknown_event_type":
                "gunicorn's asgi worker ignores an http.response.bogus event without raising",
            RESP + "test_send_raises_for_values_of_the_wrong_type[str-headers]":
                "gunicorn's asgi worker accepts str header names and values without raising",
            RESP + "test_send_raises_for_an_event_out_of_order":
                "gunicorn's asgi worker accepts a body before the start, and a second start, without raising",
            CORE + "test_a_legacy_app_is_served":
                "gunicorn's asgi worker calls a legacy (double-callable) app as a single callable: 500",
            H2 + "test_authority_becomes_the_first_host_header":
                "gunicorn's asgi worker appends the host header made from :authority at the end, not the start",
            H2 + "test_no_trailers_without_te_trailers":
                "gunicorn's asgi worker sends trailers to an HTTP/2 client that did not send TE: trailers",
            WS_MSG + "test_a_send_with_neither_or_both_payloads_raises[both]":
                "gunicorn's asgi worker sends a websocket.send with both text and bytes as a text message instead of "
                "raising (gunicorn/asgi/websocket.py: text if not None, else bytes)",
            DISC + "test_a_send_waiting_on_a_client_that_left_returns":
                "gunicorn's asgi worker leaves a send() that waits for the client to read blocked for good once "
                "the client closes (HTTP/1.1: FlowControl.drain waits on an event only resume_writing sets)",
        }),
        # Raises for every invalid event the probe sends.
        Reference(("--server-cmd=hypercorn --bind {host}:{port} --worker-class asyncio {app}", "--interface=asgi"), {
            CORE + "test_a_legacy_app_is_served":
                "hypercorn calls a legacy (double-callable) app as a single callable: 500",
            H2 + "test_trailers_in_two_messages_all_arrive":
                "hypercorn sends each trailers message as its own trailing HEADERS frame; the first ends the "
                "HTTP/2 stream, so the fields of the next one never reach the client",
            WS_DENY + "test_the_connection_is_closed_after_the_403":
                "hypercorn sends the 403 with Connection: close, then keeps the connection open until the app returns",
            WS_DENY + "test_the_connection_is_closed_after_the_denial_response":
                "hypercorn keeps the connection open after the app's denial response until the app returns",
            WS_DENY + "test_a_denial_without_headers_or_body_is_a_valid_response[headers]":
                "hypercorn reads response['headers'] of websocket.http.response.start: without the key (optional, "
                "default []) the client gets a 500",
            WS_CLOSE + "test_the_disconnect_carries_the_clients_close_code":
                "hypercorn gives websocket.disconnect code 1006 whatever code the client's close frame carried",
            WS_CLOSE + "test_a_close_frame_without_a_code_gives_1005":
                "hypercorn gives code 1006 for a client's close frame without a code (the spec says 1005)",
            WS_MSG + "test_a_send_with_neither_or_both_payloads_raises[both]":
                "hypercorn sends a websocket.send with both text and bytes as a binary message instead of raising "
                "(protocol/ws_stream.py: bytes if not None, else text)",
            WS_DENY + "test_an_accept_after_the_denial_start_raises":
                "hypercorn holds websocket.http.response.start until the body; a websocket.accept in between does not "
                "raise and completes the handshake: the client gets 101, then close 1011, instead of the app's 401",
            WS_INSTANCES + "test_stopping_the_server_tells_the_app_of_the_disconnect":
                "stopped (SIGTERM) with a WebSocket open, hypercorn cancels the app's task (CancelledError in its "
                "receive()) and sends the client close 1011: the app never gets websocket.disconnect",
        }),
        # The one server here that offers http.response.pathsend.
        Reference(("--server=granian",), {
            CORE + "test_a_legacy_app_is_served":
                "granian calls a legacy (double-callable) app as a single callable: 500",
            RESP + "test_a_start_without_headers_gives_a_valid_response":
                "granian answers 500 to an http.response.start without headers (optional, default [])",
            RESP + "test_send_raises_for_values_of_the_wrong_type[str-body]":
                "granian accepts a str body without raising (and sends an empty body)",
            SCOPE + "test_http_version_is_the_version_of_the_request[1.0]":
                "granian reports http_version '1' for an HTTP/1.0 request (the spec allows '1.0', '1.1', '2')",
            SCOPE + "test_client_is_the_peer_address_and_port": "granian gives the client port as a str",
            SCOPE + "test_server_is_the_listening_address_and_port": "granian gives the server port as a str",
            LIFE + "test_the_server_leaves_the_lifespan_state_alone":
                "granian empties the lifespan state before it sends lifespan.shutdown",
            H2 + "test_a_head_response_carries_no_body_over_http2":
                "granian sends the app's body in DATA frames in answer to HEAD over HTTP/2, h2c and TLS alike "
                "(RFC 9110 9.3.2: the server MUST NOT send content); over HTTP/1.1 it does not",
            WS_SCOPE + "test_client_is_the_peer_address_and_port": "granian: the client port is a str (WebSocket)",
            WS_SCOPE + "test_server_is_the_listening_address_and_port": "granian: the server port is a str (WebSocket)",
            WS_SCOPE + "test_headers_keep_the_order_they_were_sent_in":
                "granian groups the handshake's header lines by name: the second X-Dup moves before X-Probe-Order-B",
            WS_HS + "test_the_accepts_headers_reach_the_client":
                "granian says spec_version 2.3 in the websocket scope, yet drops every header of websocket.accept",
            WS_DENY + "test_the_connection_is_closed_after_the_403":
                "granian keeps the connection open after the 403, and serves further HTTP requests on it",
            WS_DENY + "test_the_connection_is_closed_after_the_denial_response":
                "granian keeps the connection open after the app's denial response",
            WS_DENY + "test_a_denial_body_in_parts_arrives_whole":
                "granian raises 'Unsupported ASGI message' on a second websocket.http.response.body: the client "
                "gets a bare 403 instead of the app's response",
            WS_DENY + "test_a_denial_without_headers_or_body_is_a_valid_response[headers]":
                "granian answers a bare 403 when websocket.http.response.start has no headers key (optional)",
            WS_DENY + "test_the_app_is_told_of_the_disconnect_after_its_denial_response":
                "after the app's denial response, granian never sends websocket.disconnect (receive() waits)",
            WS_CLOSE + "test_a_dropped_connection_gives_code_1006":
                "granian gives websocket.disconnect code 1005 when the TCP connection is lost without a close frame",
            WS_DENY + "test_an_accept_after_the_denial_start_raises":
                "granian lets a websocket.accept after websocket.http.response.start through without raising: the "
                "client gets 101 and a close frame instead of the app's 401",
        }),
        # Emulations, not real servers: uvicorn behind middleware that does right what no installed server
        # does at all (tests/emulations/), so that the checks of it are seen to pass.
        Reference((f"--server-cmd={EMULATED.format(emulation='send_errors')}", "--interface=asgi",
                   "-k", "test_an_error_from_send_re_raised_by_the_app_is_caught_quietly")),
        Reference((f"--server-cmd={TLS_NOTED.format(emulation='tls_extension')}", "--interface=asgi",
                   f"--server-variant=tls={TLS_NOTED_TLS.format(emulation='tls_extension')}",
                   "-k", "test_tls_extension")),
        Reference((f"--server-cmd={EMULATED.format(emulation='early_hints')}", "--interface=asgi",
                   "-k", "early_hint_over_http_1_1")),
        Reference((f"--server-cmd={EMULATED.format(emulation='zerocopy')}", "--interface=asgi",
                   "-k", "test_zerocopy_send")),
        # The one server here that says spec_version 2.0 in the websocket scope.
        Reference(("--server=daphne", "-k", "2_0_server")),
        # WebSocket over HTTP/2 over TLS (ALPN h2): hypercorn by its adapter's tls variant (the full run of
        # hypercorn above has none), the one server here that offers extended CONNECT.
        Reference(("--server=hypercorn", "-k", "test_websocket_http2")),
    ],
}


def matches(check: str, key: str) -> bool:
    return check == key or check.startswith(key + "[")


@pytest.mark.parametrize("interface", sorted(REFERENCES))
def test_every_check_passes_on_a_conforming_server(interface: str, tmp_path: Path) -> None:
    runs: list[SuiteRun] = []
    known_findings: set[str] = set()
    for index, reference in enumerate(REFERENCES[interface]):
        folder = tmp_path / str(index)
        folder.mkdir()
        run = run_suite(list(reference.args), folder)
        outcomes = run.outcomes()
        assert outcomes, f"{reference.args}: no check ran\n{run.output[-4000:]}"
        failed = {check for check, outcome in outcomes.items() if outcome == "failed"}
        # (a reference run narrowed by -k judges only the checks it ran)
        nowhere = {k: v for k, v in PASSES_NOWHERE.items() if any(matches(c, k) for c in outcomes)}
        findings = {**reference.findings, **(nowhere if interface == "wsgi" else {})}
        unexpected = sorted(c for c in failed if not any(matches(c, k) for k in findings))
        gone = sorted(k for k in findings if not any(matches(c, k) for c in failed))
        assert not unexpected, f"{reference.args}: checks that failed:\n{run.output[-4000:]}"
        assert not gone, f"{reference.args}: known findings that no longer fail (update the list): {gone}"
        runs.append(run)
        known_findings |= failed
    passed = {check for run in runs for check, outcome in run.outcomes().items() if outcome == "passed"}
    never_passed = sorted(c for c in set(collected_checks(interface, tmp_path)) - passed - known_findings
                          if not any(matches(c, k) for k in PASSES_NOWHERE))
    assert not never_passed, f"checks that passed on no reference server: {never_passed}"
