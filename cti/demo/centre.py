"""The demo supervisor's view of its queues, as one line of text; no I/O.

A supervisor gets every event: its welcome lists the agents, the queues and the callers
waiting now; `call.queued`, `call.answered` and `call.ended` follow the callers,
`agent.state` the agents, `queue.stats` the server's own figures for today (when it
sends them, they win over the counts made here). The terminal view shows `line()` under
the pops; piped, it prints `summary()` when that changes, and a note for each caller
who gave up in a queue (a call that maybe never rang anyone, so no agent's row shows
it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cti.demo.feed import clean

STATE_ORDER = ("on-call", "ringing", "on-hold", "wrap-up", "paused", "available", "logged-out")


@dataclass(slots=True)
class QueueTally:
    waiting: dict[str, str] = field(default_factory=dict)  # call id -> waiting since (ISO)
    answered: int = 0
    abandoned: int = 0
    stats: Mapping[str, Any] | None = None  # the server's latest queue.stats data


def _since(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class CentreFeed:
    def __init__(self) -> None:
        self.queues: dict[str, QueueTally] = {}
        self.agents: dict[str, tuple[str, str | None]] = {}  # extension -> state, reason
        self._callers: dict[str, tuple[str, str]] = {}  # call id -> queue, caller

    def apply(self, frame: Mapping[str, Any]) -> list[str]:
        """Take one frame of the supervisor's; returns notes worth a line of their own."""
        if frame.get("op") == "welcome":
            self._welcome(frame)
            return []
        data = frame.get("data")
        if frame.get("op") != "event" or not isinstance(data, Mapping):
            return []
        kind = frame.get("type")
        if kind == "call.queued":
            self._queued(data)
        elif kind == "call.answered":
            self._taken(str(data.get("call_id")))
        elif kind == "call.ended":
            return self._ended(data)
        elif kind == "agent.state":
            self._agent(data)
        elif kind == "queue.stats" and isinstance(data.get("queue"), str):
            self._tally(data["queue"]).stats = data
        return []

    def line(self, now: datetime | None = None) -> str:
        """Everything in one line: each queue, then the agents by state."""
        now = now or datetime.now(UTC)
        parts = [self._queue_line(name, tally, now) for name, tally in sorted(self.queues.items())]
        counts = Counter(state for state, _ in self.agents.values())
        ordered = sorted(counts, key=lambda s: STATE_ORDER.index(s) if s in STATE_ORDER else 99)
        agents = " ".join(f"{counts[state]} {state}" for state in ordered)
        return " · ".join([*parts, f"agents {agents}"] if agents else parts) or "no queue yet"

    def summary(self) -> str:
        """The queues' counts without the times that change every second (piped)."""
        return " · ".join(
            f"queue {name}: {len(t.waiting)} waiting, {self._answered(t)} answered, "
            f"{self._abandoned(t)} abandoned"
            for name, t in sorted(self.queues.items())
        )

    # -- internals -----------------------------------------------------------------------

    def _tally(self, queue: str) -> QueueTally:
        return self.queues.setdefault(clean(queue) or "?", QueueTally())

    def _welcome(self, frame: Mapping[str, Any]) -> None:
        for stats in frame.get("queues") or []:
            if isinstance(stats, Mapping) and isinstance(stats.get("queue"), str):
                self._tally(stats["queue"]).stats = stats
        for waiting in frame.get("waiting") or []:
            if isinstance(waiting, Mapping):
                self._queued(waiting)
        for state in frame.get("agents") or []:
            if isinstance(state, Mapping):
                self._agent(state)

    def _queued(self, data: Mapping[str, Any]) -> None:
        call_id, queue = str(data.get("call_id")), str(data.get("queue") or "")
        found = data.get("caller")
        caller: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        number = clean(caller.get("number")) or clean(caller.get("name")) or "withheld"
        self._tally(queue).waiting[call_id] = str(data.get("waiting_since") or "")
        self._callers[call_id] = (clean(queue) or "?", number)

    def _taken(self, call_id: str) -> None:
        for tally in self.queues.values():
            tally.waiting.pop(call_id, None)

    def _ended(self, data: Mapping[str, Any]) -> list[str]:
        call_id = str(data.get("call_id"))
        self._taken(call_id)
        queue, number = self._callers.pop(call_id, (clean(data.get("queue")) or "", "?"))
        if not data.get("queue"):
            return []
        tally = self._tally(queue)
        if data.get("answered_by"):
            tally.answered += 1
            return []
        if not data.get("abandoned"):
            return []
        tally.abandoned += 1
        waited = data.get("waited_seconds")
        after = f" after {waited:.0f} s" if isinstance(waited, int | float) else ""
        return [f"caller {number} gave up in queue {queue}{after} (call={call_id})"]

    def _agent(self, data: Mapping[str, Any]) -> None:
        who = clean(data.get("extension")) or clean(data.get("interface"))
        state = clean(data.get("state"))
        if who is not None and state is not None:
            self.agents[who] = (state, clean(data.get("reason")))

    def _answered(self, tally: QueueTally) -> int:
        stats = tally.stats or {}
        return int(stats.get("answered") or 0) if "answered" in stats else tally.answered

    def _abandoned(self, tally: QueueTally) -> int:
        stats = tally.stats or {}
        return int(stats.get("abandoned") or 0) if "abandoned" in stats else tally.abandoned

    def _queue_line(self, name: str, tally: QueueTally, now: datetime) -> str:
        text = f"{name}: {len(tally.waiting)} waiting"
        starts = [t for t in map(_since, tally.waiting.values()) if t is not None]
        if starts:
            text += f" (longest {max(0, int((now - min(starts)).total_seconds()))} s)"
        text += f", {self._answered(tally)} answered, {self._abandoned(tally)} abandoned"
        level = (tally.stats or {}).get("service_level")
        if isinstance(level, int | float):
            text += f", SL {level:.0%}"
        return text
