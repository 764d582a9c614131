"""The broker's clock as seen from this PC, for times the broker stamps.

Agent states, waiting callers and wrap-ups carry the broker's wall-clock times (`since`,
`waiting_since`, `wrapup_until`). An agent PC's clock may be minutes off the server's, so
reading them against the PC's clock would show a wrap-up ending at the wrong moment or a
caller waiting for minutes from the start. Every event envelope carries `ts`, the broker's
time when it sent the event: the smallest difference between this PC's clock on arrival
and `ts` is the offset of the two clocks (plus the fastest delivery, a few ms), and it only
ever shrinks, so timers read with it never jump backwards. Before any event arrives the
PC's clock is taken as it is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime


def parse_utc(stamp: object) -> float | None:
    """An ISO-8601 time with a zone (`...Z` or `+00:00`) as Unix seconds; None otherwise."""
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.timestamp()


class ServerClock:
    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self.offset: float | None = None  # this PC's clock minus the broker's, seconds

    def observe(self, stamp: object) -> None:
        """An event envelope's `ts` arrived now."""
        sent = parse_utc(stamp)
        if sent is None:
            return
        sample = self._wall() - sent
        if self.offset is None or sample < self.offset:
            self.offset = sample

    def now(self) -> float:
        """The broker's time now, in Unix seconds."""
        return self._wall() - (self.offset or 0.0)

    def since(self, moment: float | None) -> float:
        """Seconds from `moment` (broker time) to now; 0 for none or a future one."""
        return 0.0 if moment is None else max(0.0, self.now() - moment)

    def until(self, moment: float | None) -> float:
        """Seconds from now to `moment` (broker time); 0 once it has passed."""
        return 0.0 if moment is None else max(0.0, moment - self.now())
