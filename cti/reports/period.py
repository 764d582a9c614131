"""A report's period and its intervals: local dates and wall-clock intervals, as UTC times.

A manager reads "Monday 09:00-09:30" on the centre's clock, so intervals start on the
quarter, half or full hour of the local clock (`reports.timezone`). On the day the
clocks change, a day has 23 or 25 hours: the hour that does not exist has no interval,
the hour that happens twice has two (told apart by their UTC offset), and an interval
that would start in the missing hour starts at the first local time after it. Times stay
UTC unix seconds, as the records keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from math import gcd

MINUTES_PER_DAY = 24 * 60
QUARTER_HOUR = 900
_SAMPLE = 3600


@dataclass(frozen=True, slots=True)
class Interval:
    """[start, end) in UTC unix seconds."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start

    def seconds_gone(self, now: float) -> float:
        """How much of the interval lies before ``now``: all of a past one, part of the
        one in progress, none of a future one."""
        return min(self.end, max(self.start, now)) - self.start


def local_midnight(day: date, tz: tzinfo) -> float:
    """The first moment of ``day`` on the local clock (after the gap, if midnight is in one)."""
    return datetime.combine(day, time(), tzinfo=tz).timestamp()


def iso(moment: float, tz: tzinfo) -> str:
    """ISO-8601 with the zone's offset at that moment: "2026-03-29T03:00:00+02:00"."""
    return datetime.fromtimestamp(moment, tz).isoformat()


def _exists(local: datetime, moment: float, tz: tzinfo) -> bool:
    """Whether ``moment`` shows ``local`` on the local clock (False inside a gap)."""
    shown = datetime.fromtimestamp(moment, tz).replace(tzinfo=None)
    return shown == local.replace(tzinfo=None, fold=0)


def day_boundaries(day: date, minutes: int, tz: tzinfo) -> list[float]:
    """Every interval start of ``day`` in order, and the next day's midnight last.

    Each wall-clock time at a multiple of ``minutes`` is a start once, or twice when the
    clocks go back over it (both folds), or never when the clocks skip it.
    """
    start, end = local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)
    found = {start, end}
    for offset in range(0, MINUTES_PER_DAY, minutes):
        wall = datetime.combine(day, time(offset // 60, offset % 60), tzinfo=tz)
        for fold in (0, 1):
            local = wall.replace(fold=fold)
            moment = local.timestamp()
            if start <= moment < end and _exists(local, moment, tz):
                found.add(moment)
    return sorted(found)


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Local dates ``first`` to ``last``, both included, on ``tz``'s clock."""

    first: date
    last: date
    tz: tzinfo

    @property
    def start(self) -> float:
        return local_midnight(self.first, self.tz)

    @property
    def end(self) -> float:
        return local_midnight(self.last + timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def boundaries(self, minutes: int) -> list[float]:
        """Interval starts of every day, then the end of the period."""
        out: list[float] = []
        for number in range(self.days):
            out.extend(day_boundaries(self.first + timedelta(days=number), minutes, self.tz)[:-1])
        out.append(self.end)
        return out

    def intervals(self, minutes: int) -> list[Interval]:
        return [Interval(a, b) for a, b in pairwise(self.boundaries(minutes))]


def _offset(moment: int, tz: tzinfo) -> int:
    delta = datetime.fromtimestamp(moment, tz).utcoffset() or timedelta()
    return int(delta.total_seconds())


def slot_seconds(tz: tzinfo, start: float, end: float) -> int:
    """The longest slot, at most a quarter hour, that divides every UTC offset of ``tz``
    in [start, end) and every moment its clocks change there.

    Slots of UTC time (``floor(t / slot)``) then never straddle a local quarter hour, so
    SQLite can count per slot and each slot falls whole in one local hour or interval.
    """
    slot = gcd(QUARTER_HOUR, _offset(int(start), tz))
    moment, offset = int(start), _offset(int(start), tz)
    while moment < end:
        later = min(moment + _SAMPLE, int(end) + 1)
        changed = _offset(later, tz)
        if changed != offset:
            low, high = moment, later
            while high - low > 1:  # the first second of the new offset
                middle = (low + high) // 2
                low, high = (middle, high) if _offset(middle, tz) == offset else (low, middle)
            slot = gcd(gcd(slot, changed), high)
        moment, offset = later, changed
    return max(slot, 1)
