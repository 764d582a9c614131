"""Waiting callers in the tracker on synthetic events: positions that move without
events of their own, the wait's length, a resync's QueueEntry items, odd headers."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from cti.ami.messages import Event
from cti.calls.tracker import CallTracker
from cti.protocol import CallEnded, CallQueued, DomainEvent


class Clock:
    def __init__(self) -> None:
        self.now = 1_796_000_000.0

    def __call__(self) -> float:
        return self.now


def event(name: str, **headers: str) -> Event:
    return Event(headers=MappingProxyType(dict(headers)), name=name)


def caller(n: int) -> dict[str, str]:
    uid = f"{n}.0"
    return {
        "Channel": f"PJSIP/trunk-0000000{n}",
        "Uniqueid": uid,
        "Linkedid": uid,
        "CallerIDNum": f"+1415555010{n}",
        "CallerIDName": f"Caller {n}",
        "ChannelState": "6",
    }


def join(n: int, position: int, count: int, queue: str = "support") -> Event:
    return event(
        "QueueCallerJoin", Queue=queue, Position=str(position), Count=str(count), **caller(n)
    )


def leave(n: int, position: int, count: int, queue: str = "support") -> Event:
    return event(
        "QueueCallerLeave", Queue=queue, Position=str(position), Count=str(count), **caller(n)
    )


def hangup(n: int) -> Event:
    return event("Hangup", Cause="16", **caller(n))


def positions(out: list[DomainEvent]) -> list[tuple[str, int, int]]:
    return [(e.call_id, e.position, e.count) for e in out if isinstance(e, CallQueued)]


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_callers_behind_one_who_leaves_move_up_and_are_told(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    out = [e for n in (1, 2, 3) for e in tracker.handle(join(n, n, n))]
    assert positions(out) == [("1.0", 1, 1), ("2.0", 2, 2), ("3.0", 3, 3)]
    moved = tracker.handle(leave(2, 2, 2))
    assert positions(moved) == [("3.0", 2, 2)], "only the one behind moved"
    assert positions(tracker.handle(leave(1, 1, 1))) == [("3.0", 1, 1)]


def test_other_queues_keep_their_positions(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    tracker.handle(join(1, 1, 1, "sales"))
    tracker.handle(join(2, 1, 1, "support"))
    tracker.handle(join(3, 2, 2, "support"))
    assert positions(tracker.handle(leave(1, 1, 0, "sales"))) == []


def test_wait_runs_from_join_to_leave_and_ends_in_call_ended(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    queued = tracker.handle(join(1, 1, 1))
    assert isinstance(queued[0], CallQueued)
    assert queued[0].waiting_since == "2026-11-30T00:53:20.000Z"
    assert queued[0].audience == frozenset(), "supervisors only"
    clock.now += 12.5
    tracker.handle(event("QueueCallerAbandon", Queue="support", Position="1", **caller(1)))
    tracker.handle(leave(1, 1, 0))
    clock.now += 30  # the hang-up comes later: not part of the wait
    ended = tracker.handle(hangup(1))
    assert isinstance(ended[-1], CallEnded)
    data = ended[-1].data()
    assert (data["abandoned"], data["waited_seconds"], data["queue"]) == (True, 12.5, "support")


def test_a_caller_in_two_queues_one_after_the_other_waited_in_both(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    tracker.handle(join(1, 1, 1, "sales"))
    clock.now += 10
    tracker.handle(leave(1, 1, 0, "sales"))  # the queue timed out, the dialplan goes on
    clock.now += 5
    tracker.handle(join(1, 1, 1, "support"))
    clock.now += 3
    tracker.handle(leave(1, 1, 0, "support"))
    ended = tracker.handle(hangup(1))[-1]
    assert isinstance(ended, CallEnded)
    assert (ended.waited_seconds, ended.queue) == (13.0, "support")


def test_a_caller_whose_leave_was_lost_stops_waiting_at_its_hang_up(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    tracker.handle(join(1, 1, 1))
    tracker.handle(join(2, 2, 2))
    clock.now += 7
    out = tracker.handle(hangup(1))
    ended = next(e for e in out if isinstance(e, CallEnded))
    assert ended.waited_seconds == 7.0
    assert positions(out) == [("2.0", 1, 1)], "the one behind moves up"


def test_a_call_that_never_queued_has_no_wait(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    tracker.handle(event("Newchannel", **caller(1)))
    ended = tracker.handle(hangup(1))
    assert ended == [], "nobody saw it: nothing to tell"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Queue": "support"},
        {"Queue": "support", "Position": "first", "Count": "many"},
        {"Queue": "support", "Position": "-3", "Count": ""},
    ],
    ids=["no-queue", "no-position", "words", "negative"],
)
def test_join_with_odd_position_headers_still_queues_the_caller(
    clock: Clock, headers: dict[str, str]
) -> None:
    tracker = CallTracker(clock=clock)
    out = tracker.handle(event("QueueCallerJoin", **headers, **caller(1)))
    if "Queue" not in headers:
        assert out == [], "no queue named: nothing to queue in"
        return
    assert [(e.queue, e.position) for e in out if isinstance(e, CallQueued)] in (
        [("support", 1)],
        [("support", -3)],
    )


def test_leave_of_an_unknown_caller_or_without_channel_is_ignored(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    tracker.handle(join(1, 1, 1))
    assert tracker.handle(leave(7, 1, 0)) == []
    assert tracker.handle(event("QueueCallerLeave", Queue="support")) == []
    assert tracker.handle(event("QueueCallerAbandon")) == []


def test_resync_announces_waiting_callers_and_forgets_the_gone(clock: Clock) -> None:
    tracker = CallTracker(clock=clock)
    tracker.handle(join(1, 1, 1))
    tracker.handle(join(2, 2, 2))
    known = tracker.begin_resync()
    clock.now += 60
    live = [event("CoreShowChannel", BridgeId="", **caller(n)) for n in (2, 3)]
    entries = [
        event("QueueEntry", Queue="support", Position="1", Wait="40", **caller(2)),
        event("QueueEntry", Queue="support", Position="2", Wait="5", **caller(3)),
    ]
    out = tracker.reconcile(known, live, entries)
    # 1 vanished first (2 moves up, alone so far), then the QueueEntry items add 3
    assert positions(out) == [("2.0", 1, 1), ("3.0", 2, 2)]
    new = next(e for e in out if isinstance(e, CallQueued) and e.call_id == "3.0")
    assert new.waiting_since == "2026-11-30T00:54:15.000Z", "now minus its Wait"
    gone = next(e for e in out if isinstance(e, CallEnded))
    assert (gone.call_id, gone.waited_seconds) == ("1.0", 60.0)
