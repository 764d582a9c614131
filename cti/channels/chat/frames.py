"""The visitor's chat protocol on ``/chat/ws``: frames parsed and built without I/O.

Visitor → server: ``hello`` {name?, email?, phone?} first, then ``message`` {text},
``typing`` {on}, ``leave``. Server → visitor: ``welcome`` {chat_id}, ``ack`` {message_id},
``message`` {message_id, author, text, at}, ``typing`` {author, on}, ``error`` {error,
message}. A visitor never names a chat: the socket is the chat, so it cannot reach another.
Text is plain text: control characters other than newline and tab are removed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from cti.channels.inbound import Party

MAX_NAME_CHARS = 100
MAX_EMAIL_CHARS = 254
MAX_PHONE_CHARS = 40
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class BadFrame(ValueError):
    """A visitor frame that cannot be used; ``error`` is the kebab-case id sent back."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True, slots=True)
class VisitorHello:
    visitor: Party


@dataclass(frozen=True, slots=True)
class VisitorMessage:
    text: str


@dataclass(frozen=True, slots=True)
class VisitorTyping:
    on: bool


@dataclass(frozen=True, slots=True)
class VisitorLeave:
    pass


VisitorFrame = VisitorHello | VisitorMessage | VisitorTyping | VisitorLeave


def plain_text(text: str) -> str:
    """Text safe to show anywhere as plain text: no control characters, no outer space."""
    return _CONTROL.sub("", text).strip()


def parse_frame(raw: str, max_text_chars: int) -> VisitorFrame:
    try:
        frame = json.loads(raw)
    except ValueError as exc:
        raise BadFrame("bad-frame", "frame is not JSON") from exc
    if not isinstance(frame, dict) or not isinstance(frame.get("op"), str):
        raise BadFrame("bad-frame", 'frame must be an object with an "op"')
    op = frame["op"]
    if op == "hello":
        return VisitorHello(_party(frame))
    if op == "message":
        return VisitorMessage(_text(frame.get("text"), max_text_chars))
    if op == "typing":
        if not isinstance(frame.get("on"), bool):
            raise BadFrame("bad-frame", 'typing needs "on": true or false')
        return VisitorTyping(frame["on"])
    if op == "leave":
        return VisitorLeave()
    raise BadFrame("unknown-op", f"unknown op {op[:40]!r}")


def _text(value: object, limit: int) -> str:
    if not isinstance(value, str):
        raise BadFrame("bad-frame", 'message needs "text" as a string')
    text = plain_text(value)
    if not text:
        raise BadFrame("empty-message", "message text is empty")
    if len(text) > limit:
        raise BadFrame("message-too-long", f"message is over {limit} characters")
    return text


def _party(frame: dict[str, object]) -> Party:
    name = _optional(frame, "name", MAX_NAME_CHARS)
    email = _optional(frame, "email", MAX_EMAIL_CHARS)
    if email is not None and not _EMAIL.match(email):
        raise BadFrame("bad-hello", "email is not an address")
    phone = _optional(frame, "phone", MAX_PHONE_CHARS)
    return Party(name, email.lower() if email else None, phone)


def _optional(frame: dict[str, object], key: str, limit: int) -> str | None:
    value = frame.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise BadFrame("bad-hello", f"{key} must be text of at most {limit} characters")
    return plain_text(value) or None


def welcome(chat_id: str) -> str:
    return json.dumps({"op": "welcome", "chat_id": chat_id})


def ack(message_id: str) -> str:
    return json.dumps({"op": "ack", "message_id": message_id})


def agent_message(message_id: str, author: str, text: str, at: float) -> str:
    return json.dumps(
        {"op": "message", "message_id": message_id, "author": author, "text": text, "at": at}
    )


def agent_typing(author: str, on: bool) -> str:
    return json.dumps({"op": "typing", "author": author, "on": on})


def error(error_id: str, message: str) -> str:
    return json.dumps({"op": "error", "error": error_id, "message": message})
