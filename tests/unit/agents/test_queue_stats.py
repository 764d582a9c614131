"""QueueStatsBook: waiting callers, members by state, today's counts, and when lines go out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cti.agents.day import day_of
from cti.agents.servicelevel import COUNT, ServiceLevelRule
from cti.agents.stats import QueueCallSeen, QueueStatsBook
from cti.protocol import (
    AgentState,
    CallAnswered,
    Called,
    CallEnded,
    CallQueued,
    CallRinging,
    Party,
    QueueStats,
    Seat,
)
from tests.unit.agents.centre_events import SINCE, agent_state, member_of

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp()
CALLER = Party("+14155550101", "Caller A")


class Clock:
    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def iso(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def queued(call_id: str, at: float, queue: str = "support", position: int = 1) -> CallQueued:
    return CallQueued(
        call_id=call_id,
        queue=queue,
        position=position,
        count=position,
        caller=CALLER,
        waiting_since=iso(at),
    )


def ended(
    call_id: str,
    *,
    answered_by: str | None = None,
    abandoned: bool = False,
    waited: float | None = None,
    queue: str | None = "support",
) -> CallEnded:
    return CallEnded(
        call_id=call_id,
        cause=16,
        cause_text="Normal Clearing",
        answered_by=answered_by,
        abandoned=abandoned,
        waited_seconds=waited,
        queue=queue,
    )


def make_book(clock: Clock, **rule: object) -> QueueStatsBook:
    return QueueStatsBook(ServiceLevelRule(**rule), clock, tz=UTC)  # type: ignore[arg-type]


def line(book: QueueStatsBook, queue: str = "support") -> QueueStats:
    return next(item for item in book.lines() if item.queue == queue)


def test_waiting_callers_and_the_longest_wait_come_from_call_queued() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON - 30))
    book.feed(queued("c2", NOON - 4, position=2))
    clock.now += 0.5
    [stats] = book.tick()
    assert (stats.queue, stats.waiting, stats.longest_wait_seconds) == ("support", 2, 30)
    assert stats.offered == 0 and stats.service_level is None  # nobody's wait is over yet


def test_a_position_update_keeps_the_callers_first_join_time() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON - 10, position=2))
    clock.now += 3
    book.feed(queued("c1", NOON + 3, position=1))  # a producer stamping the update itself
    assert (line(book).waiting, line(book).longest_wait_seconds) == (1, 13)


def test_an_answer_within_target_counts_at_once_and_stays_after_the_hang_up() -> None:
    clock = Clock()
    book = make_book(clock, target_seconds=20)
    book.feed(queued("c1", NOON))
    clock.now += 12
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    now = line(book)
    assert (now.waiting, now.offered, now.answered, now.answered_within_target) == (0, 1, 1, 1)
    assert now.service_level == 1.0
    clock.now += 60
    book.feed(ended("c1", answered_by="1001", waited=12.0))
    after = line(book)
    assert (after.offered, after.answered, after.answered_within_target) == (1, 1, 1)


def test_the_wait_of_call_ended_settles_an_answer_counted_at_its_answer() -> None:
    """The answer is counted when it happens, by cti's clock; the end's waited_seconds
    (the PBX's) is the final word, as in the records."""
    clock = Clock()
    book = make_book(clock, target_seconds=20)
    book.feed(queued("c1", NOON))
    clock.now += 19.9
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    assert line(book).answered_within_target == 1
    clock.now += 30
    book.feed(ended("c1", answered_by="1001", waited=20.4))
    stats = line(book)
    assert (stats.offered, stats.answered, stats.answered_within_target) == (1, 1, 0)
    assert stats.service_level == 0.0


def test_a_wait_of_exactly_the_target_is_within_it() -> None:
    clock = Clock()
    book = make_book(clock, target_seconds=20)
    book.feed(queued("c1", NOON))
    clock.now += 20
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    assert line(book).answered_within_target == 1


def test_a_second_answer_of_the_same_call_is_not_a_second_answered_call() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON))
    clock.now += 5
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    clock.now += 50
    book.feed(CallAnswered(call_id="c1", extension="1002"))  # a transfer target
    assert (line(book).offered, line(book).answered) == (1, 1)


def test_an_abandon_counts_offered_and_abandoned_and_lowers_the_service_level() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON))
    book.feed(queued("c2", NOON, position=2))
    clock.now += 8
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    clock.now += 30
    book.feed(ended("c2", abandoned=True, waited=38.0))
    stats = line(book)
    assert (stats.offered, stats.answered, stats.abandoned, stats.waiting) == (2, 1, 1, 0)
    assert stats.service_level == 0.5


def test_short_abandons_are_left_out_by_default() -> None:
    clock = Clock()
    book = make_book(clock, short_abandon_seconds=5)
    book.feed(queued("c1", NOON))
    clock.now += 4.9
    book.feed(ended("c1", abandoned=True, waited=4.9))
    stats = line(book)
    assert (stats.offered, stats.abandoned, stats.short_abandoned) == (0, 0, 1)
    assert stats.service_level is None


def test_short_abandons_count_as_offered_and_abandoned_when_configured() -> None:
    clock = Clock()
    book = make_book(clock, short_abandon_seconds=5, short_abandons=COUNT)
    book.feed(queued("c1", NOON))
    clock.now += 2
    book.feed(ended("c1", abandoned=True, waited=2.0))
    stats = line(book)
    assert (stats.offered, stats.abandoned, stats.short_abandoned) == (1, 1, 1)
    assert stats.service_level == 0.0


def test_an_abandon_of_exactly_the_short_limit_is_a_real_abandon() -> None:
    clock = Clock()
    book = make_book(clock, short_abandon_seconds=5)
    book.feed(queued("c1", NOON))
    clock.now += 5
    book.feed(ended("c1", abandoned=True, waited=5.0))
    assert (line(book).abandoned, line(book).short_abandoned) == (1, 0)


def test_without_waited_seconds_an_abandon_is_timed_from_the_join() -> None:
    clock = Clock()
    book = make_book(clock, short_abandon_seconds=5)
    book.feed(queued("c1", NOON))
    clock.now += 3
    book.feed(ended("c1", abandoned=True, waited=None))
    assert (line(book).abandoned, line(book).short_abandoned) == (0, 1)


def test_a_caller_who_leaves_without_answer_or_abandon_is_offered_only() -> None:
    """Timeout, empty queue or a dialplan exit: offered, neither answered nor abandoned."""
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON))
    clock.now += 300
    book.feed(ended("c1"))
    stats = line(book)
    assert (stats.offered, stats.answered, stats.abandoned) == (1, 0, 0)
    assert stats.service_level == 0.0


def test_a_caller_moved_to_another_queue_is_offered_to_both() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON, queue="sales"))
    clock.now += 60
    book.feed(queued("c1", NOON + 60, queue="support"))
    clock.now += 5
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    sales, support = line(book, "sales"), line(book, "support")
    assert (sales.offered, sales.answered, sales.waiting) == (1, 0, 0)
    assert (support.offered, support.answered, support.answered_within_target) == (1, 1, 1)


def test_calls_that_never_queued_are_not_counted() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("q1", NOON))
    book.feed(
        CallRinging(
            call_id="d1", extension="1001", caller=CALLER, called=Called("1001", None), queue=None
        )
    )
    book.feed(CallAnswered(call_id="d1", extension="1001"))
    book.feed(CallEnded(call_id="d1", cause=16, cause_text="Normal Clearing", answered_by="1001"))
    book.feed(ended("d2", answered_by="1001", queue=None))
    assert [stats.queue for stats in book.lines()] == ["support"]
    assert line(book).offered == 0


def test_a_queue_call_ended_unseen_before_counts_by_its_own_fields() -> None:
    """After a restart the book may see only the end of a call that queued before it."""
    clock = Clock()
    book = make_book(clock)
    book.feed(ended("old", answered_by="1001", waited=7.0))
    book.feed(ended("gone", abandoned=True, waited=42.0))
    stats = line(book)
    assert (stats.offered, stats.answered, stats.answered_within_target, stats.abandoned) == (
        2,
        1,
        1,
        1,
    )


def test_members_are_counted_by_state_in_each_of_their_queues() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(agent_state("1001", "available", member_of("support", "sales")))
    book.feed(agent_state("1002", "available", member_of("support")))
    book.feed(agent_state("1001", "on-call", member_of("support", "sales")))
    book.feed(
        agent_state(
            "1002", "paused", member_of("support", paused=True, reason="lunch"), reason="lunch"
        )
    )
    assert line(book, "support").agents == {"on-call": 1, "paused": 1}
    assert line(book, "sales").agents == {"on-call": 1}
    book.feed(agent_state("1001", "logged-out", ()))
    assert line(book, "support").agents == {"paused": 1}
    assert line(book, "sales").agents == {}


def test_a_member_that_is_no_agent_counts_by_its_interface() -> None:
    def unknown(state: str, queues: tuple[Seat, ...]) -> AgentState:
        return AgentState(
            agent=None,
            extension=None,
            interface="PJSIP/9999",
            state=state,
            since=SINCE,
            queues=queues,
        )

    clock = Clock()
    book = make_book(clock)
    book.feed(unknown("available", member_of("support")))
    book.feed(agent_state("1001", "available", member_of("support")))
    assert line(book).agents == {"available": 2}
    book.feed(unknown("logged-out", ()))
    assert line(book).agents == {"available": 1}


def test_tick_sends_only_changed_queues_and_each_at_most_once_a_second() -> None:
    clock = Clock()
    book = make_book(clock)
    book.add_queues(["sales", "support"])
    assert [s.queue for s in book.tick()] == ["sales", "support"]  # first lines of both
    assert book.tick() == []  # nothing changed
    book.feed(agent_state("1001", "available", member_of("support")))
    clock.now += 0.4
    assert book.tick() == []  # support went out 0.4 s ago
    book.feed(agent_state("1001", "on-call", member_of("support")))
    clock.now += 0.6
    [stats] = book.tick()
    assert (stats.queue, stats.agents) == ("support", {"on-call": 1})  # the newest state
    assert book.tick() == []


def test_a_change_back_to_what_was_last_sent_sends_nothing() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(agent_state("1001", "available", member_of("support")))
    assert len(book.tick()) == 1
    book.feed(agent_state("1001", "ringing", member_of("support")))
    book.feed(agent_state("1001", "available", member_of("support")))
    clock.now += 5
    assert book.tick() == []


def test_while_callers_wait_their_queue_goes_out_every_second() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(queued("c1", NOON))
    waits = []
    for _ in range(8):
        waits += [s.longest_wait_seconds for s in book.tick()]
        clock.now += 0.25
    assert waits == [0, 1]
    book.feed(CallAnswered(call_id="c1", extension="1001"))
    clock.now += 1
    [last] = book.tick()
    assert (last.waiting, last.longest_wait_seconds) == (0, 0)
    clock.now += 5
    assert book.tick() == []


def test_local_midnight_starts_a_new_day_and_yesterdays_calls_no_longer_count() -> None:
    paris = ZoneInfo("Europe/Paris")
    before_midnight = datetime(2026, 11, 23, 23, 59, 50, tzinfo=paris).timestamp()
    clock = Clock(before_midnight)
    book = QueueStatsBook(ServiceLevelRule(), clock, tz=paris)
    assert book.day.since == "2026-11-22T23:00:00.000Z"  # midnight in Paris, in UTC
    book.feed(queued("late", before_midnight - 5))
    book.feed(queued("early", before_midnight - 8, position=2))
    book.feed(CallAnswered(call_id="early", extension="1001"))
    assert line(book).answered == 1
    clock.now += 20  # 00:00:10 in Paris
    book.feed(CallAnswered(call_id="late", extension="1002"))
    book.feed(ended("early", answered_by="1001", waited=8.0))
    stats = line(book)
    assert stats.since == "2026-11-23T23:00:00.000Z"
    assert (stats.offered, stats.answered, stats.waiting) == (0, 0, 0)
    book.feed(queued("new", clock.now))
    clock.now += 3
    book.feed(CallAnswered(call_id="new", extension="1001"))
    assert (line(book).offered, line(book).answered) == (1, 1)


def test_midnight_alone_sends_the_reset_lines() -> None:
    clock = Clock(datetime(2026, 11, 23, 23, 59, 59, tzinfo=UTC).timestamp())
    book = make_book(clock)
    book.feed(queued("c1", clock.now))
    book.feed(ended("c1", abandoned=True, waited=30.0))
    assert book.tick()[0].abandoned == 1
    clock.now += 2
    [stats] = book.tick()
    assert (stats.abandoned, stats.since) == (0, "2026-11-24T00:00:00.000Z")


def test_a_day_is_23_or_25_hours_when_the_clocks_change() -> None:
    paris = ZoneInfo("Europe/Paris")
    spring = day_of(datetime(2026, 3, 29, 12, 0, tzinfo=paris).timestamp(), paris)
    autumn = day_of(datetime(2026, 10, 25, 12, 0, tzinfo=paris).timestamp(), paris)
    assert (spring.end - spring.start, autumn.end - autumn.start) == (23 * 3600, 25 * 3600)


def test_seeding_from_the_records_restores_todays_counts() -> None:
    clock = Clock()
    book = make_book(clock, target_seconds=20)
    book.seed(
        [
            QueueCallSeen("a", "support", NOON - 600, True, False, 10.0, ended=True),
            QueueCallSeen("b", "support", NOON - 500, False, True, 60.0, ended=True),
            QueueCallSeen("c", "support", NOON - 400, False, True, 2.0, ended=True),  # short
            QueueCallSeen("d", "support", NOON - 300, True, False, 35.0, ended=False),  # talking
            QueueCallSeen("e", "support", NOON - 20, False, False, None, ended=False),  # waiting?
            QueueCallSeen("y", "support", NOON - 86400, True, False, 1.0, ended=True),  # yesterday
        ]
    )
    stats = line(book)
    assert (stats.offered, stats.answered, stats.answered_within_target) == (3, 2, 1)
    assert (stats.abandoned, stats.short_abandoned, stats.waiting) == (1, 1, 0)
    book.feed(ended("d", answered_by="1001", waited=35.0))  # the call talking at the restart
    assert (line(book).offered, line(book).answered) == (3, 2)


def test_the_snapshot_lists_every_known_queue_as_wire_data() -> None:
    clock = Clock()
    book = make_book(clock)
    book.add_queues(["support", "billing"])
    snapshot = book.snapshot()
    assert [item["queue"] for item in snapshot] == ["billing", "support"]
    assert snapshot[0] == {
        "queue": "billing",
        "waiting": 0,
        "longest_wait_seconds": 0,
        "agents": {},
        "offered": 0,
        "answered": 0,
        "answered_within_target": 0,
        "abandoned": 0,
        "short_abandoned": 0,
        "service_level": None,
        "service_level_seconds": 20,
        "since": "2026-11-23T00:00:00.000Z",
    }


@pytest.mark.parametrize(
    "bad",
    [
        CallQueued(
            call_id="", queue="support", position=1, count=1, caller=CALLER, waiting_since="x"
        ),
        CallQueued(call_id="b1", queue="", position=1, count=1, caller=CALLER, waiting_since="x"),
        CallEnded(call_id="b3", cause=None, cause_text=None, answered_by=None, queue=""),
        agent_state("", "available", member_of("support")),
        agent_state("1001", "", member_of("support")),
    ],
)
def test_events_missing_what_counts_are_ignored(bad: object) -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(bad)  # type: ignore[arg-type]
    assert book.lines() == []


def test_unreadable_values_are_read_as_absent_and_never_break_the_book() -> None:
    clock = Clock()
    book = make_book(clock)
    book.feed(
        CallQueued(
            call_id="c1", queue="support", position=1, count=1, caller=CALLER, waiting_since="soon"
        )
    )
    clock.now += 7
    book.feed(ended("c1", abandoned=True, waited=float("nan")))  # timed from the join
    seats = (*member_of("support"), Seat("", "PJSIP/1001"), *member_of("support"))
    book.feed(agent_state("1001", "available", seats))
    stats = line(book)
    assert (stats.offered, stats.abandoned, stats.agents) == (1, 1, {"available": 1})
    assert [s.queue for s in book.lines()] == ["support"]


def test_a_failing_event_is_logged_and_the_book_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    class FailingOnce(Clock):
        readings = 0

        def __call__(self) -> float:
            self.readings += 1
            if self.readings == 2:  # the book's own first reading works, the next fails
                raise RuntimeError("boom")
            return self.now

    book = QueueStatsBook(ServiceLevelRule(), FailingOnce(), tz=UTC)
    book.feed(queued("x", NOON))
    book.feed(queued("c1", NOON))
    assert line(book).waiting == 1
    assert "queue statistics could not take call.queued" in caplog.text


@pytest.mark.parametrize(
    "rule",
    [
        {"target_seconds": -1},
        {"short_abandon_seconds": -1},
        {"short_abandons": "ignore"},
    ],
)
def test_an_impossible_rule_is_refused(rule: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ServiceLevelRule(**rule)  # type: ignore[arg-type]


def test_the_server_counts_by_the_configured_convention_and_queues(tmp_path: Path) -> None:
    import asyncio

    from cti.app import CtiApp
    from cti.config import load_config

    (tmp_path / "cti.yaml").write_text(
        f"lookup:\n  database: {tmp_path / 'contacts.db'}\n"
        "queues:\n  service_level_seconds: 30\n  short_abandon_seconds: 8\n"
        "  short_abandons: count\nagents:\n  '1001': {queues: [support, sales]}\n",
        encoding="utf-8",
    )
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(
        "ami:\n  secret: s3cret-ami\nbroker:\n  agents:\n"
        "    alice: {token: alice-token-0123456789, extension: '1001'}\n"
    )
    secrets.chmod(0o600)
    app = CtiApp(load_config(tmp_path, require_secrets=True), broker_port=0)
    try:
        assert app.stats.rule == ServiceLevelRule(30, 8, COUNT)
        assert [(s.queue, s.service_level_seconds) for s in app.stats.lines()] == [
            ("sales", 30),
            ("support", 30),
        ]
    finally:
        asyncio.run(app.stop())
    assert ServiceLevelRule() == ServiceLevelRule(20, 5, "exclude")  # the config's defaults
