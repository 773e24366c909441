"""The WSGI mutants: which requirement each breaks and which checks must fail on it.
The middleware itself is in wsgi_mutants.py."""

from __future__ import annotations

from tests.configurations import (
    THREADED_WSGI,
    THREADED_WSGI_VARIANTS,
    TWO_PROCESS_WSGI,
    TWO_PROCESS_WSGI_VARIANTS,
    WSGIREF_HTTP11,
)
from tests.mutants import Mutant, wsgi

ENV = "test_environ.py::"
INPUT = "test_input.py::"
PROPS = "test_environ_properties.py::"
SR = "test_start_response.py::"
IT = "test_iterable.py::"
FRAMING = "test_framing.py::"
STREAMING = "test_streaming.py::"
ERRORS = "test_errors.py::"
EXPECT = "test_expect.py::"
FILE = "test_file_wrapper.py::"
CALLING = "test_calling.py::"
PATHS = "test_environ_paths.py::"
HEADERS = "test_environ_headers.py::"
LAUNCH = "test_environ_launch.py::"
HTTP = "test_http_features.py::"
REQ = "test_request_framing.py::"

WSGI_MUTANTS: tuple[Mutant, ...] = (
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
    # start_response
    wsgi("assumes_start_response_called", "WSGI-CALL-005", SR + "test_start_response_may_come_in_the_first_iteration"),
    # wsgiref itself sends the headers on the first block, empty or not
    wsgi("unchanged", "WSGI-SR-003", SR + "test_headers_wait_for_the_first_non_empty_block"),
    wsgi("exc_info_ignored", "WSGI-SR-006", SR + "test_exc_info_before_anything_was_sent_replaces_the_response"),
    wsgi("exc_info_never_raises", "WSGI-SR-007", SR + "test_exc_info_after_the_headers_were_sent_raises"),
    wsgi("exc_info_raises_another_error", "WSGI-SR-008",
         SR + "test_exc_info_after_the_headers_were_sent_reraises_the_apps_exception"),
    wsgi("second_call_accepted", "WSGI-SR-009", SR + "test_a_second_start_response_without_exc_info_raises"),
    wsgi("header_checks_skipped", "WSGI-SR-010", SR + "test_faulty_headers_raise_at_start_response"),
    wsgi("hop_by_hop_dropped", "WSGI-HOP-001", SR + "test_hop_by_hop_headers_raise_at_start_response"),
    wsgi("repeated_headers_folded", "WSGI-SR-016", SR + "test_repeated_app_headers_stay_separate"),
    wsgi("reason_phrase_replaced", "WSGI-SR-012", SR + "test_the_status_line_is_the_apps_status"),
    # the response iterable and write()
    wsgi("write_missing", "WSGI-SR-002", IT + "test_written_data_comes_before_the_returned_body"),
    wsgi("write_buffered_until_the_end", "WSGI-WR-004", IT + "test_written_data_comes_before_the_returned_body"),
    wsgi("write_buffered_until_the_end", "WSGI-WR-002", IT + "test_written_data_is_sent_while_the_app_goes_on"),
    wsgi("content_length_from_the_list_alone", "WSGI-IT-021",
         IT + "test_a_derived_content_length_counts_the_written_data"),
    wsgi("close_called_twice", "WSGI-IT-010", IT + "test_close_is_called_once_after_a_complete_response"),
    wsgi("close_skipped_when_iteration_raises", "WSGI-IT-011", IT + "test_close_is_called_when_the_iteration_raises"),
    wsgi("close_skipped_when_stopped_early", "WSGI-IT-013", IT + "test_close_is_called_when_the_client_hangs_up"),
    wsgi("close_skipped_past_content_length", "WSGI-IT-014",
         IT + "test_close_is_called_when_content_length_is_reached"),
    wsgi("close_skipped_without_body", "WSGI-IT-015", IT + "test_close_is_called_for_a_response_without_body"),
    wsgi("close_skipped_after_write", "WSGI-IT-016", IT + "test_close_is_called_after_the_body_was_written"),
    wsgi("body_attributes_probed", "WSGI-IT-019", IT + "test_the_server_touches_nothing_but_iteration_len_and_close"),
    # wsgiref itself goes on iterating past the app's Content-Length (so does every server tried)
    wsgi("unchanged", "WSGI-CL-002", IT + "test_iteration_stops_at_content_length"),
    # Content-Length and framing (wsgiref itself sends every byte the app gives, HEAD and 204 included)
    wsgi("unchanged", "WSGI-CL-001", FRAMING + "test_no_more_bytes_than_the_apps_content_length"),
    wsgi("unchanged", "WSGI-H11-020", FRAMING + "test_a_head_response_has_no_body"),
    wsgi("unchanged", "WSGI-CL-009", FRAMING + "test_a_204_or_304_response_has_no_body"),
    wsgi("unchanged", "WSGI-CL-008", FRAMING + "test_a_204_response_gets_no_framing_headers"),
    # buffering and streaming
    wsgi("blocks_held_back", "WSGI-BUF-001", STREAMING + "test_a_block_arrives_before_the_next_is_produced"),
    wsgi("blocks_held_back", "WSGI-BUF-002", STREAMING + "test_a_large_block_is_sent_in_full_before_the_next"),
    # wsgi.input (wsgiref hands the app the socket itself: reads past the body wait, and it does
    # not decode chunked bodies; readlines() and iteration need a server that ends the body)
    wsgi("unchanged", "WSGI-IN-003", INPUT + "test_reading_past_the_body_gives_end_of_file"),
    wsgi("unchanged", "WSGI-IN-004", INPUT + "test_read_without_an_argument_returns_the_rest"),
    wsgi("unchanged", "WSGI-IN-005", INPUT + "test_an_empty_or_exhausted_input_reads_as_empty"),
    wsgi("unchanged", "WSGI-H11-001", INPUT + "test_a_chunked_request_body_reaches_the_app_decoded"),
    wsgi("readline_without_newline", "WSGI-IN-006", INPUT + "test_readline_returns_one_line_at_a_time"),
    wsgi("readline_ignoring_size", "WSGI-IN-007", INPUT + "test_readline_honours_a_size"),
    wsgi("readlines_empty", "WSGI-IN-001", INPUT + "test_readlines_returns_every_line", server=THREADED_WSGI),
    wsgi("readlines_ignoring_hint", "WSGI-IN-008", server=THREADED_WSGI,
         observes={INPUT + "test_readlines_with_a_hint_is_reported": "ignored the hint"}),
    wsgi("iteration_in_blocks", "WSGI-IN-009", INPUT + "test_iterating_over_input_yields_the_lines",
         server=THREADED_WSGI),
    wsgi("readline_with_its_own_position", "WSGI-IN-010", INPUT + "test_the_methods_share_one_position"),
    # wsgi.errors and error handling
    wsgi("errors_without_writelines", "WSGI-ERR-001", ERRORS + "test_the_errors_stream_methods_work"),
    wsgi("errors_ascii_only", "WSGI-ERR-003", ERRORS + "test_the_errors_stream_takes_any_unicode"),
    wsgi("errors_go_nowhere", "WSGI-ERR-005",
         observes={ERRORS + "test_where_the_errors_output_goes_is_reported": "did not appear"}),
    wsgi("errors_become_success", "WSGI-EH-001",
         ERRORS + "test_an_error_before_start_response_gets_an_error_or_a_close"),
    wsgi("failed_first_block_becomes_success", "WSGI-EH-002",
         ERRORS + "test_an_error_on_the_first_block_is_no_success"),
    wsgi("failed_body_completed", "WSGI-EH-003",
         ERRORS + "test_an_error_after_the_headers_aborts_the_response[content-length]"),
    wsgi("failed_body_completed", "WSGI-EH-003",
         ERRORS + "test_an_error_after_the_headers_aborts_the_response[chunked]", server=WSGIREF_HTTP11),
    # Expect: 100-continue
    wsgi("input_not_waiting", "WSGI-H11-011", EXPECT + "test_a_read_waits_for_the_body_sent_after_the_100",
         server=WSGIREF_HTTP11),
    # an HTTP/1.1 wsgiref sends 100 at once, then leaves the body the app did not read in the stream
    wsgi("unchanged", "WSGI-H11-015", EXPECT + "test_a_final_status_before_the_body_keeps_the_connection_in_step",
         server=WSGIREF_HTTP11),
    # wsgi.file_wrapper
    wsgi("file_wrapper_first_block_only", "WSGI-FW-006", FILE + "test_the_file_wrapper_sends_the_whole_file"),
    wsgi("file_wrapper_sends_at_once", "WSGI-FW-004", FILE + "test_a_wrapper_the_app_does_not_return_sends_nothing"),
    wsgi("file_wrapper_never_closes", "WSGI-FW-005", FILE + "test_the_file_is_closed"),
    wsgi("file_wrapper_from_the_start", "WSGI-FW-007", FILE + "test_transmission_starts_at_the_current_position"),
    # wsgiref's file wrapper sends the whole file, past the app's Content-Length
    wsgi("unchanged", "WSGI-FW-008", FILE + "test_transmission_stops_at_content_length"),
    wsgi("file_wrapper_as_one_item_list", "WSGI-FW-009",
         observes={FILE + "test_a_content_length_from_the_file_is_reported": "derived from the file"}),
    # more of environ
    wsgi("repeated_header_last_wins", "WSGI-HV-003", ENV + "test_repeated_headers_are_joined_in_order"),
    # wsgiref merges X_Auth_User into HTTP_X_AUTH_USER; the mutant drops it
    wsgi("underscore_header_dropped", "WSGI-HV-008",
         observes={ENV + "test_underscore_header_names_are_reported": "dropped"}),
    wsgi("host_dropped_and_port_wrong", "WSGI-URL-001", PATHS + "test_the_url_reconstructs_from_the_environ"),
    # wsgiref itself invents CONTENT_TYPE 'text/plain'; the mutant does so on waitress
    wsgi("content_type_invented", "WSGI-ENV-051", ENV + "test_content_type_is_not_invented", server=THREADED_WSGI),
    wsgi("remote_addr_empty", "WSGI-ENV-091", ENV + "test_remote_addr_is_the_clients_address"),
    wsgi("remote_user_empty", "WSGI-ENV-093", ENV + "test_variables_without_a_value_are_left_out"),
    # strings on the wire, and more of close(), write() and persistence
    wsgi("header_values_utf8", "WSGI-STR-006", SR + "test_header_values_go_out_as_latin1"),
    wsgi("header_values_utf8", "WSGI-STR-007", SR + "test_a_header_value_beyond_latin1_is_an_error"),
    wsgi("close_skipped_when_iteration_raises", "WSGI-IT-012", IT + "test_close_is_called_when_the_first_block_raises"),
    # wsgiref sends what is written past Content-Length (and so does every server tried)
    wsgi("unchanged", "WSGI-WR-006", IT + "test_write_past_content_length_raises"),
    # an HTTP/1.1 wsgiref leaves the unread body in the stream, where it is read as the next request
    wsgi("unchanged", "WSGI-H11-007", FRAMING + "test_an_unread_body_is_not_taken_for_a_request",
         server=WSGIREF_HTTP11),
    wsgi("bytes_key_in_environ", "WSGI-STR-001", ENV + "test_environ_keys_are_native_strings"),
    wsgi("input_returns_bytearray", "WSGI-KEY-004", ENV + "test_input_has_the_read_methods"),
    wsgi("errors_without_writelines", "WSGI-KEY-005", ENV + "test_errors_has_the_write_methods"),
    # wsgiref derives Content-Length from a one-item list; the mutant hides the list
    wsgi("one_item_body_as_generator", "WSGI-IT-020",
         observes={IT + "test_a_content_length_from_a_one_item_body_is_reported": "no Content-Length derived"}),
    wsgi("none_taken_for_empty", "WSGI-EH-005", ERRORS + "test_an_app_that_breaks_the_protocol_gets_no_success[none]"),
    wsgi("assumes_start_response_called", "WSGI-EH-005",
         ERRORS + "test_an_app_that_breaks_the_protocol_gets_no_success[no-start]"),
    # HTTP features: the server plays dumb, or takes on a feature (reported)
    wsgi("content_type_charset_changed", "WSGI-HOP-003", HTTP + "test_the_apps_response_arrives_unchanged"),
    wsgi("cache_validation", "WSGI-HOP-004",
         observes={HTTP + "test_cache_validation_by_the_server_is_reported": "304"}),
    wsgi("gzip_when_accepted", "WSGI-HOP-005",
         observes={HTTP + "test_compression_by_the_server_is_reported": "compressed: Content-Encoding gzip"}),
    wsgi("ranges_served", "WSGI-HOP-006", observes={HTTP + "test_byte_ranges_by_the_server_are_reported": "206"}),
    wsgi("head_content_length_zeroed", "WSGI-H11-021", HTTP + "test_a_head_response_keeps_the_apps_headers"),
    wsgi("interim_status_replaced", "WSGI-H11-022",
         observes={HTTP + "test_a_1xx_status_from_the_app_is_reported": "500 Internal Server Error"}),
    # request framing (wsgiref reads every body by Content-Length and never looks at Transfer-Encoding)
    wsgi("chunked_content_length_zero", "WSGI-H11-002",
         REQ + "test_content_length_of_a_chunked_body_is_absent_or_decoded"),
    wsgi("unchanged", "WSGI-H11-003", REQ + "test_content_length_beside_chunked_is_refused_or_ignored_then_closed"),
    wsgi("unchanged", "WSGI-H11-004", REQ + "test_an_unknown_transfer_coding_gets_501"),
    wsgi("unchanged", "WSGI-H11-005", REQ + "test_chunked_not_last_is_refused_with_400_and_a_close"),
    # an HTTP/1.1 wsgiref keeps an HTTP/1.0 keep-alive connection open whatever its Transfer-Encoding
    wsgi("unchanged", "WSGI-H11-006", REQ + "test_transfer_encoding_in_http_1_0_ends_the_connection",
         server=WSGIREF_HTTP11),
    # environ: paths, headers and launch variants
    wsgi("root_script_name_slash", "WSGI-ENV-021", PATHS + "test_the_server_root_is_an_empty_script_name_and_a_slash"),
    wsgi("path_info_lowercased", "WSGI-ENV-033", PATHS + "test_path_info_keeps_the_case_sent"),
    wsgi("encoded_slash_refused", "WSGI-ENV-034",
         observes={PATHS + "test_an_encoded_slash_is_reported": "refused by the server (404)"}),
    wsgi("path_normalised", "WSGI-ENV-037",
         observes={PATHS + "test_path_normalisation_is_reported": "normalised to '/environ/a/c'"}),
    wsgi("query_string_absent_when_empty", "WSGI-ENV-042",
         observes={PATHS + "test_query_string_without_a_query_is_reported": "QUERY_STRING absent"}),
    wsgi("query_string_mangled", "WSGI-ENV-043",
         ENV + "test_query_string_is_exactly_what_follows_the_question_mark[second-question-mark]"),
    wsgi("content_length_padded", "WSGI-ENV-062", PATHS + "test_content_length_is_digits_or_empty"),
    wsgi("server_name_is_software", "WSGI-ENV-072", PATHS + "test_server_name_is_a_host"),
    wsgi("server_port_from_host", "WSGI-URL-002", PATHS + "test_the_url_reconstructs_without_a_host_header"),
    # wsgiref puts the whole absolute-form URI into PATH_INFO
    wsgi("unchanged", "WSGI-URL-004", PATHS + "test_an_absolute_form_target_gives_only_the_path"),
    # wsgiref hands the app a folded header with its CR LF
    wsgi("unchanged", "WSGI-HV-004", HEADERS + "test_a_folded_header_is_refused_or_unfolded"),
    wsgi("header_value_padded", "WSGI-HV-005", HEADERS + "test_whitespace_around_a_header_value_is_dropped"),
    wsgi("header_value_utf8_decoded", "WSGI-HV-006", HEADERS + "test_header_octets_arrive_as_latin1"),
    wsgi("host_lowercased_or_empty", "WSGI-HV-007", HEADERS + "test_http_host_is_the_host_header_as_sent"),
    wsgi("hop_by_hop_removed", "WSGI-HV-009",
         observes={HEADERS + "test_hop_by_hop_headers_in_the_environ_are_reported": "removed HTTP_CONNECTION"}),
    wsgi("authorization_removed", "WSGI-HV-010",
         observes={HEADERS + "test_authorization_in_the_environ_is_reported": "removed"}),
    wsgi("server_variable_in_capitals", "WSGI-ENV-097",
         HEADERS + "test_server_defined_variables_are_spelled_in_lower_case"),
    wsgi("input_terminated_set", "WSGI-KEY-010",
         observes={HEADERS + "test_input_terminated_is_reported": "= True"}),
    wsgi("input_negative_size_as_zero", "WSGI-IN-011", INPUT + "test_read_minus_one_returns_the_rest",
         server=THREADED_WSGI),
    wsgi("input_negative_size_as_zero", "WSGI-IN-011", server=THREADED_WSGI,
         observes={INPUT + "test_read_none_is_reported": "TypeError"}),
    wsgi("body_pre_read", "WSGI-IN-013", observes={INPUT + "test_when_the_app_is_called_is_reported": "pre-read"}),
    # the launch variants: wsgiref copies its OS environment, HTTP_ variables included
    wsgi("unchanged", "WSGI-HV-011", LAUNCH + "test_no_http_variable_comes_from_the_os_environment"),
    wsgi("os_environ_copied", "WSGI-ENV-094", server=THREADED_WSGI,
         observes={LAUNCH + "test_whether_os_variables_are_copied_is_reported": "copied into the environ"}),
    wsgi("script_name_with_trailing_slash", "WSGI-ENV-022", LAUNCH + "test_script_name_is_the_mount_point",
         server=THREADED_WSGI, variants=THREADED_WSGI_VARIANTS),
    # waitress, mounted, serves /mnt/probex as SCRIPT_NAME '/mnt/probe' with PATH_INFO '/mnt/probex'
    wsgi("unchanged", "WSGI-ENV-022", LAUNCH + "test_the_mount_point_ends_at_a_segment_boundary",
         server=THREADED_WSGI, variants=THREADED_WSGI_VARIANTS),
    wsgi("mount_point_path_info_slash", "WSGI-ENV-030", server=THREADED_WSGI, variants=THREADED_WSGI_VARIANTS,
         observes={LAUNCH + "test_the_mount_point_itself_is_reported": "PATH_INFO '/'"}),
    wsgi("url_scheme_http", "WSGI-KEY-003", LAUNCH + "test_url_scheme_is_https_over_tls",
         server=TWO_PROCESS_WSGI, variants=TWO_PROCESS_WSGI_VARIANTS),
    # gunicorn over TLS sets no HTTPS variable
    wsgi("unchanged", "WSGI-ENV-092", LAUNCH + "test_https_is_on_over_tls",
         server=TWO_PROCESS_WSGI, variants=TWO_PROCESS_WSGI_VARIANTS),
    # calling the app
    wsgi("called_with_keywords", "WSGI-CALL-001", CALLING + "test_the_app_is_called_with_positional_arguments"),
    wsgi("called_twice", "WSGI-CALL-003", CALLING + "test_the_app_is_called_once_per_request"),
    # wsgiref itself reads environ['SERVER_PROTOCOL'] back when it sends the headers
    wsgi("unchanged", "WSGI-CALL-004", CALLING + "test_the_app_may_empty_the_environ"),
    wsgi("iterable_kinds_dropped", "WSGI-CALL-006", CALLING + "test_any_iterable_is_served"),
    wsgi("exc_info_keyword_only", "WSGI-SR-001", SR + "test_start_response_takes_exc_info_none_positionally"),
    wsgi("headers_at_once_for_content_length_zero", "WSGI-SR-004",
         observes={SR + "test_headers_sent_early_for_content_length_zero_are_reported": "sent at start_response"}),
    wsgi("exc_info_kept", "WSGI-SR-017", SR + "test_start_response_keeps_no_reference_to_exc_info"),
    # write() and the iterable
    wsgi("empty_writes_dropped", "WSGI-WR-003",
         observes={IT + "test_headers_upon_an_empty_first_write_are_reported": "waited for body data"}),
    wsgi("write_encodes_str", "WSGI-WR-007",
         observes={IT + "test_write_with_a_str_is_handled": "returned normally; the client got b'text'"}),
    wsgi("close_skipped_after_write", "WSGI-WR-007", IT + "test_write_with_a_str_is_handled"),
    wsgi("line_endings_normalised", "WSGI-IT-002", IT + "test_the_body_goes_out_byte_for_byte"),
    wsgi("closed_before_iterating", "WSGI-IT-017", IT + "test_no_block_is_asked_for_after_close"),
    wsgi("head_body_closed_at_once", "WSGI-IT-018",
         observes={IT + "test_how_much_of_a_head_body_is_asked_for_is_reported": "closed the body early"}),
    wsgi("str_blocks_encoded", "WSGI-IT-023", observes={IT + "test_a_str_block_is_handled": "b'text' sent"}),
    wsgi("close_skipped_when_stopped_early", "WSGI-IT-023", IT + "test_a_str_block_is_handled"),
    # framing and wsgi.file_wrapper (wsgiref derives a Content-Length from the held-back one-item body)
    wsgi("blocks_held_back", "WSGI-CL-005",
         observes={FRAMING + "test_how_a_body_without_content_length_is_framed_is_reported": "the server computed"}),
    wsgi("file_wrapper_missing", "WSGI-FW-001",
         observes={FILE + "test_whether_a_file_wrapper_is_offered_is_reported": "no wsgi.file_wrapper"}),
    wsgi("file_wrapper_keyword_only", "WSGI-FW-002", FILE + "test_the_file_wrapper_takes_its_arguments_positionally"),
    wsgi("file_wrapper_not_iterable", "WSGI-FW-003", FILE + "test_the_file_wrapper_is_an_iterable_the_app_can_iterate"),
    wsgi("file_wrapper_with_its_own_headers", "WSGI-FW-010",
         FILE + "test_a_file_wrapper_response_is_the_same_as_a_read_loop"),
    # wsgi.errors and error handling
    wsgi("errors_held_until_flush", "WSGI-ERR-004",
         observes={ERRORS + "test_whether_errors_output_waits_for_flush_is_reported": "held until flush()"}),
    wsgi("error_text_added", "WSGI-EH-004",
         observes={ERRORS + "test_an_error_message_added_to_a_partial_text_response_is_reported": "[server:"}),
    wsgi("failed_body_completed", "WSGI-EH-006",
         ERRORS + "test_an_exception_from_start_response_aborts_the_response[content-length]"),
    wsgi("failed_body_completed", "WSGI-EH-006",
         ERRORS + "test_an_exception_from_start_response_aborts_the_response[chunked]", server=WSGIREF_HTTP11),
    # the last checklist items (issue #3)
    wsgi("method_lowercased", "WSGI-ENV-011",
         ENV + "test_extension_and_lower_case_methods_reach_the_app_as_sent[PROPFIND]",
         ENV + "test_extension_and_lower_case_methods_reach_the_app_as_sent[PURGE]"),
    wsgi("method_uppercased", "WSGI-ENV-011", ENV + "test_extension_and_lower_case_methods_reach_the_app_as_sent[get]"),
    # wsgiref calls the app for OPTIONS * with PATH_INFO '*', and puts a whole absolute-form URI in it
    wsgi("unchanged", "WSGI-ENV-035", PATHS + "test_path_info_is_empty_or_starts_with_a_slash"),
    wsgi("content_type_parameters_dropped", "WSGI-ENV-050", ENV + "test_content_type_is_the_header_sent"),
    wsgi("content_length_padded", "WSGI-ENV-060", ENV + "test_content_length_is_the_header_sent"),
    wsgi("content_length_zero_without_a_body", "WSGI-ENV-061",
         observes={ENV + "test_content_length_without_a_body_is_reported": "CONTENT_LENGTH '0'"}),
    wsgi("server_software_dropped", "WSGI-ENV-090", ENV + "test_other_applicable_cgi_variables_are_provided"),
    wsgi("errors_bytes_only", "WSGI-ERR-002", ERRORS + "test_the_errors_stream_methods_work"),
    # wsgiref (HTTP/1.0 handler) never sends 100 Continue: the client has to send the body unasked
    wsgi("unchanged", "WSGI-H11-012", EXPECT + "test_100_continue_does_not_wait_for_the_body"),
    # wsgiref appends the Content-Length it derives to the app's own list; the mutant hands it a copy
    wsgi("headers_list_copied", "WSGI-SR-013",
         observes={SR + "test_changes_to_the_apps_header_list_are_reported": "left as it was"}),
    wsgi("write_missing", "WSGI-WR-001", IT + "test_written_data_comes_before_the_returned_body"),
    wsgi("blocks_held_back", "WSGI-WR-005", STREAMING + "test_blocks_returned_after_write_are_streamed"),
    wsgi("file_wrapper_using_fileno", "WSGI-FW-011",
         observes={FILE + "test_which_file_methods_the_wrapper_uses_is_reported": "looked up fileno besides read()"}),
)
