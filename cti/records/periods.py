"""Agent state periods: each agent's `agent.state` events, as spans of time in SQLite.

A period starts when an agent's state, reason or call changes and ends when the next
one starts; the open period has no end yet. Each change hands its rows to the records
writer, which batches them with the calls. After a restart, an agent whose first state
is the one its open period has goes on in that period; any other state closes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from cti.eventdata import epoch_of
from cti.protocol import AgentState, WireEvent

log = logging.getLogger(__name__)

PERIOD_COLUMNS = ("extension", "state", "reason", "started_at", "ended_at", "call_id")
UPSERT_PERIOD = (
    f"INSERT INTO agent_periods ({', '.join(PERIOD_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (extension, started_at) DO UPDATE SET state = excluded.state, "
    "reason = excluded.reason, ended_at = excluded.ended_at, call_id = excluded.call_id, "
    "source = excluded.source"  # a live period wins over an imported one at the same start
)
SELECT_OPEN_PERIODS = (
    f"SELECT {', '.join(PERIOD_COLUMNS)} FROM agent_periods WHERE ended_at IS NULL "
    "ORDER BY started_at"
)


class PeriodRow(NamedTuple):
    """One row of `agent_periods`, in its column order."""

    extension: str
    state: str
    reason: str | None
    started_at: float
    ended_at: float | None
    call_id: str | None

    @property
    def key(self) -> tuple[str, float]:
        return (self.extension, self.started_at)

    def same_as(self, state: str, reason: str | None, call_id: str | None) -> bool:
        return (self.state, self.reason, self.call_id) == (state, reason, call_id)


class PeriodSink(Protocol):
    def submit_period(self, row: PeriodRow) -> None: ...


class AgentPeriods:
    """The open period of each agent; ``open_periods`` are those a previous run left."""

    def __init__(
        self,
        sink: PeriodSink,
        clock: Callable[[], float] = time.time,
        open_periods: Iterable[PeriodRow] = (),
        on_ended: Callable[[PeriodRow], None] | None = None,
    ) -> None:
        """``on_ended`` hears each period that ends (a wrap-up's length goes to its call)."""
        self._sink = sink
        self._clock = clock
        self._on_ended = on_ended
        self._open = {row.extension: row for row in open_periods}

    def current(self, extension: str) -> PeriodRow | None:
        return self._open.get(extension)

    def record(self, event: WireEvent) -> None:
        """Take an `agent.state`; a failure is logged and never reaches the event stream."""
        if not isinstance(event, AgentState):
            return
        try:
            self._apply(event, self._clock())
        except Exception:
            log.exception("could not record an agent state period")

    def _apply(self, event: AgentState, now: float) -> None:
        """A member that is no agent (no extension) has no periods: it is no one's time."""
        extension, state = event.extension, event.state
        if not extension or not state:
            return
        reason, call_id = event.reason or None, event.call_id or None
        current = self._open.get(extension)
        if current is not None and current.same_as(state, reason, call_id):
            return  # a repeat (a resync announcing every agent) is no new period
        since = epoch_of(event.since)
        start = now if since is None or since > now else since
        if current is not None and start > current.started_at:
            ended = current._replace(ended_at=start)
            self._sink.submit_period(ended)
            if self._on_ended is not None:
                self._on_ended(ended)
        elif current is not None:
            start = current.started_at  # the old one lasted no time: the new one replaces it
        row = PeriodRow(extension, state, reason, start, None, call_id)
        self._open[extension] = row
        self._sink.submit_period(row)
