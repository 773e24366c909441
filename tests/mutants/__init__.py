"""Mutants: real servers made to break exactly one requirement, to prove each check can fail.

A mutant is the real server (wsgiref for WSGI, uvicorn for ASGI) serving the probe app wrapped in
middleware that breaks one requirement. ``MUTANTS`` says, for each, which checks must fail on it
(``kills``, check node IDs relative to conformance/checks, a bare function name meaning all its
parameters), or, for informational checks that never fail, which observation must change.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutant:
    app: str  # module:attribute under tests.mutants
    breaks: str  # the requirement ID it breaks
    kills: tuple[str, ...] = ()
    observes: dict[str, str] = field(default_factory=dict)  # check -> text its observation must contain
    server: str = ""  # the launch command with {app}, when the default server cannot show the fault

    @property
    def name(self) -> str:
        return self.app.rsplit(":", 1)[1]

    @property
    def interface(self) -> str:
        return "wsgi" if ".wsgi_mutants:" in self.app else "asgi"


def wsgi(name: str, breaks: str, *kills: str, server: str = "") -> Mutant:
    return Mutant(f"tests.mutants.wsgi_mutants:{name}", breaks, tuple(f"wsgi/{k}" for k in kills), server=server)


def asgi(name: str, breaks: str, *kills: str, observes: dict[str, str] | None = None) -> Mutant:
    return Mutant(f"tests.mutants.asgi_mutants:{name}", breaks, tuple(f"asgi/{k}" for k in kills),
                  {f"asgi/{k}": v for k, v in (observes or {}).items()})


ENV = "test_environ.py::"
INPUT = "test_input.py::"
SCOPE = "test_http_scope.py::"
BODY = "test_http_body.py::"
LIFE = "test_lifespan.py::"
PROPS = "test_environ_properties.py::"
HTTP_PROPS = "test_http_properties.py::"

# Configurations that show what wsgiref (single-threaded, single-process) cannot.
THREADED_WSGI = "waitress-serve --listen={host}:{port} --threads=8 {app}"
TWO_PROCESS_WSGI = "gunicorn --no-control-socket --bind {host}:{port} --workers 2 --worker-class sync {app}"

MUTANTS: tuple[Mutant, ...] = (
    wsgi("environ_subclass", "WSGI-ENV-001", ENV + "test_environ_is_a_builtin_dict"),
    wsgi("content_type_dropped", "WSGI-ENV-002", ENV + "test_cgi_variables_with_a_value_are_present"),
    wsgi("method_lowercased", "WSGI-ENV-010", ENV + "test_request_method_is_the_method_sent"),
    wsgi("script_name_set", "WSGI-ENV-020", ENV + "test_script_name_and_path_info_split_the_path"),
    wsgi("path_info_quoted", "WSGI-ENV-031", ENV + "test_path_info_is_percent_decoded"),
    wsgi("path_info_utf8_decoded", "WSGI-STR-004", ENV + "test_non_ascii_path_bytes_arrive_as_latin1",
         PROPS + "test_path_info_is_the_percent_decoded_bytes_as_latin1"),
    wsgi("header_value_utf8_decoded", "WSGI-STR-002", ENV + "test_no_environ_string_holds_characters_above_u00ff"),
    wsgi("query_string_mangled", "WSGI-ENV-041", ENV + "test_query_string_is_exactly_what_follows_the_question_mark",
         PROPS + "test_query_string_is_exactly_the_text_sent"),
    wsgi("server_name_empty", "WSGI-ENV-070", ENV + "test_server_name_and_port_are_non_empty_strings"),
    wsgi("server_port_from_host", "WSGI-ENV-071", ENV + "test_server_port_is_the_port_the_request_came_in_on"),
    wsgi("server_protocol_swapped", "WSGI-ENV-080", ENV + "test_server_protocol_is_the_protocol_of_the_request"),
    wsgi("remote_port_int", "WSGI-ENV-095", ENV + "test_cgi_variables_are_native_strings"),
    wsgi("content_type_as_http_variable", "WSGI-ENV-096", ENV + "test_content_headers_are_not_http_variables"),
    wsgi("http_variable_from_os_environ", "WSGI-HV-001", ENV + "test_http_variables_follow_the_request_headers"),
    wsgi("header_names_keep_dashes", "WSGI-HV-002", ENV + "test_header_names_map_to_upper_case_with_underscores"),
    wsgi("run_once_missing", "WSGI-KEY-001", ENV + "test_wsgi_variables_are_present"),
    wsgi("version_as_list", "WSGI-KEY-002", ENV + "test_wsgi_version_is_the_tuple_1_0"),
    wsgi("url_scheme_https", "WSGI-KEY-003", ENV + "test_url_scheme_is_http_on_a_plain_listener"),
    wsgi("multithread_false", "WSGI-KEY-006", ENV + "test_multithread_is_true_when_calls_overlap_in_one_process",
         server=THREADED_WSGI),
    wsgi("multiprocess_false", "WSGI-KEY-007", ENV + "test_multiprocess_is_true_when_several_processes_serve",
         server=TWO_PROCESS_WSGI),
    wsgi("run_once_true", "WSGI-KEY-008", ENV + "test_run_once_is_false_when_the_process_serves_again"),
    wsgi("input_loses_last_byte", "WSGI-IN-012", INPUT + "test_input_yields_exactly_the_body",
         PROPS + "test_input_yields_exactly_the_body_sent"),
    wsgi("input_reads_past_size", "WSGI-IN-002", INPUT + "test_read_with_a_size_returns_the_body_in_bounded_pieces"),
    wsgi("input_returns_bytearray", "WSGI-STR-005", INPUT + "test_read_returns_bytes"),
    asgi("asgi_dict_missing", "ASGI-GEN-005", SCOPE + "test_scope_has_an_asgi_dict_with_a_version_string"),
    asgi("asgi_version_2", "ASGI-GEN-006", SCOPE + "test_asgi_version_is_3_0_for_a_single_callable_app"),
    asgi("spec_version_missing", "ASGI-HTTP-SCOPE-003",
         observes={SCOPE + "test_spec_version_is_reported": "asgi.spec_version = None"}),
    asgi("type_uppercased", "ASGI-HTTP-SCOPE-001", SCOPE + "test_scope_type_is_http"),
    asgi("http_version_swapped", "ASGI-HTTP-SCOPE-004", SCOPE + "test_http_version_is_the_version_of_the_request"),
    asgi("method_lowercased", "ASGI-HTTP-SCOPE-005", SCOPE + "test_method_is_the_uppercased_method_sent"),
    asgi("scheme_empty", "ASGI-HTTP-SCOPE-006", SCOPE + "test_scheme_is_http_or_absent_on_a_plain_listener"),
    asgi("path_not_decoded", "ASGI-HTTP-SCOPE-007", SCOPE + "test_path_is_percent_and_utf8_decoded",
         HTTP_PROPS + "test_path_is_the_decoding_of_the_target"),
    asgi("path_with_query", "ASGI-HTTP-SCOPE-008", SCOPE + "test_path_excludes_the_query_string"),
    asgi("raw_path_decoded", "ASGI-HTTP-SCOPE-010", SCOPE + "test_raw_path_is_the_path_bytes_as_received",
         HTTP_PROPS + "test_raw_path_is_exactly_the_bytes_sent"),
    asgi("query_string_decoded", "ASGI-HTTP-SCOPE-012",
         SCOPE + "test_query_string_is_the_bytes_after_the_question_mark",
         HTTP_PROPS + "test_query_string_is_exactly_the_bytes_sent"),
    asgi("query_string_none", "ASGI-HTTP-SCOPE-013", SCOPE + "test_query_string_is_empty_without_a_query"),
    asgi("root_path_set", "ASGI-HTTP-SCOPE-014", SCOPE + "test_root_path_is_empty_by_default"),
    asgi("headers_as_str", "ASGI-HTTP-SCOPE-016", SCOPE + "test_headers_are_pairs_of_bytes"),
    asgi("headers_reversed", "ASGI-HTTP-SCOPE-017", SCOPE + "test_repeated_header_values_keep_their_order",
         HTTP_PROPS + "test_header_values_keep_their_order_and_duplicates"),
    asgi("headers_joined", "ASGI-HTTP-SCOPE-018", SCOPE + "test_duplicate_headers_are_kept_apart"),
    asgi("header_names_uppercased", "ASGI-HTTP-SCOPE-019",
         observes={SCOPE + "test_header_name_case_is_reported": "kept as [b'X-MIXED-CASE']"}),
    asgi("header_values_ascii_only", "ASGI-HTTP-SCOPE-020", SCOPE + "test_header_values_are_the_exact_bytes_sent"),
    asgi("client_port_wrong", "ASGI-HTTP-SCOPE-023", SCOPE + "test_client_is_the_peer_address_and_port"),
    asgi("server_port_str", "ASGI-HTTP-SCOPE-025", SCOPE + "test_server_is_the_listening_address_and_port"),
    asgi("extra_empty_request_event", "ASGI-HTTP-REQ-002",
         BODY + "test_a_bodyless_request_gets_one_empty_request_event"),
    asgi("body_loses_last_byte", "ASGI-HTTP-REQ-005", BODY + "test_body_events_concatenate_to_the_body_sent",
         HTTP_PROPS + "test_body_events_join_to_exactly_the_body_sent"),
    asgi("chunked_body_not_dechunked", "ASGI-HTTP-REQ-007", BODY + "test_a_chunked_request_body_is_dechunked"),
    asgi("response_part_dropped", "ASGI-HTTP-RESP-012", BODY + "test_a_response_sent_in_parts_arrives_complete"),
    asgi("lifespan_asgi_missing", "ASGI-LS-001", LIFE + "test_lifespan_scope_has_type_and_asgi_version"),
    asgi("lifespan_bogus_first_event", "ASGI-LS-005", LIFE + "test_first_lifespan_event_is_startup"),
    asgi("startup_completed_early", "ASGI-LS-006", LIFE + "test_no_request_is_served_before_startup_completes"),
    asgi("shutdown_withheld", "ASGI-LS-009", LIFE + "test_stopping_the_server_sends_shutdown"),
    asgi("shutdown_completed_early", "ASGI-LS-010", LIFE + "test_the_server_waits_for_shutdown_complete"),
)
