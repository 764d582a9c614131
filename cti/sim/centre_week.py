"""What a small centre's week looks like: when callers ring, who works when.

The shape is the usual one of an inbound service line: nothing at night, a morning
peak around 10:00, a dip at lunch, a second peak in the early afternoon, a busy
Monday, a short Saturday and a closed Sunday. Four agents cover it in staggered
shifts, each with a lunch and short breaks. `cti.sim.history` plays it day by day.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the share of the peak hour's calls arriving in each hour of an open day (UTC)
HOURLY = (
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.55, 0.9, 1.0, 0.85,
    0.55, 0.6, 0.85, 0.8, 0.6, 0.35, 0.12, 0.0, 0.0, 0.0, 0.0, 0.0,
)  # fmt: skip
#: Monday .. Sunday, times the hourly shape
DAILY = (1.25, 1.0, 0.95, 0.95, 1.05, 0.35, 0.0)
PEAK_CALLS_PER_HOUR = 38.0


@dataclass(frozen=True, slots=True)
class Shift:
    """One agent's day, in hours after midnight: logged in from `start` to `end`,
    paused for `lunch` (start, minutes) and for short breaks."""

    extension: str
    start: float
    end: float
    lunch: tuple[float, int] | None = None
    breaks: tuple[float, ...] = ()


WEEKDAY_SHIFTS = (
    Shift("1001", 7.75, 16.0, (12.0, 45), (10.25, 14.5)),
    Shift("1002", 8.0, 16.5, (12.75, 45), (10.5, 14.75)),
    Shift("1003", 9.0, 17.5, (13.0, 45), (11.0, 15.5)),
    Shift("1004", 10.0, 18.5, (13.75, 30), (15.75,)),
)
SATURDAY_SHIFTS = (
    Shift("1001", 8.75, 13.0, None, (10.75,)),
    Shift("1002", 9.0, 13.25, None, (11.25,)),
)


def shifts_on(weekday: int) -> tuple[Shift, ...]:
    """The shifts of a day; `weekday` 0 is Monday."""
    if weekday < 5:
        return WEEKDAY_SHIFTS
    return SATURDAY_SHIFTS if weekday == 5 else ()


def calls_per_hour(weekday: int, hour: int) -> float:
    """The mean arrival rate in that hour of that weekday."""
    return PEAK_CALLS_PER_HOUR * DAILY[weekday] * HOURLY[hour]
