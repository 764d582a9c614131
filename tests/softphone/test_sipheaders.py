"""Reading the caller out of a raw INVITE (no sockets)."""

from __future__ import annotations

from desktop.softphone.sipheaders import (
    MAX_X_HEADERS,
    caller_of,
    parse_headers,
    parse_name_addr,
    uri_number,
    x_headers,
)


def invite(*headers: str) -> str:
    return "\r\n".join(["INVITE sip:1001@pbx.test SIP/2.0", *headers, "", "v=0"])


def test_pai_wins_over_from() -> None:
    message = invite(
        'From: "Trunk" <sip:anonymous@trunk.test>;tag=1',
        'P-Asserted-Identity: "Alice Martin" <sip:+33612345678@pbx.test>',
    )
    caller = caller_of(message)
    assert (caller.number, caller.display_name) == ("+33612345678", "Alice Martin")


def test_tel_uri_in_pai_list_gives_the_number_and_from_gives_the_name() -> None:
    message = invite(
        'From: "Alice" <sip:0612345678@pbx.test>;tag=1',
        "P-Asserted-Identity: <sip:anonymous@pbx.test>, <tel:+33612345678;cpc=ordinary>",
    )
    caller = caller_of(message)
    assert (caller.number, caller.display_name) == ("+33612345678", "Alice")


def test_quoted_display_name_with_escapes_and_commas() -> None:
    name, uri = parse_name_addr('"Martin, Alice \\"AM\\"" <sip:0612@pbx.test>;tag=9')
    assert (name, uri) == ('Martin, Alice "AM"', "sip:0612@pbx.test")


def test_bare_uri_from_with_compact_header_name() -> None:
    caller = caller_of(invite("f: sip:0612345678@pbx.test;tag=77"))
    assert (caller.number, caller.display_name) == ("0612345678", "")


def test_folded_header_lines_are_joined() -> None:
    headers = parse_headers(invite("From: Alice", " <sip:0612@pbx.test>;tag=1"))
    assert headers["from"] == ["Alice <sip:0612@pbx.test>;tag=1"]


def test_escaped_user_part_and_non_sip_uris() -> None:
    assert uri_number("sip:%2B3361234@pbx.test;user=phone") == "+3361234"
    assert uri_number("sip:pbx.test") == ""
    assert uri_number("mailto:alice@example.test") == ""
    assert uri_number("garbage") == ""


def test_malformed_from_yields_no_number_without_failing() -> None:
    for broken in ("From: <<<", "From:", 'From: "unterminated <sip:', "nonsense line"):
        caller = caller_of(invite(broken))
        assert caller.number == ""


def test_x_headers_are_collected_and_bounded() -> None:
    flood = [f"X-Junk-{n}: {n}" for n in range(MAX_X_HEADERS * 5)]
    found = x_headers(invite("X-CTI-Call-Id: 1700000000.42", *flood))
    assert found["X-CTI-Call-Id"] == "1700000000.42"
    assert len(found) == MAX_X_HEADERS
    assert "X-Junk-5000" not in x_headers(invite("From: a", "", "X-Junk-5000: body"))


def test_anonymous_caller_has_no_number() -> None:
    message = invite('From: "Anonymous" <sip:anonymous@anonymous.invalid>;tag=1')
    caller = caller_of(message)
    assert (caller.number, caller.display_name) == ("", "Anonymous")


def test_extension_name_is_kept_when_no_number_is_dialable() -> None:
    caller = caller_of(invite("From: <sip:reception@pbx.test>;tag=1"))
    assert caller.number == "reception"
