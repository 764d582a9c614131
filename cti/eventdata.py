"""Reading values out of an event's wire data (`WireEvent.data()`), defensively.

The queue statistics and the call records consume events made by several producers
(the call tracker, the agents core); the wire data of docs/protocol.md is what they all
agree on. A missing or malformed value reads as absent, never as an exception.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

CALL_QUEUED = "call.queued"
AGENT_STATE = "agent.state"


def text_of(value: object) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


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


def dict_of(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def contact_ids_of(data: dict[str, Any]) -> tuple[int, ...]:
    """The built-in store's contact ids among ``matches`` (else ``contact``), each once;
    the same rule as `CallRinging.stored_contact_ids`."""
    found = data.get("matches")
    if not isinstance(found, list | tuple) or not found:
        contact = data.get("contact")
        found = [contact] if contact else []
    ids = [item.get("id") for item in found if isinstance(item, dict)]
    return tuple(dict.fromkeys(i for i in ids if type(i) is int))
