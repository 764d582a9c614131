"""Report periods are local dates, and intervals local wall-clock intervals, DST days too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cti.reports.intervals import interval_report
from cti.reports.period import ReportPeriod, iso
from cti.reports.query import ReportQuery
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader
from tests.unit.reports.records_db import QueueCall, add_calls, add_period, make_records

PARIS = ZoneInfo("Europe/Paris")


def starts(period: ReportPeriod, minutes: int) -> list[str]:
    return [iso(interval.start, period.tz)[11:] for interval in period.intervals(minutes)]


def test_a_utc_day_has_96_quarter_hours_from_midnight_to_midnight() -> None:
    period = ReportPeriod(date(2026, 3, 2), date(2026, 3, 2), ZoneInfo("UTC"))
    intervals = period.intervals(15)
    assert len(intervals) == 96
    assert intervals[0].start == datetime(2026, 3, 2, tzinfo=UTC).timestamp()
    assert intervals[-1].end == datetime(2026, 3, 3, tzinfo=UTC).timestamp()
    assert all(i.seconds == 900 for i in intervals)


def test_the_spring_forward_day_has_23_hours_and_no_interval_in_the_missing_hour() -> None:
    period = ReportPeriod(date(2026, 3, 29), date(2026, 3, 29), PARIS)
    assert period.end - period.start == 23 * 3600
    shown = starts(period, 30)
    assert len(shown) == 46
    assert shown[2:6] == ["01:00:00+01:00", "01:30:00+01:00", "03:00:00+02:00", "03:30:00+02:00"]
    assert all(interval.seconds == 1800 for interval in period.intervals(30))


def test_the_fall_back_day_has_25_hours_and_the_repeated_hour_twice() -> None:
    period = ReportPeriod(date(2026, 10, 25), date(2026, 10, 25), PARIS)
    assert period.end - period.start == 25 * 3600
    shown = starts(period, 60)
    assert len(shown) == 25
    assert shown[1:5] == ["01:00:00+02:00", "02:00:00+02:00", "02:00:00+01:00", "03:00:00+01:00"]


def test_a_half_hour_clock_change_gives_one_longer_hourly_interval() -> None:
    """Lord Howe Island moves its clocks by 30 minutes: 02:00 becomes 02:30."""
    tz = ZoneInfo("Australia/Lord_Howe")
    period = ReportPeriod(date(2026, 10, 4), date(2026, 10, 4), tz)
    intervals = period.intervals(60)
    assert [iso(i.start, tz)[11:] for i in intervals][1:3] == ["01:00:00+10:30", "03:00:00+11:00"]
    assert intervals[1].seconds == 5400
    assert sum(i.seconds for i in intervals) == period.end - period.start == 23.5 * 3600


def test_a_day_whose_midnight_is_skipped_starts_when_the_clock_jumps() -> None:
    """Chile moves its clocks forward at midnight: that Sunday starts at 01:00."""
    tz = ZoneInfo("America/Santiago")
    period = ReportPeriod(date(2026, 9, 6), date(2026, 9, 6), tz)
    assert iso(period.start, tz) == "2026-09-06T01:00:00-03:00"
    assert len(period.intervals(60)) == 23


def test_a_call_on_the_dst_day_lands_in_its_local_interval(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    at = datetime(2026, 3, 29, 3, 10, tzinfo=PARIS).timestamp()  # 01:10 UTC
    early = datetime(2026, 3, 29, 1, 50, tzinfo=PARIS).timestamp()  # 00:50 UTC
    add_calls(path, QueueCall("after", at), QueueCall("before", early))
    settings = ReportSettings(timezone=PARIS)
    query = ReportQuery(date(2026, 3, 29), date(2026, 3, 29), (), 30)
    with RecordsReader(path) as reader:
        body = interval_report(reader, query, settings, at + 3600).as_json()
    assert body["timezone"] == "Europe/Paris"
    offered = {row["start"]: row["offered"] for row in body["intervals"] if row["offered"]}
    assert offered == {"2026-03-29T01:30:00+01:00": 1, "2026-03-29T03:00:00+02:00": 1}
    row = next(r for r in body["intervals"] if r["start"] == "2026-03-29T01:30:00+01:00")
    assert row["end"] == "2026-03-29T03:00:00+02:00"
    assert len(body["intervals"]) == 46


def test_a_period_of_several_days_runs_from_the_first_local_midnight_to_after_the_last() -> None:
    period = ReportPeriod(date(2026, 3, 28), date(2026, 3, 30), PARIS)
    assert iso(period.start, PARIS) == "2026-03-28T00:00:00+01:00"
    assert iso(period.end, PARIS) == "2026-03-31T00:00:00+02:00"
    assert len(period.intervals(60)) == 24 + 23 + 24


def test_agent_time_on_the_dst_day_is_clipped_to_local_intervals(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    across_gap = datetime(2026, 3, 29, 1, 50, tzinfo=PARIS).timestamp()  # 20 min to 03:10
    add_period(path, "1001", "available", across_gap, across_gap + 1200)
    short = datetime(2026, 3, 29, 9, 5, tzinfo=PARIS).timestamp()  # within one quarter hour
    add_period(path, "1001", "paused", short, short + 300, "break")
    query = ReportQuery(date(2026, 3, 29), date(2026, 3, 29), (), 30)
    with RecordsReader(path) as reader:
        body = interval_report(reader, query, ReportSettings(timezone=PARIS), short + 3600)
    logged = {
        row["start"][11:]: row["logged_in_seconds"]
        for row in body.as_json()["intervals"]
        if row["logged_in_seconds"]
    }
    assert logged == {"01:30:00+01:00": 600, "03:00:00+02:00": 600, "09:00:00+02:00": 300}
    assert body.as_json()["paused_seconds"] == {"break": 300}
