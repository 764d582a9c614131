"""docs/service-level.md's worked example is what QueueStatsBook computes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cti.agents.servicelevel import COUNT, EXCLUDE, ServiceLevelRule
from cti.agents.stats import QueueStatsBook
from cti.protocol import CallAnswered, QueueStats
from tests.unit.agents.test_queue_stats import Clock, ended, queued

DOC = Path(__file__).resolve().parents[3] / "docs" / "service-level.md"
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC).timestamp()


def worked_example(short_abandons: str) -> QueueStats:
    """The eight callers of the example, each joining a minute after the previous one."""
    clock = Clock(NOON)
    book = QueueStatsBook(ServiceLevelRule(20, 5, short_abandons), clock, tz=UTC)
    answered = {"1": 8.0, "2": 35.0, "5": 20.0, "7": 15.0}
    abandoned = {"3": 3.0, "4": 50.0}
    for n in "12345678":
        joined = NOON + 60 * int(n)
        clock.now = joined
        book.feed(queued(n, joined))
        if n in answered:
            clock.now = joined + answered[n]
            book.feed(CallAnswered(call_id=n, extension="1001"))
            if n != "7":  # still talking
                clock.now += 100
                book.feed(ended(n, answered_by="1001", waited=answered[n]))
        elif n in abandoned:
            clock.now = joined + abandoned[n]
            book.feed(ended(n, abandoned=True, waited=abandoned[n]))
        elif n == "6":
            clock.now = joined + 300
            book.feed(ended(n, waited=300.0))  # the queue timed out: voicemail
    clock.now = NOON + 60 * 8 + 12
    return next(line for line in book.lines() if line.queue == "support")


@pytest.mark.parametrize(
    ("mode", "counts", "ratio"),
    [(EXCLUDE, (6, 4, 3, 1, 1), "3 / 6"), (COUNT, (7, 4, 3, 2, 1), "3 / 7")],
)
def test_the_worked_example_is_what_the_book_counts(
    mode: str, counts: tuple[int, ...], ratio: str
) -> None:
    stats = worked_example(mode)
    got = (
        stats.offered,
        stats.answered,
        stats.answered_within_target,
        stats.abandoned,
        stats.short_abandoned,
    )
    assert got == counts
    assert (stats.waiting, stats.longest_wait_seconds) == (1, 12)
    assert f"{ratio} = **{stats.service_level}**" in DOC.read_text(encoding="utf-8")
