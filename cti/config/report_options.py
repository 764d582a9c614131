"""Options of the `reports` section: the time zone of reports and the staffing targets.

The service level convention itself (T, short abandons) is the `queues` section's, so a
report counts a call exactly as the live `queue.stats` does.
"""

from __future__ import annotations

import difflib
import zoneinfo
from dataclasses import dataclass

from cti.config.option import Option
from cti.config.types import Int, InvalidValue, ValueType, kind_of

REPORTS_SECTION = (
    "Reports for managers (`cti report`, `GET /api/reports/...`): the time zone their "
    "days and intervals are in, and the targets of the Erlang C staffing."
)

INTERVAL_MINUTES = (15, 30, 60)


def _zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@dataclass(frozen=True, slots=True)
class TimeZoneName(ValueType):
    """An IANA time zone name that `zoneinfo` knows ("Europe/Paris", "UTC")."""

    @property
    def label(self) -> str:
        return "IANA time zone name (e.g. UTC, Europe/Paris, America/New_York)"

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise InvalidValue.single(f"expected a time zone name, got {kind_of(value)}")
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, _zone_names(), n=1)
            suggestion = f"did you mean {close[0]!r}?" if close else None
            hint = "a name from the IANA tz database, such as Europe/Paris"
            raise InvalidValue.single("is not a known time zone", hint, value, suggestion) from None
        return value


@dataclass(frozen=True, slots=True)
class Fraction(ValueType):
    """A number between 0 and 1; ``zero`` and ``one`` say whether each end is allowed."""

    zero: bool
    one: bool

    @property
    def label(self) -> str:
        low = "0 (included)" if self.zero else "0 (excluded)"
        high = "1 (included)" if self.one else "1 (excluded)"
        return f"number from {low} to {high}"

    def parse(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = "write it without quotes, e.g. 0.8" if isinstance(value, str) else None
            raise InvalidValue.single("expected a number", hint, value)
        number = float(value)
        below = number < 0 or (number == 0 and not self.zero)
        above = number > 1 or (number == 1 and not self.one)
        if below or above or number != number:
            hint = "a fraction, e.g. 0.8 for 80%" if number > 1 else None
            raise InvalidValue.single(f"must be a {self.label}", hint, value)
        return number


@dataclass(frozen=True, slots=True)
class IntervalMinutes(Int):
    """15, 30 or 60: interval lengths that divide an hour, so intervals start on the
    quarter, half or full hour of the local clock."""

    @property
    def label(self) -> str:
        return "one of " + ", ".join(str(m) for m in INTERVAL_MINUTES)

    def parse(self, value: object) -> int:
        minutes = Int.parse(self, value)
        if minutes not in INTERVAL_MINUTES:
            raise InvalidValue.single(f"must be {self.label}", got=value)
        return minutes


REPORT_OPTIONS: tuple[Option, ...] = (
    Option(
        "reports.timezone",
        TimeZoneName(),
        "UTC",
        "Time zone of report days and intervals: a report's dates are local dates here, "
        "and every time it shows carries this zone's offset. The wallboard's today "
        "(`queue.stats`) starts at this zone's midnight too.",
    ),
    Option(
        "reports.interval_minutes",
        IntervalMinutes(),
        30,
        "Length of a report interval in minutes when a report names none.",
    ),
    Option(
        "reports.target_service_level",
        Fraction(zero=False, one=True),
        0.8,
        "Staffing target: the share of calls to answer within `queues.service_level_seconds` "
        "(0.8 = 80%); Erlang C gives the agents needed for it, interval by interval.",
    ),
    Option(
        "reports.shrinkage",
        Fraction(zero=True, one=False),
        0.3,
        "Share of paid time agents are not available for calls (breaks, training, absence); "
        "the staff to schedule is the agents needed / (1 - shrinkage).",
    ),
)
