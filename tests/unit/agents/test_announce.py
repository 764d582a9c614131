"""``queues.announce_waiting``: who hears of a waiting caller, and of its end."""

from __future__ import annotations

from cti.agents import announce
from cti.agents.announce import WaitingAnnouncer
from cti.protocol import CallAnswered, CallEnded, CallQueued, Party, WireEvent


def queued(call_id: str, queue: str = "support") -> CallQueued:
    return CallQueued(
        call_id=call_id,
        queue=queue,
        position=1,
        count=1,
        caller=Party("+14155550101", None),
        waiting_since="2026-12-07T09:00:00.000Z",
    )


def ended(call_id: str) -> CallEnded:
    return CallEnded(call_id=call_id, cause=16, cause_text=None, answered_by=None)


def audience(event: WireEvent) -> set[str]:
    return set(event.audience)


def test_off_leaves_waiting_callers_to_supervisors() -> None:
    announcer = WaitingAnnouncer(lambda queue: ["1001"], lambda: False)
    assert audience(announcer(queued("c1"))) == set()
    assert audience(announcer(ended("c1"))) == set()


def test_on_tells_the_queues_agents_then_the_answer_and_the_end() -> None:
    members = {"support": ["1001", "1002"]}
    announcer = WaitingAnnouncer(lambda queue: members.get(queue, []), lambda: True)
    assert audience(announcer(queued("c1"))) == {"1001", "1002"}
    members["support"] = ["1001"]  # 1002 logged out: it still learns how c1 ends
    assert audience(announcer(queued("c1"))) == {"1001", "1002"}
    answered = CallAnswered(call_id="c1", extension="1003", audience=frozenset({"1003"}))
    assert audience(announcer(answered)) == {"1001", "1002", "1003"}
    assert audience(announcer(ended("c1"))) == {"1001", "1002"}
    assert audience(announcer(ended("c1"))) == set(), "forgotten once ended"


def test_calls_whose_end_never_comes_are_forgotten_beyond_the_bound() -> None:
    announcer = WaitingAnnouncer(lambda queue: ["1001"], lambda: True)
    for n in range(announce.MAX_ANNOUNCED + 5):
        announcer(queued(f"c{n}"))
    assert audience(announcer(ended("c0"))) == set()
    assert audience(announcer(ended(f"c{announce.MAX_ANNOUNCED + 4}"))) == {"1001"}
