""" "Today" for queue statistics: from midnight to the next, in the centre's time zone
(`reports.timezone`, so the wallboard and the reports share a day).

A day is 23 or 25 hours when the clocks change; times stay unix seconds throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import time as day_time


@dataclass(frozen=True, slots=True)
class Day:
    start: float
    end: float

    @property
    def since(self) -> str:
        """The start as the protocol writes times: ISO-8601 UTC with milliseconds."""
        moment = datetime.fromtimestamp(self.start, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def day_of(now: float, tz: tzinfo | None = None) -> Day:
    """The local day holding ``now``; ``tz`` None is the server's own time zone."""
    today = datetime.fromtimestamp(now, tz).date()
    return Day(_midnight(today, tz), _midnight(today + timedelta(days=1), tz))


def _midnight(day: date, tz: tzinfo | None) -> float:
    return datetime.combine(day, day_time(), tzinfo=tz).timestamp()
