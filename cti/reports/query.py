"""What a report is asked for: local dates, queues and an interval, checked in one place.

The REST routes and `cti report` both build a `ReportQuery` here, so a bad value gets
the same clear message from either (`BadReportQuery`), never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from cti.config.report_options import INTERVAL_MINUTES

MAX_DAYS = 366
"""The longest period one report covers: a year (a leap year's 366 days)."""

MAX_QUEUES = 100
MAX_QUEUE_NAME = 79  # app_queue keeps queue names in char[80]
PARAMETERS = ("from", "to", "queue", "interval")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class BadReportQuery(ValueError):
    """A report parameter that cannot be used; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """Local dates ``first`` to ``last`` (both included); no queue means every queue."""

    first: date
    last: date
    queues: tuple[str, ...] = ()
    interval_minutes: int = 30

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise BadReportQuery(f"'to' ({self.last}) is before 'from' ({self.first})")
        days = (self.last - self.first).days + 1
        if days > MAX_DAYS:
            raise BadReportQuery(f"the period has {days} days; a report covers at most {MAX_DAYS}")
        if self.interval_minutes not in INTERVAL_MINUTES:
            allowed = ", ".join(str(m) for m in INTERVAL_MINUTES)
            raise BadReportQuery(f"'interval' must be one of {allowed} (minutes)")
        for queue in self.queues:
            check_queue(queue)
        if len(self.queues) > MAX_QUEUES:
            raise BadReportQuery(f"at most {MAX_QUEUES} queues in one report")


def check_queue(queue: str) -> None:
    if not queue.strip() or queue != queue.strip():
        raise BadReportQuery("a 'queue' must be a name without spaces at either end")
    if _CONTROL.search(queue):
        raise BadReportQuery("a 'queue' must not contain control characters")
    if len(queue) > MAX_QUEUE_NAME:
        raise BadReportQuery(f"a 'queue' name has at most {MAX_QUEUE_NAME} characters")


def parse_date(name: str, text: str) -> date:
    """A local date written YYYY-MM-DD, and nothing else."""
    if not _DATE.fullmatch(text):
        raise BadReportQuery(f"'{name}' must be a date written YYYY-MM-DD, got {text[:40]!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadReportQuery(f"'{name}' is not a date of the calendar: {text!r}") from None


def parse_interval(text: str) -> int:
    if not text.isdigit() or int(text) not in INTERVAL_MINUTES:
        allowed = ", ".join(str(m) for m in INTERVAL_MINUTES)
        raise BadReportQuery(f"'interval' must be one of {allowed} (minutes), got {text[:20]!r}")
    return int(text)


def today(tz: tzinfo, now: float) -> date:
    return datetime.fromtimestamp(now, tz).date()


def parse_query(
    params: Mapping[str, Sequence[str]], tz: tzinfo, now: float, default_interval: int
) -> ReportQuery:
    """A query from parameters given as lists of strings (a URL query, for example).

    ``from`` defaults to ``to``, else today on ``tz``'s clock; ``to`` to ``from``; ``interval`` to
    ``default_interval``; ``queue`` may repeat. An unknown or repeated parameter is
    refused, so a misspelt one does not silently report on everything.
    """
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise BadReportQuery(
            f"unknown parameter {unknown[0]!r}; the parameters are {', '.join(PARAMETERS)}"
        )
    single = {name: _single(params, name) for name in ("from", "to", "interval")}
    last = parse_date("to", single["to"]) if single["to"] is not None else None
    if single["from"] is not None:
        first = parse_date("from", single["from"])
    else:
        first = last or today(tz, now)
    last = last or first
    interval = (
        default_interval if single["interval"] is None else parse_interval(single["interval"])
    )
    queues = tuple(dict.fromkeys(params.get("queue", ())))
    return ReportQuery(first, last, queues, interval)


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name, ())
    if len(values) > 1:
        raise BadReportQuery(f"'{name}' is given {len(values)} times; give it once")
    return values[0] if values else None
