"""Visitor frames: parsed to plain text, with a clear error id for each bad one."""

from __future__ import annotations

import pytest

from cti.channels.chat.frames import (
    BadFrame,
    VisitorHello,
    VisitorMessage,
    parse_frame,
    plain_text,
)


def test_plain_text_removes_control_characters_but_keeps_lines() -> None:
    assert plain_text(" a\x00b\x1b[31m\tc\nd\x7f ") == "ab[31m\tc\nd"


def test_message_text_is_kept_as_plain_text_with_markup_untouched() -> None:
    frame = parse_frame('{"op": "message", "text": "<img src=x onerror=1>"}', 100)
    assert frame == VisitorMessage("<img src=x onerror=1>")


def test_hello_lower_cases_the_email_and_drops_empty_details() -> None:
    frame = parse_frame('{"op": "hello", "name": " ", "email": "A@B.Example"}', 100)
    assert isinstance(frame, VisitorHello)
    assert (frame.visitor.name, frame.visitor.email) == (None, "a@b.example")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("[]", "bad-frame"),
        ('{"text": "x"}', "bad-frame"),
        ('{"op": "hello", "phone": "' + "1" * 41 + '"}', "bad-hello"),
        ('{"op": "hello", "email": "a@b"}', "bad-hello"),
        ('{"op": "message", "text": "\\u0000\\u0007"}', "empty-message"),
        ('{"op": "subscribe"}', "unknown-op"),
    ],
)
def test_bad_frames_have_their_own_error_ids(raw: str, error: str) -> None:
    with pytest.raises(BadFrame) as caught:
        parse_frame(raw, 100)
    assert caught.value.error == error
