"""The test model of app_queue (tests/app_queue.py) answers as the real Asterisk did.

The actions of the queue_pause and queue_member_dynamic recordings go through the model
in their recorded order; its answers and its member events must be the recorded ones
(only the clock fields, LoginTime and LastPause, and the counters of calls taken before
the recording may differ).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.ami.messages import Event, Response
from cti.ami.parser import parse_headers
from cti.ami.transcript import read_transcript
from tests.app_queue import QUEUE_ACTIONS, AppQueue

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami"
CLOCK = ("LoginTime", "LastPause", "CallsTaken", "LastCall", "Status", "InCall")


def sent_actions(name: str) -> list[dict[str, str]]:
    data = (FIXTURES / f"{name}.sent.raw").read_bytes()
    frames = [parse_headers(raw)[0] for raw in data.split(b"\r\n\r\n") if raw.strip()]
    return [dict(frame) for frame in frames if frame.get("Action") in QUEUE_ACTIONS]


def recorded(name: str) -> tuple[dict[str, str], list[Event]]:
    """Messages of the queue actions' responses by ActionID, and the member events."""
    messages: dict[str, str] = {}
    events: list[Event] = []
    for frame in read_transcript(FIXTURES / f"{name}.raw").frames:
        message = frame.message
        if isinstance(message, Response):
            messages[message.action_id] = f"{message.status}: {message.message}"
        elif isinstance(message, Event) and message.name in (
            "QueueMemberAdded",
            "QueueMemberRemoved",
            "QueueMemberPause",
        ):
            events.append(message)
    return messages, events


def without_clock(headers: dict[str, str]) -> list[tuple[str, str]]:
    return [(k, "" if k in CLOCK else v) for k, v in headers.items()]


@pytest.mark.parametrize("name", ["queue_pause", "queue_member_dynamic"])
def test_model_answers_and_announces_exactly_what_asterisk_did(name: str) -> None:
    app_queue = AppQueue(["support"])
    app_queue.static("support", "Local/1001@agents", "Agent 1001")
    app_queue.static("support", "Local/1002@agents", "Agent 1002")
    messages, events = recorded(name)
    answered: dict[str, str] = {}
    announced: list[dict[str, str]] = []
    for action in sent_actions(name):
        reply, pairs = app_queue.act(action["Action"], action)
        answered[action["ActionID"]] = f"{reply['Response']}: {reply['Message']}"
        announced.extend(dict(item) for item in pairs)
    assert answered == {key: messages[key] for key in answered}
    assert len(answered) >= 3
    assert [without_clock(e) for e in announced] == [
        without_clock(dict(event.headers)) for event in events
    ]
