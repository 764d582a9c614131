"""Values carried by events, read defensively: times, durations, contact ids.

The queue statistics and the call records take events made by several producers (the
call tracker, the agents core); a missing or malformed value reads as absent, never as
an exception in the middle of the event stream.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any


def number_of(value: object) -> float | None:
    """A finite, non-negative number of seconds (negative reads as 0), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return max(0.0, float(value))


def epoch_of(value: object) -> float | None:
    """An ISO-8601 time (``2026-11-23T09:00:00.000Z``) as unix seconds, else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def stored_contact_ids(
    contact: dict[str, Any] | None, matches: Iterable[dict[str, Any]]
) -> tuple[int, ...]:
    """The built-in store's contact ids among ``matches`` (else ``contact``), each once:
    the rule of `CallRinging.stored_contact_ids`, for the other events that carry them."""
    found = list(matches) or ([contact] if contact else [])
    ids = [item.get("id") for item in found if isinstance(item, dict)]
    return tuple(dict.fromkeys(i for i in ids if type(i) is int))
