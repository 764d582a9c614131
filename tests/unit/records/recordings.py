"""Recorded AMI sessions with their receive times, played into a recorder without sockets.

The clock of the recorder follows each frame's receive time from `NAME.timeline.txt`,
so the recorded times are those of the real Asterisk run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from cti.ami.messages import Event
from cti.calls.tracker import CallTracker
from cti.protocol import DomainEvent
from cti.records import CallRecords
from tests.helpers import AMI_FIXTURES, transcript_events

START = 1_795_400_598.0  # the recordings' Uniqueid epoch: late 2026
_EVENT_LINE = re.compile(r"^\[\s*([0-9.]+)\] <<< Event: (\S+)$", re.MULTILINE)


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def timed_events(name: str) -> Iterator[tuple[float, Event]]:
    """Each Event of the recording with its receive time, in seconds from the start."""
    timeline = (AMI_FIXTURES / f"{name}.timeline.txt").read_text(encoding="utf-8")
    times = _EVENT_LINE.findall(timeline)
    events = transcript_events(name)
    assert [n for _, n in times] == [e.name for e in events], "timeline and .raw disagree"
    for (seconds, _), event in zip(times, events, strict=True):
        yield float(seconds), event


def play(name: str, records: CallRecords, clock: Clock, start: float = START) -> list[DomainEvent]:
    """Feed the recording through a real tracker into ``records`` as `cti.app` does;
    ``start`` is the epoch of the recording's first frame."""
    tracker = CallTracker(default_region="US", clock=clock)
    out: list[DomainEvent] = []
    for seconds, event in timed_events(name):
        clock.now = start + seconds
        for domain in tracker.handle(event):
            records.recorder.record(domain)
            records.recorder.add_contact(domain)
            out.append(domain)
    return out


def open_records(path: Path, clock: Clock, keep_days: int = 400) -> CallRecords:
    records = CallRecords(path, keep_days, clock)
    records.start()
    return records
