"""Report parameters: defaults on the report's clock, and every bad value refused clearly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cti.reports.query import BadReportQuery, ReportQuery, parse_query

# 23:30 UTC on 2 March is already 3 March in Paris
NOW = datetime(2026, 3, 2, 23, 30, tzinfo=UTC).timestamp()
UTC_ZONE = ZoneInfo("UTC")


def parse(tz: ZoneInfo = UTC_ZONE, **params: list[str]) -> ReportQuery:
    return parse_query(params, tz, NOW, 30)


def test_no_parameter_is_today_on_the_reports_clock_every_queue_default_interval() -> None:
    assert parse() == ReportQuery(date(2026, 3, 2), date(2026, 3, 2), (), 30)
    paris = parse(ZoneInfo("Europe/Paris"))
    assert (paris.first, paris.last) == (date(2026, 3, 3), date(2026, 3, 3))


def test_dates_queues_and_interval_are_read() -> None:
    query = parse(
        **{"from": ["2026-02-01"], "to": ["2026-02-28"]},
        queue=["support", "sales", "support"],
        interval=["15"],
    )
    assert query == ReportQuery(date(2026, 2, 1), date(2026, 2, 28), ("support", "sales"), 15)


def test_from_alone_is_that_day_and_to_alone_is_that_day() -> None:
    assert parse(**{"from": ["2026-01-05"]}).last == date(2026, 1, 5)
    assert parse(to=["2026-01-05"]).first == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": ["02/03/2026"]}, "'from' must be a date written YYYY-MM-DD"),
        ({"from": ["20260302"]}, "'from' must be a date written YYYY-MM-DD"),
        ({"to": ["2026-02-30"]}, "'to' is not a date of the calendar"),
        ({"from": ["2026-03-02"], "to": ["2026-03-01"]}, "'to' (2026-03-01) is before 'from'"),
        ({"from": ["2025-01-01"], "to": ["2026-01-02"]}, "the period has 367 days"),
        ({"interval": ["20"]}, "'interval' must be one of 15, 30, 60"),
        ({"interval": ["-30"]}, "'interval' must be one of 15, 30, 60"),
        ({"interval": ["30", "60"]}, "'interval' is given 2 times"),
        ({"queue": [""]}, "a 'queue' must be a name"),
        ({"queue": [" support"]}, "a 'queue' must be a name without spaces"),
        ({"queue": ["sup\nport"]}, "must not contain control characters"),
        ({"queue": ["q" * 80]}, "at most 79 characters"),
        ({"queue": [f"q{n}" for n in range(101)]}, "at most 100 queues"),
        ({"queues": ["support"]}, "unknown parameter 'queues'"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(
    params: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(BadReportQuery) as caught:
        parse(**params)
    assert message in str(caught.value)
