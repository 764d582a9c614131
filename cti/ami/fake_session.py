"""One client session of the fake AMI server: the action it sent, the socket it answers on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from cti.ami.fake_channels import format_frame
from cti.ami.messages import Message


@dataclass(frozen=True, slots=True)
class ActionRequest(Message):
    """An ``Action:`` frame a client sent; header lookups by `field` ignore case."""

    name: str = ""

    def field(self, key: str, default: str = "") -> str:
        return header(self.headers, key, default)


def header(headers: Mapping[str, str], key: str, default: str = "") -> str:
    """Asterisk reads action headers case-insensitively; so does the fake."""
    value = headers.get(key)
    if value is not None:
        return value
    lowered = key.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), default)


Reply = Mapping[str, str] | None
ActionHandler = Callable[["FakeAmiConnection", ActionRequest], Awaitable[Reply]]


class FakeAmiConnection:
    """One client socket; handlers answer through it."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.logged_in = False
        self.username = ""
        self.challenge = ""

    def write(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)

    def respond(self, action: ActionRequest, status: str, fields: Reply = None) -> None:
        """``Response: <status>`` echoing the client's ActionID, then `fields`."""
        pairs = [("Response", status)]
        action_id = action.field("ActionID", "")
        if action_id:
            pairs.append(("ActionID", action_id))
        self.write(format_frame([*pairs, *(fields or {}).items()]))

    def close(self) -> None:
        self.writer.close()

    def abort(self) -> None:
        self.writer.transport.abort()
