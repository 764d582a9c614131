"""Parsing and checking of client frames, without sockets."""

from __future__ import annotations

import pytest

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
