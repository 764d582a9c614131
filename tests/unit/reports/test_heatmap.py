"""The weekday x hour heatmap of offered calls, on the report's clock, counted as reports do."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cti.agents.servicelevel import ServiceLevelRule
from cti.reports.heatmap import heatmap
from cti.reports.intervals import interval_report
from cti.reports.period import slot_seconds
from cti.reports.query import ReportQuery
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader
from tests.unit.reports.records_db import QueueCall, add_calls, make_records

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 3, 2)


def at(*args: int, tz: ZoneInfo = PARIS) -> float:
    return datetime(*args, tzinfo=tz).timestamp()


def grid(path: Path, first: date, last: date, settings: ReportSettings) -> list[list[int]]:
    with RecordsReader(path) as reader:
        return heatmap(reader, ReportQuery(first, last), settings).offered


def test_calls_land_under_their_local_weekday_and_hour(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    add_calls(
        path,
        QueueCall("mon-9a", at(2026, 3, 2, 9, 5)),
        QueueCall("mon-9b", at(2026, 3, 2, 9, 59)),
        QueueCall("tue-14", at(2026, 3, 3, 14, 0)),
        QueueCall("sun-23", at(2026, 3, 8, 23, 30)),
        QueueCall("short", at(2026, 3, 2, 9, 30), waited=2, answered=False, abandoned=True),
        QueueCall("waiting", at(2026, 3, 2, 9, 30), answered=False, ended=False),
    )
    offered = grid(path, MONDAY, date(2026, 3, 8), ReportSettings(timezone=PARIS))
    assert (len(offered), {len(row) for row in offered}) == (7, {24})
    assert (offered[0][9], offered[1][14], offered[6][23]) == (2, 1, 1)
    assert sum(map(sum, offered)) == 4
    counting = ReportSettings(timezone=PARIS, rule=ServiceLevelRule(20, 5, "count"))
    assert grid(path, MONDAY, date(2026, 3, 8), counting)[0][9] == 3
    in_utc = grid(path, MONDAY, date(2026, 3, 8), ReportSettings())
    assert in_utc[0][8] == 2  # 09:05 in Paris is 08:05 UTC in winter


@pytest.mark.parametrize("short_abandons", ["exclude", "count"])
def test_the_heatmap_and_the_interval_report_count_the_same_calls(
    tmp_path: Path, short_abandons: str
) -> None:
    path = make_records(tmp_path / "records.db")
    calls = []
    for day in range(24, 31):  # the week of the spring change, every 37 minutes
        for minute in range(0, 24 * 60, 37):
            moment = at(2026, 3, day, 0, 0) + minute * 60
            kind = minute % 5
            calls.append(
                QueueCall(
                    f"{day}-{minute}",
                    moment,
                    waited=[3, 30, 4, 50, 10][kind],
                    answered=kind in (1, 4),
                    abandoned=kind in (0, 2, 3),
                    ended=minute % 7 != 0,
                )
            )
    add_calls(path, *calls)
    settings = ReportSettings(timezone=PARIS, rule=ServiceLevelRule(20, 5, short_abandons))
    query = ReportQuery(date(2026, 3, 24), date(2026, 3, 30), (), 60)
    with RecordsReader(path) as reader:
        offered = heatmap(reader, query, settings).offered
        report = interval_report(reader, query, settings, at(2026, 4, 1, 0, 0)).as_json()
    assert sum(map(sum, offered)) == report["offered"] > 0
    by_hour = [0] * 24
    for row in report["intervals"]:
        by_hour[int(row["start"][11:13])] += row["offered"]
    assert [sum(day[hour] for day in offered) for hour in range(24)] == by_hour


def test_a_year_of_paris_time_is_counted_in_quarter_hour_slots() -> None:
    start, end = at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0)
    assert slot_seconds(PARIS, start, end) == 900
    assert slot_seconds(ZoneInfo("Asia/Kathmandu"), start, end) == 900  # +05:45
    assert slot_seconds(ZoneInfo("UTC"), start, end) == 900


def test_a_zone_with_an_offset_of_odd_seconds_gets_slots_that_fit_it(tmp_path: Path) -> None:
    """Liberia kept -00:44:30 until 1972: 08:44:40 UTC was 08:00:10 on its clock."""
    monrovia = ZoneInfo("Africa/Monrovia")
    start, end = at(1971, 12, 1, 0, 0, tz=monrovia), at(1972, 2, 1, 0, 0, tz=monrovia)
    assert slot_seconds(monrovia, start, end) == 30
    path = make_records(tmp_path / "records.db")
    add_calls(path, QueueCall("odd", datetime(1971, 12, 6, 8, 44, 40, tzinfo=UTC).timestamp()))
    offered = grid(path, date(1971, 12, 6), date(1971, 12, 6), ReportSettings(timezone=monrovia))
    assert offered[0][8] == 1
