"""Parsing and checking of client frames, without sockets."""

from __future__ import annotations

import pytest

from cti.broker.frames import MAX_DEPTH, BadFrame, encodable, parse_object
from cti.broker.ws import HandshakeRefused, check_hello, parse_frame
from cti.protocol import CLOSE_BAD_HELLO, CLOSE_NO_TOKEN, CLOSE_UNSUPPORTED_VERSION, hello_frame


def test_hello_frame_round_trips() -> None:
    assert check_hello(hello_frame("t", 4)) == ("t", 4)
    assert check_hello(hello_frame("t")) == ("t", None)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"op": "hello", "v": 1}, CLOSE_NO_TOKEN),
        ({"op": "hello", "v": 1, "token": 5}, CLOSE_NO_TOKEN),
        ({"op": "hello", "v": "1", "token": "t"}, CLOSE_UNSUPPORTED_VERSION),
        ({"op": "hello", "v": True, "token": "t"}, CLOSE_UNSUPPORTED_VERSION),
        ({"op": "hello", "v": 1.0, "token": "t"}, CLOSE_UNSUPPORTED_VERSION),
        ({"op": "hello", "v": 1, "token": "t", "last_seq": True}, CLOSE_BAD_HELLO),
        ({"v": 1, "token": "t"}, CLOSE_BAD_HELLO),
    ],
)
def test_bad_hello_names_its_close_code(frame: dict[str, object], code: int) -> None:
    with pytest.raises(HandshakeRefused) as refused:
        check_hello(frame)
    assert refused.value.code == code


@pytest.mark.parametrize("text", ["", "{", "null", "[]", "1", '"x"'])
def test_parse_frame_accepts_only_objects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_frame(text)


def test_parse_frame_keeps_unicode() -> None:
    assert parse_frame('{"name": "Jörg"}') == {"name": "Jörg"}


def nested(depth: int) -> str:
    """A frame whose innermost array sits `depth` containers deep, counting the frame."""
    return '{"a":' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


def test_nesting_is_bounded_at_max_depth() -> None:
    assert parse_object(nested(MAX_DEPTH))["a"] is not None
    with pytest.raises(BadFrame, match="nested deeper"):
        parse_object(nested(MAX_DEPTH + 1))


def test_nesting_deeper_than_the_interpreter_can_parse_is_a_bad_frame() -> None:
    with pytest.raises(BadFrame, match="nested deeper"):
        parse_object('{"a":' + "[" * 100_000 + "]" * 100_000 + "}")


@pytest.mark.parametrize(
    "text",
    [
        '{"id": "\\ud800"}',
        '{"\\udc00": 1}',
        '{"args": {"x": [1, {"y": ["ok", "\\udfff"]}]}}',
        '{"args": {"\\ud800x": 1}}',
    ],
)
def test_lone_surrogate_in_any_key_or_value_is_a_bad_frame(text: str) -> None:
    with pytest.raises(BadFrame, match="surrogate"):
        parse_object(text)


def test_opaque_top_level_strings_are_not_checked_but_everything_else_is() -> None:
    token = parse_object('{"token": "a\\ud800"}', frozenset({"token"}))["token"]
    assert token == "a\ud800"
    with pytest.raises(BadFrame):
        parse_object('{"token": "a", "x": "\\ud800"}', frozenset({"token"}))
    with pytest.raises(BadFrame):
        parse_object('{"token": ["\\ud800"]}', frozenset({"token"}))


def test_bad_frame_messages_never_echo_the_frame() -> None:
    with pytest.raises(BadFrame) as refused:
        parse_object('{"secret-ish": "\\ud800 tok-alice"}')
    assert "tok-alice" not in str(refused.value)


def test_encodable_tells_lone_surrogates_from_real_text() -> None:
    assert encodable("Jörg 😀") and encodable("")
    assert not encodable("x\ud800") and not encodable("\udfff")


@pytest.mark.parametrize("text", ['{"id": NaN}', '{"id": -Infinity}', '{"id": 1e999}'])
def test_numbers_json_does_not_have_are_a_bad_frame(text: str) -> None:
    """Echoed back (a command id) they would make the reply invalid JSON for a browser."""
    with pytest.raises(BadFrame, match="not JSON"):
        parse_object(text)


def test_ordinary_numbers_parse() -> None:
    assert parse_object('{"a": 1.5e3, "b": -0, "c": 12}') == {"a": 1500.0, "b": 0, "c": 12}
