"""The interval report from a real records file: counts, rates, waits, agent time, staffing.

The calls are the worked example of docs/service-level.md, so the report must give the
numbers that page gives (T = 20 s, S = 5 s).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from cti.agents.servicelevel import ServiceLevelRule
from cti.reports.intervals import interval_report
from cti.reports.query import ReportQuery
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader
from tests.unit.reports.records_db import QueueCall, add_calls, add_period, make_records

DAY = date(2026, 3, 2)  # a Monday
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()
NOW = NINE + 45 * 60

WORKED_EXAMPLE = (
    QueueCall("c1", NINE + 60, waited=8, talk=100, hold=20, wrapup=30),
    QueueCall("c2", NINE + 120, waited=35, talk=200),
    QueueCall("c3", NINE + 180, waited=3, answered=False, abandoned=True, agent=None),
    QueueCall("c4", NINE + 240, waited=50, answered=False, abandoned=True),
    QueueCall("c5", NINE + 300, waited=20, talk=40, wrapup=10),
    QueueCall("c6", NINE + 360, waited=300, answered=False, agent=None),  # queue timeout
    QueueCall("c7", NINE + 420, waited=15, ended=False),  # still talking
    QueueCall("c8", NINE + 480, waited=None, answered=False, ended=False, agent=None),
)


def report(path: Path, **settings: Any) -> dict[str, Any]:
    query_args = {key: settings.pop(key) for key in ("first", "last", "queues") if key in settings}
    query = ReportQuery(
        query_args.get("first", DAY),
        query_args.get("last", query_args.get("first", DAY)),
        query_args.get("queues", ()),
        settings.pop("interval_minutes", 30),
    )
    with RecordsReader(path) as reader:
        return interval_report(reader, query, ReportSettings(**settings), NOW).as_json()


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = make_records(tmp_path / "records.db")
    add_calls(path, *WORKED_EXAMPLE)
    return path


def interval_at(body: dict[str, Any], start: str) -> dict[str, Any]:
    return next(row for row in body["intervals"] if row["start"] == start)


def test_worked_example_counts_as_the_service_level_page_says(records: Path) -> None:
    body = report(records)
    nine = interval_at(body, "2026-03-02T09:00:00+00:00")
    for figures in (body, nine):
        assert figures["offered"] == 6
        assert figures["answered"] == 4
        assert figures["answered_within_target"] == 3
        assert figures["abandoned"] == 1
        assert figures["abandoned_short"] == 1
        assert figures["service_level"] == 0.5
        assert figures["abandon_rate"] == round(1 / 6, 4)
        assert figures["asa_seconds"] == 19.5  # (8 + 35 + 20 + 15) / 4
        assert figures["aht_seconds"] == 133.3  # (150 + 200 + 50) / 3 ended calls
        assert figures["longest_wait_seconds"] == 300
    assert nine["end"] == "2026-03-02T09:30:00+00:00"
    empty = interval_at(body, "2026-03-02T08:30:00+00:00")
    assert (empty["offered"], empty["service_level"], empty["asa_seconds"]) == (0, None, None)
    assert (empty["abandon_rate"], empty["longest_wait_seconds"]) == (None, None)


def test_counting_short_abandons_makes_them_offered_and_abandoned(records: Path) -> None:
    body = report(records, rule=ServiceLevelRule(20, 5, "count"))
    assert (body["offered"], body["abandoned"], body["abandoned_short"]) == (7, 2, 1)
    assert body["service_level"] == 0.4286
    assert body["abandon_rate"] == round(2 / 7, 4)


def test_the_target_and_short_abandon_seconds_come_from_the_rule(records: Path) -> None:
    body = report(records, rule=ServiceLevelRule(8, 3, "exclude"))
    assert body["service_level_seconds"] == 8
    assert (body["answered_within_target"], body["abandoned_short"]) == (1, 0)
    assert (body["offered"], body["service_level"]) == (7, round(1 / 7, 4))


def test_a_call_counts_in_the_interval_its_caller_joined_the_queue(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    add_calls(path, QueueCall("late", NINE - 5, waited=40))  # joined 08:59:55, answered 09:00:35
    body = report(path, interval_minutes=15)
    assert interval_at(body, "2026-03-02T08:45:00+00:00")["answered"] == 1
    assert interval_at(body, "2026-03-02T09:00:00+00:00")["answered"] == 0
    assert len(body["intervals"]) == 96


def test_queue_filter_direction_and_period_select_the_calls(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    add_calls(
        path,
        QueueCall("s1", NINE),
        QueueCall("b1", NINE, queue="sales"),
        QueueCall("o1", NINE, direction="outbound"),
        QueueCall("yesterday", NINE - 86400),
        QueueCall("tomorrow", NINE + 86400),
    )
    assert report(path)["offered"] == 2
    assert report(path, queues=("support",))["offered"] == 1
    assert report(path, queues=("sales", "support"))["queues"] == ["sales", "support"]
    assert report(path, first=date(2026, 3, 1), last=date(2026, 3, 3))["offered"] == 4


def test_agent_time_is_clipped_to_intervals_and_open_periods_end_now(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    minute = 60.0
    add_period(path, "1001", "available", NINE, NINE + 10 * minute)
    add_period(path, "1001", "on-call", NINE + 10 * minute, NINE + 20 * minute)
    add_period(path, "1001", "wrap-up", NINE + 20 * minute, NINE + 22 * minute, "wrap-up")
    add_period(path, "1001", "paused", NINE + 22 * minute, NINE + 40 * minute, "lunch")
    add_period(path, "1001", "logged-out", NINE + 40 * minute, None)
    add_period(path, "1002", "logged-out", NINE - 3600, NINE + 25 * minute)
    add_period(path, "1002", "available", NINE + 25 * minute, None)  # open: until NOW
    add_period(path, "1003", "paused", NINE - 86400, NINE + 5 * minute)  # the day before
    body = report(path)
    first = interval_at(body, "2026-03-02T09:00:00+00:00")
    assert first["logged_in_seconds"] == 600 + 600 + 120 + 480 + 300 + 300
    assert first["paused_seconds"] == {"lunch": 480, "unspecified": 300}
    assert first["occupancy"] == round(720 / (600 + 300 + 720), 4)
    assert first["staffing"]["logged_in"] == round(2400 / 1800, 2)
    second = interval_at(body, "2026-03-02T09:30:00+00:00")
    assert second["logged_in_seconds"] == 600 + 900
    assert (second["occupancy"], second["paused_seconds"]) == (0.0, {"lunch": 600})
    later = interval_at(body, "2026-03-02T10:00:00+00:00")
    assert (later["logged_in_seconds"], later["occupancy"]) == (0, None)
    nine_hours = 9 * 3600  # 1003 was paused from midnight, when the report begins
    assert interval_at(body, "2026-03-02T00:00:00+00:00")["paused_seconds"] == {"unspecified": 1800}
    assert body["logged_in_seconds"] == 2400 + 1500 + nine_hours
    assert body["paused_seconds"] == {"lunch": 1080, "unspecified": 300 + nine_hours}


def test_the_interval_in_progress_counts_who_is_logged_in_so_far(tmp_path: Path) -> None:
    """At 09:45 the 09:30 interval is half gone: two agents logged in all that time are a
    mean of 2, not 1 (its whole 30 minutes would halve them), and the future is nobody's."""
    path = make_records(tmp_path / "records.db")
    add_period(path, "1001", "available", NINE, None)
    add_period(path, "1002", "available", NINE, None)
    body = report(path)
    assert interval_at(body, "2026-03-02T09:00:00+00:00")["staffing"]["logged_in"] == 2.0
    running = interval_at(body, "2026-03-02T09:30:00+00:00")
    assert running["logged_in_seconds"] == 2 * 900
    assert running["staffing"]["logged_in"] == 2.0
    assert interval_at(body, "2026-03-02T10:00:00+00:00")["staffing"]["logged_in"] == 0.0


def test_a_queue_report_counts_the_agents_of_its_queues_only(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    add_calls(
        path, QueueCall("s1", NINE, agent="1001"), QueueCall("b1", NINE, "sales", agent="1003")
    )
    for extension in ("1001", "1003", "1004"):
        add_period(path, extension, "available", NINE, NINE + 600)
    members = MappingProxyType({"support": frozenset({"1004"})})
    body = report(path, queues=("support",), members=members)
    assert body["logged_in_seconds"] == 1200  # 1001 was rung for support, 1004 a member
    assert report(path, members=members)["logged_in_seconds"] == 1800


def test_staffing_gives_erlang_c_agents_needed_scheduled_and_logged_in(records: Path) -> None:
    add_period(records, "1001", "available", NINE, NINE + 1800)
    body = report(records, target_service_level=0.8, shrinkage=0.3)
    staffing = interval_at(body, "2026-03-02T09:00:00+00:00")["staffing"]
    # 6 calls of 400/3 s in 30 min: 0.44 erlangs; 1 agent answers 59% in 20 s, 2 agents 94%
    assert (staffing["needed"], staffing["scheduled"], staffing["logged_in"]) == (2, 3, 1.0)
    assert 0.8 <= staffing["service_level"] < 1 and 0 < staffing["occupancy"] < 1
    quiet = interval_at(body, "2026-03-02T10:00:00+00:00")["staffing"]
    assert (quiet["needed"], quiet["scheduled"], quiet["logged_in"]) == (0, 0, 0.0)
    stricter = report(records, target_service_level=0.99, shrinkage=0.5)
    strict = interval_at(stricter, "2026-03-02T09:00:00+00:00")["staffing"]
    assert strict["needed"] > 2 and strict["scheduled"] == 2 * strict["needed"]


def test_an_interval_with_calls_but_no_handle_time_uses_the_reports_aht(records: Path) -> None:
    add_calls(records, QueueCall("x", NINE + 3600, waited=400, answered=False, abandoned=True))
    body = report(records)
    staffing = interval_at(body, "2026-03-02T10:00:00+00:00")["staffing"]
    assert staffing["needed"] is not None and staffing["needed"] >= 1


def test_the_json_has_every_field_the_contract_names(records: Path) -> None:
    body = report(records)
    counters = {
        "offered", "answered", "abandoned", "abandoned_short", "abandon_rate",
        "answered_within_target", "service_level", "asa_seconds", "aht_seconds",
        "longest_wait_seconds", "occupancy",
    }  # fmt: skip
    top = {"timezone", "from", "to", "queues", "interval_minutes", "service_level_seconds"}
    assert top | counters | {"intervals"} <= set(body)
    assert (body["timezone"], body["from"], body["to"]) == ("UTC", "2026-03-02", "2026-03-02")
    row = body["intervals"][0]
    per_interval = {"start", "end", "logged_in_seconds", "paused_seconds", "staffing"}
    assert counters | per_interval <= set(row)
    assert {"needed", "scheduled", "logged_in"} <= set(row["staffing"])
