"""The ASGI mutants: which requirement each breaks and which checks must fail on it.
The middleware itself is in asgi_mutants.py."""

from __future__ import annotations

from tests.mutants import Mutant, asgi

SCOPE = "test_http_scope.py::"
BODY = "test_http_body.py::"
LIFE = "test_lifespan.py::"
HTTP_PROPS = "test_http_properties.py::"
RESP = "test_http_response.py::"
DISC = "test_http_disconnect.py::"

# Configurations that show what the default (uvicorn, h11) cannot: its httptools protocol frames
# a response as the scope and headers it was handed say; --lifespan on makes a raising lifespan fatal.
UVICORN_HTTPTOOLS = "uvicorn --host {host} --port {port} --http httptools {app}"
UVICORN_LIFESPAN_ON = "uvicorn --host {host} --port {port} --http h11 --lifespan on {app}"

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
         HTTP_PROPS + "test_body_events_join_to_exactly_the_body_sent", BODY + "test_a_large_body_arrives_whole"),
    asgi("chunked_body_not_dechunked", "ASGI-HTTP-REQ-007", BODY + "test_a_chunked_request_body_is_dechunked",
         BODY + "test_a_large_chunked_body_is_dechunked_whole"),
    asgi("empty_body_split_in_two", "ASGI-HTTP-REQ-009",
         BODY + "test_an_empty_body_with_content_length_0_is_one_empty_event"),
    asgi("response_part_dropped", "ASGI-HTTP-RESP-012", BODY + "test_a_response_sent_in_parts_arrives_complete"),
    asgi("lifespan_asgi_missing", "ASGI-LS-001", LIFE + "test_lifespan_scope_has_type_and_asgi_version"),
    asgi("lifespan_bogus_first_event", "ASGI-LS-005", LIFE + "test_first_lifespan_event_is_startup"),
    asgi("startup_completed_early", "ASGI-LS-006", LIFE + "test_no_request_is_served_before_startup_completes"),
    asgi("shutdown_withheld", "ASGI-LS-009", LIFE + "test_stopping_the_server_sends_shutdown"),
    asgi("shutdown_completed_early", "ASGI-LS-010", LIFE + "test_the_server_waits_for_shutdown_complete"),
    # responses
    asgi("status_off_by_one", "ASGI-HTTP-RESP-001", RESP + "test_the_status_line_carries_the_apps_status"),
    asgi("response_headers_reversed", "ASGI-HTTP-RESP-002", RESP + "test_response_headers_keep_the_apps_order"),
    asgi("missing_headers_key_is_an_error", "ASGI-HTTP-RESP-003",
         RESP + "test_a_start_without_headers_gives_a_valid_response"),
    asgi("set_cookies_joined", "ASGI-HTTP-RESP-004", RESP + "test_set_cookie_headers_stay_separate_lines"),
    asgi("body_parts_held_back", "ASGI-HTTP-RESP-011",
         RESP + "test_each_part_of_a_stream_arrives_before_the_next_is_sent"),
    asgi("bare_body_event_gets_a_body", "ASGI-HTTP-RESP-015",
         RESP + "test_a_bare_body_event_completes_an_empty_response"),
    asgi("completion_deferred", "ASGI-HTTP-RESP-016",
         RESP + "test_a_body_sent_after_the_response_completed_goes_nowhere"),
    asgi("head_body_sent", "ASGI-HTTP-RESP-021", RESP + "test_a_head_response_carries_no_body",
         server=UVICORN_HTTPTOOLS),
    asgi("no_body_status_chunked", "ASGI-HTTP-RESP-022", RESP + "test_a_204_or_304_response_carries_no_body",
         server=UVICORN_HTTPTOOLS),
    asgi("silent_app_left_hanging", "ASGI-HTTP-RESP-023",
         RESP + "test_an_app_that_returns_without_a_response_does_not_leave_the_client_waiting"),
    asgi("exception_left_hanging", "ASGI-GEN-021", RESP + "test_an_exception_before_the_response_ends_the_request"),
    asgi("exception_completes_response", "ASGI-GEN-021",
         RESP + "test_an_exception_after_the_response_started_leaves_it_visibly_incomplete"),
    # disconnect
    asgi("request_event_after_response", "ASGI-HTTP-DISC-001",
         DISC + "test_receive_after_the_response_returns_disconnect"),
    asgi("hang_up_hidden", "ASGI-HTTP-DISC-002", DISC + "test_a_client_hanging_up_gives_disconnect"),
    asgi("disconnect_delivered_once", "ASGI-HTTP-DISC-003",
         observes={DISC + "test_a_second_receive_after_disconnect_is_reported": "blocked (nothing within 1 s)"}),
    asgi("cut_body_claimed_complete", "ASGI-HTTP-DISC-004",
         DISC + "test_a_client_hanging_up_mid_body_gives_disconnect_not_a_cut_body"),
    asgi("claims_spec_version_2_4", "ASGI-HTTP-DISC-008",
         DISC + "test_send_after_the_client_left_raises_oserror_from_2_4"),
    asgi("send_raises_after_disconnect", "ASGI-GEN-022",
         DISC + "test_send_after_the_client_left_is_a_no_op_before_2_4"),
    # lifespan failures and state
    asgi("startup_failure_ignored", "ASGI-LS-006", LIFE + "test_a_server_whose_startup_failed_serves_nothing"),
    asgi("startup_failure_message_dropped", "ASGI-LS-007",
         LIFE + "test_a_failed_startup_stops_the_server_with_the_apps_message"),
    asgi("shutdown_failure_message_dropped", "ASGI-LS-011",
         LIFE + "test_a_failed_shutdown_is_printed_and_the_server_terminates"),
    asgi("lifespan_fatal_on_raise", "ASGI-LS-013", LIFE + "test_an_app_raising_on_the_lifespan_scope_is_still_served",
         server=UVICORN_LIFESPAN_ON),
    asgi("lifespan_fatal_on_startup_raise", "ASGI-LS-014",
         LIFE + "test_an_app_raising_on_lifespan_startup_is_still_served", server=UVICORN_LIFESPAN_ON),
    asgi("lifespan_spec_version_2_3", "ASGI-LS-002",
         observes={LIFE + "test_lifespan_spec_version_is_reported": "not a lifespan spec version"}),
    asgi("state_prefilled", "ASGI-STATE-001", LIFE + "test_lifespan_state_starts_empty"),
    asgi("state_not_passed_on", "ASGI-STATE-002", LIFE + "test_request_scopes_carry_the_lifespan_state"),
    asgi("state_shared_not_copied", "ASGI-STATE-004", LIFE + "test_a_requests_changes_to_its_state_do_not_leak"),
    asgi("state_deep_copied", "ASGI-STATE-005", LIFE + "test_objects_in_the_state_are_shared_not_copied"),
    asgi("state_cleared_before_shutdown", "ASGI-STATE-006", LIFE + "test_the_server_leaves_the_lifespan_state_alone"),
)
