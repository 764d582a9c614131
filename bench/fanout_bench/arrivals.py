"""What the clients received, per measured event: how many sockets got it, first and last.

Keeping per event key a count and the first and last receive stamps lets the parent
tell when the *last* of 1,000 supervisors had it without shipping a million stamps
between processes.

Event keys (the parent builds the same ones from what the PBX sent):

- ``ring|<call_id>``: call.ringing;
- ``state|<extension>|<state>|<reason>``: agent.state (the benchmark gives each pause a
  reason of its own);
- ``stats|<queue>|<agents as JSON>|<n>``: the n-th queue.stats of that queue with that
  ``agents`` count, as each socket sees them (every supervisor gets the same lines).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

Arrival = list[int]  # [sockets, first ns, last ns]


def event_key(frame: dict[str, Any]) -> str | None:
    kind, data = frame.get("type"), frame.get("data") or {}
    if kind == "call.ringing":
        return f"ring|{data.get('call_id')}"
    if kind == "agent.state":
        return f"state|{data.get('extension')}|{data.get('state')}|{data.get('reason')}"
    if kind == "queue.stats":
        agents = json.dumps(data.get("agents"), sort_keys=True, separators=(",", ":"))
        return f"stats|{data.get('queue')}|{agents}"
    return None


class Arrivals:
    """What this process's sockets received, per event key."""

    def __init__(self) -> None:
        self.seen: dict[str, Arrival] = {}
        self.frames = 0
        self.types: Counter[str] = Counter()

    def take(self, lines: Counter[str], text: str, now: int) -> None:
        self.frames += 1
        frame = json.loads(text)
        if frame.get("op") != "event":
            return
        self.types[frame.get("type", "")] += 1
        key = event_key(frame)
        if key is None:
            return
        if key.startswith("stats|"):  # the n-th such line of this queue, for this socket
            lines[key] += 1
            key = f"{key}|{lines[key]}"
        found = self.seen.get(key)
        if found is None:
            self.seen[key] = [1, now, now]
        else:
            found[0] += 1
            found[1] = min(found[1], now)
            found[2] = max(found[2], now)
