"""Where a fan-out spends its time inside the server process (benchmark instrumentation).

Wraps ``CtiApp._on_ami_event`` (the frame is parsed and handed over),
``Broker.publish`` (the event is written or batched for every recipient's socket) and
``WriteBatch.flush`` (the supervisors' frames of that turn are written) with
``time.time_ns()`` stamps keyed like the clients' arrivals, so each latency splits into
PBX → server, inside the server, and server → the last socket; ``written`` is when the
server had handed the event to the last supervisor's socket.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from fanout_bench.arrivals import event_key


class ServerStamps:
    def __init__(self) -> None:
        self.read: dict[str, int] = {}  # DialBegin Linkedid / QueueMemberPause reason
        self.published: dict[str, int] = {}  # event key, as the clients make them
        self.written: dict[str, int] = {}  # event key: the batch holding it was written
        self._unwritten: list[str] = []
        self._lines: Counter[str] = Counter()
        self._undo: list[tuple[type, str, Any]] = []

    def install(self) -> None:
        from cti.app import CtiApp
        from cti.broker import sessions
        from cti.broker.hub import Broker
        from cti.protocol import event_envelope

        WriteBatch = getattr(sessions, "WriteBatch", None)

        read, published, lines = self.read, self.published, self._lines
        written, unwritten = self.written, self._unwritten
        on_event, publish = CtiApp._on_ami_event, Broker.publish
        flush = getattr(WriteBatch, "flush", None)

        def stamped_event(app: CtiApp, event: Any) -> None:
            if event.name == "DialBegin":
                read.setdefault(event.headers["Linkedid"], time.time_ns())
            elif event.name == "QueueMemberPause" and event.headers.get("Paused") == "1":
                read.setdefault(event.headers.get("PausedReason", ""), time.time_ns())
            on_event(app, event)

        def stamped_publish(broker: Broker, event: Any) -> None:
            publish(broker, event)
            key = event_key(json.loads(json.dumps(event_envelope(event, 0, ""))))
            if key is None:
                return
            if key.startswith("stats|"):
                lines[key] += 1
                key = f"{key}|{lines[key]}"
            published.setdefault(key, time.time_ns())
            unwritten.append(key)

        def stamped_flush(batch: Any) -> None:
            flush(batch)
            if batch._scheduled:  # more chunks to write in the next turns
                return
            now = time.time_ns()
            for key in unwritten:
                written.setdefault(key, now)
            unwritten.clear()

        self._undo = [(CtiApp, "_on_ami_event", on_event), (Broker, "publish", publish)]
        CtiApp._on_ami_event = stamped_event  # type: ignore[method-assign]
        Broker.publish = stamped_publish  # type: ignore[method-assign]
        if WriteBatch is not None:
            self._undo.append((WriteBatch, "flush", WriteBatch.flush))
            WriteBatch.flush = stamped_flush

    def uninstall(self) -> None:
        for owner, name, original in self._undo:
            setattr(owner, name, original)
        self._undo = []
