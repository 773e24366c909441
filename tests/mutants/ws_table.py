"""The WebSocket mutants: which requirement each breaks and which checks must fail on it.
The middleware itself is in ws_mutants.py."""

from __future__ import annotations

from tests.configurations import GUNICORN_ASGI, HYPERCORN, HYPERCORN_TLS, UVICORN_WEBSOCKETS
from tests.mutants import Mutant


def ws(name: str, breaks: str, *kills: str, observes: dict[str, str] | None = None, server: str = "",
       variants: dict[str, str] | None = None) -> Mutant:
    return Mutant(f"tests.mutants.ws_mutants:{name}", breaks, tuple(f"asgi/{k}" for k in kills),
                  {f"asgi/{k}": v for k, v in (observes or {}).items()}, server=server, variants=variants or {})


DENY = "test_websocket_denial.py::"
MSG = "test_websocket_messages.py::"
CLOSE = "test_websocket_close.py::"
INSTANCES = "test_websocket_instances.py::"
H2 = "test_websocket_http2.py::"

WS_MUTANTS: tuple[Mutant, ...] = (
    # refusal and the denial response
    ws("ws_no_disconnect_after_refusal", "ASGI-WS-DISC-009",
       DENY + "test_the_app_is_told_of_the_disconnect_after_a_refusal"),
    ws("ws_denial_extension_hidden", "ASGI-EXT-WSDENIAL-001",
       observes={DENY + "test_whether_the_denial_response_extension_is_offered_is_reported": "not advertised"}),
    ws("ws_denial_status_replaced", "ASGI-EXT-WSDENIAL-002", DENY + "test_the_apps_denial_response_reaches_the_client"),
    ws("ws_denial_parts_dropped", "ASGI-EXT-WSDENIAL-003", DENY + "test_a_denial_body_in_parts_arrives_whole"),
    ws("ws_denial_keys_required", "ASGI-EXT-WSDENIAL-006",
       DENY + "test_a_denial_without_headers_or_body_is_a_valid_response", server=UVICORN_WEBSOCKETS),
    ws("ws_no_disconnect_after_denial", "ASGI-EXT-WSDENIAL-007",
       DENY + "test_the_app_is_told_of_the_disconnect_after_its_denial_response"),
    # messages
    ws("ws_text_received_as_bytes", "ASGI-WS-MSG-001", MSG + "test_a_text_message_reaches_the_app_as_str"),
    ws("ws_bytes_received_as_text", "ASGI-WS-MSG-002", MSG + "test_a_binary_message_reaches_the_app_as_bytes"),
    ws("ws_empty_text_received_as_bytes", "ASGI-WS-MSG-004",
       MSG + "test_an_empty_text_message_reaches_the_app_as_empty_text"),
    ws("ws_empty_bytes_received_as_text", "ASGI-WS-MSG-005",
       MSG + "test_an_empty_binary_message_reaches_the_app_as_empty_bytes"),
    ws("ws_messages_split", "ASGI-WS-MSG-006", MSG + "test_a_fragmented_message_reaches_the_app_whole",
       MSG + "test_a_ping_between_fragments_is_answered_and_splits_nothing"),
    ws("ws_received_out_of_order", "ASGI-WS-MSG-010", MSG + "test_messages_reach_the_app_in_order"),
    ws("ws_large_messages_cut", "ASGI-WS-MSG-016", MSG + "test_a_large_message_reaches_the_app_whole"),
    ws("ws_text_sent_as_bytes", "ASGI-WS-MSG-011", MSG + "test_text_from_the_app_reaches_the_client_as_text"),
    ws("ws_bytes_sent_as_text", "ASGI-WS-MSG-012", MSG + "test_bytes_from_the_app_reach_the_client_as_binary"),
    ws("ws_bytes_key_wins", "ASGI-WS-MSG-013", MSG + "test_a_send_with_one_key_none_sends_the_other"),
    ws("ws_empty_sends_dropped", "ASGI-WS-MSG-015", MSG + "test_empty_sends_reach_the_client_as_empty_messages"),
    ws("ws_large_sends_cut", "ASGI-WS-MSG-016", MSG + "test_a_large_message_from_the_app_reaches_the_client_whole"),
    ws("ws_sent_out_of_order", "ASGI-WS-MSG-018", MSG + "test_the_apps_messages_reach_the_client_in_order"),
    # close and disconnect
    ws("ws_disconnect_hidden", "ASGI-WS-DISC-001", CLOSE + "test_the_app_learns_that_the_client_left"),
    ws("ws_disconnect_code_1000", "ASGI-WS-DISC-002", CLOSE + "test_the_disconnect_carries_the_clients_close_code"),
    ws("ws_no_code_given_1000", "ASGI-WS-DISC-003", CLOSE + "test_a_close_frame_without_a_code_gives_1005"),
    ws("ws_disconnect_reason_replaced", "ASGI-WS-DISC-005",
       CLOSE + "test_the_clients_close_reason_reaches_the_app_from_2_5"),
    ws("ws_drop_given_1005", "ASGI-WS-DISC-006", CLOSE + "test_a_dropped_connection_gives_code_1006",
       server=GUNICORN_ASGI),
    ws("ws_send_quiet_after_disconnect", "ASGI-WS-DISC-010",
       CLOSE + "test_send_after_the_client_closed_raises_oserror_from_2_4"),
    ws("ws_close_code_1000", "ASGI-WS-CLOSE-001", CLOSE + "test_the_apps_close_code_reaches_the_client"),
    ws("ws_close_default_1001", "ASGI-WS-CLOSE-002", CLOSE + "test_a_close_without_a_code_gives_1000"),
    ws("ws_close_reason_dropped", "ASGI-WS-CLOSE-003",
       CLOSE + "test_the_apps_close_reason_reaches_the_client_from_2_3"),
    ws("ws_close_reason_required", "ASGI-WS-CLOSE-004", CLOSE + "test_a_close_without_a_reason_has_an_empty_one"),
    ws("ws_no_disconnect_after_close", "ASGI-WS-CLOSE-006",
       CLOSE + "test_the_app_is_told_of_the_disconnect_after_its_close"),
    ws("ws_send_quiet_after_close", "ASGI-WS-CLOSE-007",
       CLOSE + "test_send_after_the_apps_close_raises_oserror_from_2_4"),
    ws("ws_exception_held_open", "ASGI-WS-CLOSE-009", CLOSE + "test_an_exception_after_accept_closes_the_connection"),
    ws("ws_return_held_open", "ASGI-WS-SCOPE-016", CLOSE + "test_an_app_that_returns_gets_its_connection_closed"),
    ws("ws_one_failure_closes_all", "ASGI-WS-CLOSE-010", CLOSE + "test_other_connections_are_left_alone"),
    ws("ws_late_data_delivered", "ASGI-WS-CLOSE-008",
       observes={CLOSE + "test_whether_data_after_the_apps_close_reaches_the_app_is_reported": "reached the app"}),
    ws("ws_no_disconnect_before_accept", "ASGI-WS-DISC-008",
       CLOSE + "test_a_client_gone_before_the_accept_gives_a_disconnect"),
    ws("ws_reraise_breaks_the_server", "ASGI-WS-DISC-011", CLOSE + "test_a_send_exception_the_app_re_raises_is_caught"),
    ws("ws_invalid_send_guessed", "ASGI-WS-MSG-014", MSG + "test_a_send_with_neither_or_both_payloads_raises"),
    ws("ws_send_before_accept_accepts", "ASGI-WS-MSG-017", MSG + "test_a_send_before_the_accept_raises"),
    ws("ws_accept_after_denial_start", "ASGI-EXT-WSDENIAL-005", DENY + "test_an_accept_after_the_denial_start_raises"),
    ws("ws_no_disconnect_on_shutdown", "ASGI-WS-DISC-007",
       INSTANCES + "test_stopping_the_server_tells_the_app_of_the_disconnect"),
    Mutant("tests.mutants.ws_mutants:ws_no_pings", "ASGI-WS-MSG-009",
           observes={f"asgi/{INSTANCES}test_whether_the_server_pings_an_idle_connection_is_reported": "no ping"},
           variants={"ws_ping": "uvicorn --host {host} --port {port} --http h11 {app}"}),
    ws("ws_h2_text_received_as_bytes", "ASGI-WS-MSG-001", H2 + "test_messages_go_both_ways_over_http2",
       server=HYPERCORN, variants=HYPERCORN_TLS),
    ws("ws_reraise_logged", "ASGI-WS-DISC-012",
       CLOSE + "test_a_send_exception_the_app_re_raises_is_not_logged_as_an_error"),
)
