"""A recorded Asterisk session as the PBX behind call control, without sockets.

`RecordedPbx` feeds a real `CallTracker` the events of a recording, and answers call
control's actions; when an action stands for one the recording's client sent, the
events Asterisk sent after that action (up to the client's next action) follow its
reply, as on the wire.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from cti.ami.messages import Event, Response
from cti.ami.parser import AmiParser
from cti.calls.tracker import CallTracker
from cti.protocol import DomainEvent
from tests.helpers import AMI_FIXTURES


def sections(name: str) -> dict[str, list[Event]]:
    """The recording's events cut at its responses: key ``""`` holds those before the
    first action, key ``<ActionID>`` those that followed that action's response."""
    parts: dict[str, list[Event]] = {"": []}
    current = parts[""]
    for message in AmiParser().feed((AMI_FIXTURES / f"{name}.raw").read_bytes()):
        if isinstance(message, Response) and message.action_id:
            current = parts.setdefault(message.action_id, [])
        elif isinstance(message, Event):
            current.append(message)
    return parts


@dataclass
class RecordedPbx:
    """Answers every action with Success unless `replies` says otherwise; `follow`
    maps an action name to the recorded ActionIDs whose events follow it, in turn."""

    recording: str
    tracker: CallTracker = field(default_factory=lambda: CallTracker(default_region="US"))
    replies: dict[str, Response] = field(default_factory=dict)
    follow: dict[str, list[str]] = field(default_factory=dict)
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    out: list[DomainEvent] = field(default_factory=list)
    prefix: str = ""  # of the recorded ActionIDs, when not the recording's name

    def __post_init__(self) -> None:
        self.parts = sections(self.recording)
        self.prefix = self.prefix or self.recording

    def play(self, *action_ids: str) -> None:
        """Feed the tracker what Asterisk sent after these recorded actions."""
        for action_id in action_ids:
            self.feed(self.parts[f"{self.prefix}-{action_id}" if action_id else ""])

    def feed(self, events: list[Event]) -> None:
        for event in events:
            self.out.extend(self.tracker.handle(event))

    async def send_action(self, name: str, fields: dict[str, str]) -> Response:
        self.sent.append((name, fields))
        queued = self.follow.get(name)
        if queued:
            asyncio.get_running_loop().call_soon(self.play, queued.pop(0))
        return self.replies.get(name, Response(status="Success"))

    def actions(self, *names: str) -> list[tuple[str, dict[str, str]]]:
        return [(name, fields) for name, fields in self.sent if not names or name in names]


async def until(condition: object, timeout: float = 30.0) -> None:
    """Poll `condition()` (a zero-argument callable) until true, up to `timeout` s."""
    assert callable(condition)
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - spawned AMI tasks have no event to wait on
            await asyncio.sleep(0.005)
