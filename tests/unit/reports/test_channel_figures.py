"""Per-channel figures of emails, chats and web forms in the interval report, from a
real records file the real `InteractionWriter` filled."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from cti.config import load_config
from cti.records.schema import MIGRATIONS, migrate
from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings, report_settings
from tests.unit.reports.interactions_db import interaction, write_interactions
from tests.unit.reports.records_db import QueueCall, add_calls, make_records

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, tzinfo=PARIS).timestamp()
HOUR = 3600.0
LATER = MONDAY + 5 * 86400  # the report is made on Saturday
SETTINGS = ReportSettings(timezone=PARIS)  # targets: email 4 h, chat 60 s, webform 1 h


def report(path: Path, now: float = LATER, first: date = date(2026, 3, 2)) -> dict[str, Any]:
    book = ReportBook(path, SETTINGS, clock=lambda: now)
    return book.intervals(ReportQuery(first, first, (), 30))


def monday_mix(path: Path) -> None:
    write_interactions(
        path,
        # emails: one answered in 20 min, one after 5.6 h (past the 4 h target)
        interaction("e1", "email", MONDAY + 9 * HOUR, accepted=600, replied=1200, closed=3000),
        interaction(
            "e2", "email", MONDAY + 9 * HOUR + 600, accepted=100, replied=20_000, closed=21_000
        ),
        # chats: one answered in 30 s; one visitor left after 10 s, one after 200 s unanswered
        interaction("c1", "chat", MONDAY + 10 * HOUR, accepted=5, replied=30, closed=300),
        interaction(
            "c2", "chat", MONDAY + 10 * HOUR + 300, closed=10, reason="visitor_left", agent=None
        ),
        interaction(
            "c3", "chat", MONDAY + 10 * HOUR + 600, closed=200, reason="visitor_left", agent=None
        ),
        # a form accepted but neither answered nor closed, days past its 1 h target
        interaction("w1", "webform", MONDAY + 11 * HOUR, accepted=60),
    )


def test_each_channel_has_its_counts_first_response_against_target_and_handling_time(
    tmp_path: Path,
) -> None:
    path = make_records(tmp_path / "records.db")
    monday_mix(path)
    channels = report(path)["channels"]
    assert list(channels) == ["email", "chat", "webform"]
    assert channels["email"] == {
        "first_response_target_seconds": 14_400,
        "offered": 2,
        "handled": 2,
        "closed": 2,
        "abandoned": 0,
        "open": 0,
        "responded": 2,
        "first_response_due": 2,
        "responded_within_target": 1,
        "first_response_level": 0.5,
        "first_response_mean_seconds": 10_600.0,
        "first_response_p90_seconds": 20_000.0,
        "handling_mean_seconds": 11_650.0,  # (2400 + 20900) / 2
    }
    chat = channels["chat"]
    assert (chat["offered"], chat["handled"], chat["closed"], chat["abandoned"]) == (3, 1, 3, 2)
    # the visitor gone after 10 s is neither met nor missed; the one after 200 s is missed
    assert (chat["first_response_due"], chat["responded_within_target"]) == (2, 1)
    assert chat["first_response_level"] == 0.5
    assert (chat["first_response_mean_seconds"], chat["handling_mean_seconds"]) == (30.0, 295.0)
    form = channels["webform"]
    assert (form["offered"], form["handled"], form["closed"], form["open"]) == (1, 1, 0, 1)
    assert (form["responded"], form["first_response_due"], form["first_response_level"]) == (
        0,
        1,
        0.0,
    )
    assert form["first_response_mean_seconds"] is form["handling_mean_seconds"] is None


def test_an_interaction_counts_in_the_interval_it_arrived_in(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    monday_mix(path)
    rows = {row["start"][11:16]: row["channels"] for row in report(path)["intervals"]}
    assert rows["09:00"]["email"]["offered"] == 2
    assert rows["10:00"]["chat"]["offered"] == 3
    assert rows["11:00"]["webform"]["open"] == 1
    assert sum(row["email"]["offered"] for row in rows.values()) == 2
    assert rows["12:00"]["chat"] == {**rows["12:00"]["chat"], "offered": 0, "responded": 0}


def test_an_empty_period_has_every_channel_with_zero_counts_and_no_times(
    tmp_path: Path,
) -> None:
    path = make_records(tmp_path / "records.db")
    monday_mix(path)
    channels = report(path, first=date(2026, 3, 3))["channels"]
    assert set(channels) == {"email", "chat", "webform"}
    for figures in channels.values():
        assert figures["offered"] == figures["handled"] == figures["first_response_due"] == 0
        assert figures["first_response_level"] is None
        assert figures["first_response_mean_seconds"] is figures["handling_mean_seconds"] is None


def test_an_interaction_open_at_the_period_end_is_offered_and_open_not_closed(
    tmp_path: Path,
) -> None:
    path = make_records(tmp_path / "records.db")
    night = MONDAY + 23 * HOUR + 1800
    write_interactions(
        path,
        interaction("open-mail", "email", night, accepted=60),  # still open now
        interaction("open-chat", "chat", night + 60, accepted=10),  # no reply, 5 min on
        interaction("late", "email", MONDAY + 22 * HOUR, accepted=60, replied=600, closed=7260),
    )
    now = MONDAY + 86400 + 300  # Tuesday 00:05: Monday is over, those two are not
    monday = report(path, now=now)["channels"]
    mail, chat = monday["email"], monday["chat"]
    assert (mail["offered"], mail["open"], mail["closed"], mail["handled"]) == (2, 1, 1, 2)
    # the open mail's 4 h target has not passed yet: not due; the closed one was answered
    assert (mail["first_response_due"], mail["responded_within_target"]) == (1, 1)
    assert mail["handling_mean_seconds"] == 7200.0  # closed on Tuesday, counted Monday
    # the chat waited 35 min for a reply: past its 60 s target though still open
    assert (chat["open"], chat["first_response_due"], chat["first_response_level"]) == (1, 1, 0.0)
    assert chat["handling_mean_seconds"] is None
    tuesday = report(path, now=now, first=date(2026, 3, 3))["channels"]
    assert tuesday["email"]["offered"] == 0


def test_rows_with_missing_or_impossible_times_are_counted_without_crashing(
    tmp_path: Path,
) -> None:
    path = make_records(tmp_path / "records.db")
    at = MONDAY + 14 * HOUR
    write_interactions(
        path,
        interaction("no-accept", "email", at, replied=100, closed=200),  # replied unaccepted
        interaction("back-reply", "email", at, accepted=10, replied=-50, closed=100),
        interaction("back-close", "chat", at, accepted=100, replied=120, closed=50),
    )
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO interactions (id, channel, thread_key, arrived_at, accepted_at, "
            "first_response_at, closed_at) VALUES "
            "('text', 'chat', 't1', ?, 'soon', x'00', 'never'), "
            "('when', 'chat', 't2', 'yesterday', NULL, NULL, NULL), "
            "('fax', 'fax', 't3', ?, ?, NULL, ?)",
            (at, at, at + 5, at + 65),
        )
    channels = report(path)["channels"]
    mail = channels["email"]
    assert (mail["offered"], mail["handled"], mail["closed"], mail["abandoned"]) == (2, 1, 2, 1)
    assert mail["responded"] == 1  # the reply "before" its arrival is not known
    assert mail["handling_mean_seconds"] == 90.0
    chat = channels["chat"]
    # 'text' counts (its arrival is known) as if its other times were NULL: neither
    # accepted nor closed; 'when' has no arrival time to put it in a period
    assert (chat["offered"], chat["handled"], chat["closed"], chat["open"]) == (2, 1, 1, 1)
    assert chat["handling_mean_seconds"] is None  # closed before accepted: not a handling time
    assert channels["fax"]["offered"] == 1
    assert channels["fax"]["first_response_target_seconds"] is None
    assert channels["fax"]["first_response_level"] is None
    assert channels["fax"]["handling_mean_seconds"] == 60.0


def test_a_records_file_from_before_interactions_reports_channels_with_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with closing(sqlite_utils.Database(path)) as db:
        migrate(db, MIGRATIONS[:3])
    add_calls(path, QueueCall("c1", MONDAY + 9 * HOUR))
    body = report(path)
    assert body["offered"] == 1
    assert [figures["offered"] for figures in body["channels"].values()] == [0, 0, 0]


def test_the_targets_are_the_configured_first_response_seconds(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_text(
        "interactions:\n  first_response_seconds:\n    chat: 30\n", encoding="utf-8"
    )
    settings = report_settings(load_config(tmp_path))
    assert settings.first_response["chat"] == 30
    assert settings.first_response["email"] == 14_400  # the built-in value stays


@pytest.mark.parametrize(("share", "expected"), [(0.9, 9.0), (0.5, 5.0), (1.0, 10.0)])
def test_the_p90_is_the_nearest_rank_percentile(share: float, expected: float) -> None:
    from cti.interactions.figures import percentile

    assert percentile([float(n) for n in range(10, 0, -1)], share) == expected
    assert percentile([], share) is None
