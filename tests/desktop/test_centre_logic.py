"""The contact centre as the desktop keeps it, without sockets or widgets: the broker's
clock, the board built from welcome and events, and frames that are not what they say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from cti.protocol import iso_utc
from desktop.centre import CentreBoard
from desktop.centredata import parse_agent_state, parse_queue_stats
from desktop.connection import BrokerConnection, CommandOutcome, LinkState
from desktop.servertime import ServerClock, parse_utc
from desktop.welcome import Welcome, parse_welcome

T0 = 1_800_000_000.0  # broker time of the examples
T0_ISO = "2027-01-15T08:00:00.000Z"


def stamp(seconds: float) -> str:
    """ISO-8601 UTC of broker time T0 + seconds."""
    return iso_utc(T0 + seconds)


def alice(state: str = "paused", reason: str | None = "lunch", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agent": "alice",
        "extension": "1001",
        "interface": None,
        "state": state,
        "reason": reason,
        "since": stamp(0),
        "queues": [
            {
                "queue": "support",
                "interface": "PJSIP/1001",
                "paused": state == "paused",
                "reason": reason if state == "paused" else None,
                "membership": "static",
            }
        ],
        "call_id": None,
        "wrapup_until": None,
        "dnd": False,
    }
    return data | extra


def queued(call_id: str, position: int, queue: str = "support", since: float = 0) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "queue": queue,
        "position": position,
        "count": 2,
        "caller": {"number": "+14155550123", "name": "Ann", "anonymous": False},
        "contact": None,
        "matches": [],
        "waiting_since": stamp(since),
    }


class Wall:
    """A PC clock that the test moves."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_parse_utc_reads_broker_stamps_and_refuses_what_has_no_zone() -> None:
    assert parse_utc(T0_ISO) == T0
    assert parse_utc("2027-01-15T08:00:00+00:00") == T0
    for bad in (None, "", "yesterday", "2027-01-15T08:00:00", 17, "2027-13-45T00:00:00Z"):
        assert parse_utc(bad) is None


def test_server_clock_corrects_a_pc_clock_that_is_minutes_fast() -> None:
    wall = Wall(T0 + 300.05)  # 5 minutes fast; the event took 50 ms
    clock = ServerClock(wall)
    assert clock.now() == T0 + 300.05  # before any event: the PC's clock
    clock.observe(T0_ISO)
    assert clock.now() == pytest.approx(T0)
    wall.now += 60
    assert clock.since(T0 - 10) == pytest.approx(70)
    assert clock.until(T0 + 30) == 0.0  # passed: never negative
    assert clock.since(T0 + 3600) == 0.0  # a future start: 0, not negative


def test_server_clock_keeps_the_fastest_delivery_so_timers_never_jump_back() -> None:
    wall = Wall(T0 + 2.0)
    clock = ServerClock(wall)
    clock.observe(T0_ISO)  # a replayed event, sent 2 s ago
    assert clock.offset == pytest.approx(2.0)
    wall.now = T0 + 10.01
    clock.observe(stamp(10))  # a live one: 10 ms on the way
    assert clock.offset == pytest.approx(0.01)
    wall.now = T0 + 25.0
    clock.observe(stamp(20))  # a slow one does not pull the clock back
    assert clock.offset == pytest.approx(0.01)
    clock.observe("garbage")
    assert clock.offset == pytest.approx(0.01)


def test_the_connection_feeds_every_event_stamp_to_the_clock() -> None:
    class Quiet:
        def on_link(self, state: LinkState, detail: str) -> None: ...

        def on_welcome(self, welcome: Welcome, fresh: bool) -> None: ...

        def on_event(self, kind: str, data: Mapping[str, Any]) -> None: ...

    wall = Wall(T0 + 120.0)
    clock = ServerClock(wall)
    link = BrokerConnection("http://127.0.0.1:1", "t", Quiet(), None, clock=clock)  # type: ignore[arg-type]
    link._receive('{"op":"welcome","agent":"a","extension":"1","seq":0,"calls":[]}')
    link._receive(f'{{"op":"event","seq":1,"ts":"{T0_ISO}","type":"x","data":{{}}}}')
    assert clock.now() == pytest.approx(T0)


def test_welcome_carries_pause_reasons_own_state_presence_and_only_supervisors_the_view() -> None:
    frame = {
        "agent": "alice",
        "extension": "1001",
        "seq": 3,
        "settings": {"pause_reasons": ["lunch", 7, "break"]},
        "agent_state": alice(),
        "presence": [{"extension": "1002", "state": "idle", "since": T0_ISO}],
    }
    welcome = parse_welcome(frame)
    assert welcome.pause_reasons == ("lunch", "break")
    assert welcome.agent_state == alice()
    assert welcome.supervisor is False and welcome.supervision is None
    supervisor = parse_welcome(frame | {"agents": [], "queues": [], "waiting": []})
    assert supervisor.supervisor is True
    odd = parse_welcome(frame | {"agent_state": "x", "presence": {}, "agents": "all"})
    assert (odd.agent_state, odd.presence, odd.supervisor) == (None, [], False)


def test_board_loads_a_supervisor_welcome_and_follows_its_events() -> None:
    board = CentreBoard(lambda: T0 + 5)
    view = {
        "agents": [alice(), alice("available", None, agent="bob", extension="1002")],
        "queues": [{"queue": "support", "waiting": 1, "longest_wait_seconds": 4, "offered": 3}],
        "waiting": [queued("c1", 1)],
    }
    presence = [{"extension": "1001", "state": "idle", "since": T0_ISO}]
    board.load("9000", None, presence, view)
    board.remember_call({"call_id": "c9", "caller": {"number": "555"}, "contact": None})
    assert board.own is None  # a supervisor in no queue
    assert sorted(board.agents) == ["1001", "1002"]
    assert board.queues["support"].offered == 3 and board.queues["support"].received == T0 + 5
    assert [w.call_id for w in board.waiting_in("support")] == ["c1"]
    assert board.caller_of("c9")["caller"] == {"number": "555"}
    assert board.apply("call.queued", queued("c2", 2, since=3)) == "waiting"
    assert board.apply("call.answered", {"call_id": "c1", "extension": "1001"}) == "waiting"
    assert [w.call_id for w in board.waiting_in("support")] == ["c2"]
    assert board.caller_of("c1")["caller"]["name"] == "Ann"  # still on a call with 1001
    assert board.apply("call.ended", {"call_id": "c1"}) is None
    assert board.caller_of("c1") == {}
    assert board.apply("call.ended", {"call_id": "c2", "abandoned": True}) == "waiting"
    assert board.waiting == {}


def test_board_keeps_its_own_state_and_drops_an_unknown_member_that_left() -> None:
    board = CentreBoard(lambda: T0)
    board.load("1001", alice("available", None), [])
    assert board.own is not None and board.own.state == "available"
    assert board.apply("agent.state", alice()) == "agent"
    assert board.own.state == "paused" and board.own.reason == "lunch"
    stranger = {
        "agent": None,
        "extension": None,
        "interface": "SIP/ghost",
        "state": "available",
        "queues": [{"queue": "support", "paused": False}],
    }
    board.apply("agent.state", stranger)
    assert board.agents["SIP/ghost"].extension is None
    board.apply("agent.state", stranger | {"queues": []})
    assert "SIP/ghost" not in board.agents


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("agent.state", {"extension": "1001", "state": "sleeping"}),
        ("agent.state", {"state": "available"}),  # no extension, no interface
        ("presence", {"extension": "1002", "state": "asleep"}),
        ("presence", {"state": "idle"}),
        ("call.queued", {"call_id": "c1"}),  # no queue
        ("call.queued", {"queue": "support", "position": 1}),  # no call
        ("queue.stats", {"waiting": 3}),  # no queue
    ],
)
def test_malformed_centre_events_change_nothing(kind: str, data: dict[str, Any]) -> None:
    board = CentreBoard(lambda: T0)
    board.load("1001", alice(), [{"extension": "1002", "state": "idle"}])
    before = (board.own, dict(board.presence), dict(board.waiting), dict(board.queues))
    assert board.apply(kind, data) is None
    assert (board.own, board.presence, board.waiting, board.queues) == before


def test_odd_fields_inside_an_event_read_as_nothing_rather_than_crash() -> None:
    status = parse_agent_state(
        alice() | {"queues": [{"queue": "support"}, "x", {"paused": True}], "since": 5, "dnd": 1}
    )
    assert status is not None
    assert [seat.queue for seat in status.seats] == ["support"]
    assert (status.since, status.dnd) == (None, False)
    line = parse_queue_stats(
        {
            "queue": "q",
            "waiting": -2,
            "offered": True,
            "service_level": 1.7,
            "agents": {"available": 2, "paused": "x", "on-call": 0},
        },
        T0,
    )
    assert line is not None
    assert (line.waiting, line.offered, line.service_level, line.agents) == (
        0,
        0,
        None,
        {"available": 2},
    )


def test_command_outcome_names_are_carried_for_agent_commands() -> None:
    from desktop.centredesk import choice_result

    assert choice_result(
        CommandOutcome("agent.pause", True, None, "paused in support (lunch)")
    ) == ("Pause: done - paused in support (lunch)")
    refused = CommandOutcome("agent.login", False, "no-queues", "")
    assert choice_result(refused) == "Log in failed: no reason given (no-queues)"
