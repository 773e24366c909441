"""HTTP/1.1 message parsing, as RFC 9112 and RFC 9110 ask it of every server, whichever
interface it serves: chunked framing, Content-Length, Transfer-Encoding, field and request-line
syntax, Host, pipelining and limits (conformance/requirements/http_parsing.toml).

Each check runs once per interface the server serves, and judges one case (cases.py: what is
sent, and which answers its sentence allows) of a batch sent all at once (batch.py): a refusal is
the status the sentence names, then the close where it asks for one, with the request sent after
it never answered; an acceptance is judged by what the probe app was handed.
"""

from __future__ import annotations

import pytest

from conformance.checks.http import cases
from conformance.checks.http.conftest import Parsing


@pytest.mark.requirement("HTTP1-PARSE-001")
def test_a_chunked_body_reaches_the_app_as_its_decoded_bytes(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_VALID)


@pytest.mark.requirement("HTTP1-PARSE-002")
def test_chunk_extensions_are_ignored(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_EXTENSIONS)


@pytest.mark.requirement("HTTP1-PARSE-003")
def test_whitespace_around_a_chunk_extension_is_removed(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_EXTENSION_BWS)


@pytest.mark.requirement("HTTP1-PARSE-004")
def test_a_trailer_section_ends_the_body(parsing: Parsing) -> None:
    parsing.verify(cases.TRAILER_ENDS_BODY)


@pytest.mark.requirement("HTTP1-PARSE-005")
def test_a_trailer_field_is_not_merged_into_the_headers(parsing: Parsing) -> None:
    parsing.verify(cases.TRAILER_NOT_MERGED)


@pytest.mark.requirement("HTTP1-PARSE-006")
def test_a_chunk_size_written_0x5_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_0X)


@pytest.mark.requirement("HTTP1-PARSE-007")
def test_a_chunk_size_with_a_plus_sign_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_PLUS)


@pytest.mark.requirement("HTTP1-PARSE-008")
def test_a_chunk_size_with_a_minus_sign_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_MINUS)


@pytest.mark.requirement("HTTP1-PARSE-009")
def test_a_chunk_size_after_a_space_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_SPACE)


@pytest.mark.requirement("HTTP1-PARSE-010")
def test_a_chunk_size_with_an_underscore_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_UNDERSCORE)


@pytest.mark.requirement("HTTP1-PARSE-011")
def test_an_empty_chunk_size_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_EMPTY)


@pytest.mark.requirement("HTTP1-PARSE-012")
def test_a_chunk_size_followed_by_a_space_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_TRAILING_SPACE)


@pytest.mark.requirement("HTTP1-PARSE-013")
def test_a_chunk_size_too_large_for_an_integer_is_never_wrapped_round(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_OVERFLOW)


@pytest.mark.requirement("HTTP1-PARSE-014")
def test_chunk_data_not_followed_by_crlf_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_DATA_NO_CRLF)


@pytest.mark.requirement("HTTP1-PARSE-015")
def test_chunk_data_ended_by_a_bare_lf_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_DATA_BARE_LF)


@pytest.mark.requirement("HTTP1-PARSE-016")
def test_a_chunk_size_line_ended_by_a_bare_lf_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNK_SIZE_BARE_LF)


@pytest.mark.requirement("HTTP1-PARSE-017")
def test_a_last_chunk_without_its_empty_line_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LAST_CHUNK_UNTERMINATED)


@pytest.mark.requirement("HTTP1-PARSE-018")
def test_chunked_with_a_parameter_is_an_error(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_PARAMETER)


@pytest.mark.requirement("HTTP1-PARSE-019")
def test_a_content_length_with_a_plus_sign_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_PLUS)


@pytest.mark.requirement("HTTP1-PARSE-020")
def test_a_negative_content_length_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_MINUS)


@pytest.mark.requirement("HTTP1-PARSE-021")
def test_a_content_length_in_hex_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_HEX)


@pytest.mark.requirement("HTTP1-PARSE-022")
def test_a_content_length_with_an_underscore_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_UNDERSCORE)


@pytest.mark.requirement("HTTP1-PARSE-023")
def test_an_empty_content_length_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_EMPTY)


@pytest.mark.requirement("HTTP1-PARSE-024")
def test_a_content_length_padded_with_a_control_character_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_CONTROL)


@pytest.mark.requirement("HTTP1-PARSE-025")
def test_a_content_length_list_of_different_values_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_LIST_DIFFERENT)


@pytest.mark.requirement("HTTP1-PARSE-026")
def test_two_different_content_lengths_are_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_FIELDS_DIFFERENT)


@pytest.mark.requirement("HTTP1-PARSE-027")
def test_a_content_length_list_of_one_value_is_refused_or_read_as_it(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_LIST_SAME)


@pytest.mark.requirement("HTTP1-PARSE-028")
def test_two_equal_content_lengths_are_refused_or_read_as_one(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_FIELDS_SAME)


@pytest.mark.requirement("HTTP1-PARSE-029")
def test_a_content_length_too_large_for_an_integer_is_never_wrapped_round(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_OVERFLOW)


@pytest.mark.requirement("HTTP1-PARSE-030")
def test_a_content_length_with_leading_zeros_is_valid(parsing: Parsing) -> None:
    parsing.verify(cases.LENGTH_LEADING_ZEROS)


@pytest.mark.requirement("HTTP1-PARSE-031")
def test_a_request_without_length_or_coding_has_no_body(parsing: Parsing) -> None:
    parsing.verify(cases.NO_LENGTH)


@pytest.mark.requirement("HTTP1-PARSE-032")
def test_a_body_cut_short_by_the_client_closes_the_connection(parsing: Parsing) -> None:
    parsing.verify(cases.BODY_CUT_SHORT)


@pytest.mark.requirement("HTTP1-PARSE-033")
def test_content_length_beside_chunked_is_refused_or_ignored_then_closed(parsing: Parsing) -> None:
    parsing.verify(cases.BOTH_LENGTHS)


@pytest.mark.requirement("HTTP1-PARSE-034")
def test_chunked_not_last_is_refused_and_closed(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_NOT_LAST)


@pytest.mark.requirement("HTTP1-PARSE-035")
def test_chunked_then_gzip_in_two_fields_is_refused_and_closed(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_THEN_GZIP_FIELDS)


@pytest.mark.requirement("HTTP1-PARSE-036")
def test_a_coding_that_only_ends_like_chunked_is_refused_and_closed(parsing: Parsing) -> None:
    parsing.verify(cases.XCHUNKED)


@pytest.mark.requirement("HTTP1-PARSE-037")
def test_chunked_padded_with_a_control_character_is_not_chunked(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_CONTROL)


@pytest.mark.requirement("HTTP1-PARSE-038")
def test_an_unknown_transfer_coding_gets_501(parsing: Parsing) -> None:
    parsing.verify(cases.UNKNOWN_CODING)


@pytest.mark.requirement("HTTP1-PARSE-039")
def test_transfer_encoding_in_http_1_0_ends_the_connection(parsing: Parsing) -> None:
    parsing.verify(cases.HTTP10_CHUNKED)


@pytest.mark.requirement("HTTP1-PARSE-040")
def test_chunked_in_another_letter_case_is_chunked(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_CASE)


@pytest.mark.requirement("HTTP1-PARSE-041")
def test_chunked_with_whitespace_around_it_is_chunked(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_WHITESPACE)


@pytest.mark.requirement("HTTP1-PARSE-042")
def test_whitespace_before_a_colon_is_refused_with_400(parsing: Parsing) -> None:
    parsing.verify(cases.SPACE_BEFORE_COLON)


@pytest.mark.requirement("HTTP1-PARSE-043")
def test_a_folded_value_is_refused_or_unfolded_with_spaces(parsing: Parsing) -> None:
    parsing.verify(cases.OBS_FOLD)


@pytest.mark.requirement("HTTP1-PARSE-044")
def test_a_nul_in_a_value_is_refused_or_made_a_space(parsing: Parsing) -> None:
    parsing.verify(cases.NUL_IN_VALUE)


@pytest.mark.requirement("HTTP1-PARSE-045")
def test_a_bare_cr_in_a_value_is_refused_or_made_a_space(parsing: Parsing) -> None:
    parsing.verify(cases.CR_IN_VALUE)


@pytest.mark.requirement("HTTP1-PARSE-046")
def test_a_field_name_that_is_not_a_token_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.NAME_NOT_TOKEN)


@pytest.mark.requirement("HTTP1-PARSE-047")
def test_an_empty_field_name_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.EMPTY_NAME)


@pytest.mark.requirement("HTTP1-PARSE-048")
def test_a_header_line_without_a_colon_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.NO_COLON)


@pytest.mark.requirement("HTTP1-PARSE-049")
def test_a_whitespace_preceded_first_line_is_refused_or_ignored(parsing: Parsing) -> None:
    parsing.verify(cases.WHITESPACE_LINE)


@pytest.mark.requirement("HTTP1-PARSE-050")
def test_lines_ended_by_a_bare_lf(parsing: Parsing) -> None:
    parsing.verify(cases.BARE_LF_LINES)


@pytest.mark.requirement("HTTP1-PARSE-051")
def test_whitespace_around_a_value_is_not_part_of_it(parsing: Parsing) -> None:
    parsing.verify(cases.VALUE_WHITESPACE)


@pytest.mark.requirement("HTTP1-PARSE-052")
def test_an_empty_line_before_the_request_line_is_ignored(parsing: Parsing) -> None:
    parsing.verify(cases.EMPTY_LINE_FIRST)


@pytest.mark.requirement("HTTP1-PARSE-053")
def test_a_lower_case_version_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.LOWER_CASE_VERSION)


@pytest.mark.requirement("HTTP1-PARSE-054")
def test_a_malformed_version_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.MALFORMED_VERSION)


@pytest.mark.requirement("HTTP1-PARSE-055")
def test_a_higher_minor_version_is_served_as_http_1_1(parsing: Parsing) -> None:
    parsing.verify(cases.HIGHER_MINOR)


@pytest.mark.requirement("HTTP1-PARSE-056")
def test_another_major_version(parsing: Parsing) -> None:
    parsing.verify(cases.OTHER_MAJOR)


@pytest.mark.requirement("HTTP1-PARSE-057")
def test_several_spaces_in_the_request_line(parsing: Parsing) -> None:
    parsing.verify(cases.SEVERAL_SPACES)


@pytest.mark.requirement("HTTP1-PARSE-058")
def test_a_bare_cr_in_the_request_line_is_refused_or_a_space(parsing: Parsing) -> None:
    parsing.verify(cases.CR_IN_REQUEST_LINE)


@pytest.mark.requirement("HTTP1-PARSE-059")
def test_a_space_inside_the_target_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.SPACE_IN_TARGET)


@pytest.mark.requirement("HTTP1-PARSE-060")
def test_a_method_that_is_not_a_token_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.METHOD_NOT_TOKEN)


@pytest.mark.requirement("HTTP1-PARSE-061")
def test_an_absolute_form_target_is_accepted(parsing: Parsing) -> None:
    parsing.verify(cases.ABSOLUTE_FORM)


@pytest.mark.requirement("HTTP1-PARSE-062")
def test_which_host_an_absolute_form_target_hands_the_app(parsing: Parsing) -> None:
    parsing.verify(cases.ABSOLUTE_FORM_HOST)


@pytest.mark.requirement("HTTP1-PARSE-063")
def test_an_http_1_1_request_without_host_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.NO_HOST)


@pytest.mark.requirement("HTTP1-PARSE-064")
def test_two_host_fields_are_refused(parsing: Parsing) -> None:
    parsing.verify(cases.TWO_HOSTS)


@pytest.mark.requirement("HTTP1-PARSE-065")
def test_an_invalid_host_is_refused(parsing: Parsing) -> None:
    parsing.verify(cases.INVALID_HOST)


@pytest.mark.requirement("HTTP1-PARSE-066")
def test_pipelined_requests_are_answered_in_order(parsing: Parsing) -> None:
    parsing.verify(cases.PIPELINED)


@pytest.mark.requirement("HTTP1-PARSE-067")
def test_an_unread_body_is_never_taken_for_a_request(parsing: Parsing) -> None:
    parsing.verify(cases.UNREAD_BODY)


@pytest.mark.requirement("HTTP1-PARSE-068")
def test_an_overlong_target_gets_414_or_is_served_whole(parsing: Parsing) -> None:
    parsing.verify(cases.LONG_TARGET)


@pytest.mark.requirement("HTTP1-PARSE-069")
def test_an_overlong_header_section_gets_a_4xx_or_is_served_whole(parsing: Parsing) -> None:
    parsing.verify(cases.LONG_FIELD)


@pytest.mark.requirement("HTTP1-PARSE-070")
def test_obs_text_in_a_value_reaches_the_app_as_it_came(parsing: Parsing) -> None:
    parsing.verify(cases.OBS_TEXT)


@pytest.mark.requirement("HTTP1-PARSE-071")
def test_chunked_applied_twice_is_refused_or_decoded_twice(parsing: Parsing) -> None:
    parsing.verify(cases.CHUNKED_TWICE)


@pytest.mark.requirement("HTTP1-PARSE-072")
def test_a_long_chunk_extension_is_ignored_or_refused_with_a_4xx(parsing: Parsing) -> None:
    parsing.verify(cases.LONG_EXTENSION)
