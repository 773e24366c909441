"""The ASGI mutants: which requirement each breaks and which checks must fail on it.
The middleware itself is in asgi_mutants.py."""

from __future__ import annotations

from tests.mutants import Mutant, asgi

SCOPE = "test_http_scope.py::"
BODY = "test_http_body.py::"
LIFE = "test_lifespan.py::"
HTTP_PROPS = "test_http_properties.py::"

ASGI_MUTANTS: tuple[Mutant, ...] = (
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
