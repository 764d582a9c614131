"""The CTI server side of the pop benchmark: directory, config, and what to read off the app."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pop_bench.pbx import AMI_SECRET

EXT_BASE = 1000
CONTACTS = 1000


def make_contacts(db: Path) -> list[str]:
    """~1000 contacts; returns the caller pool: alternately known and unknown numbers."""
    from cti.lookup import ContactStore
    from cti.lookup.records import ContactRecord, Phone

    known = [f"+1415{5550000 + i:07d}" for i in range(CONTACTS)]
    records = [
        ContactRecord(line=i, name=f"Contact {i}", phones=(Phone(n, n, "mobile"),))
        for i, n in enumerate(known)
    ]
    store = ContactStore(db)
    try:
        store.bulk_insert(records)
    finally:
        store.close()
    unknown = [f"+1212{5550000 + i:07d}" for i in range(CONTACTS)]
    return [n for pair in zip(known, unknown, strict=True) for n in pair]


def agent_credentials(agents: int) -> list[tuple[str, str]]:
    return [(f"bench-token-{i:06d}-abcdef", str(EXT_BASE + i)) for i in range(agents)]


def write_config(directory: Path, ami_port: int, db: Path, creds: list[tuple[str, str]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cti.yaml").write_text(
        f"ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
        f"lookup:\n  database: {db}\nagi:\n  enabled: false\n",
        encoding="utf-8",
    )
    lines = "".join(
        f"    a{i:05d}: {{token: {tok}, extension: '{ext}'}}\n"
        for i, (tok, ext) in enumerate(creds)
    )
    secrets = directory / "secrets.yaml"
    secrets.write_text(f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n{lines}")
    secrets.chmod(0o600)


class GcWatch:
    """Longest collector pause in the server process while installed."""

    def __init__(self) -> None:
        self.started = 0
        self.longest = (0.0, -1)
        self.collections = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter_ns()
        else:
            self.collections += 1
            pause = (time.perf_counter_ns() - self.started) / 1e6
            self.longest = max(self.longest, (pause, info["generation"]))


def stage_means(text: str) -> dict[str, float]:
    """Mean ms per stage from the app's own /metrics text (all events, whole run)."""
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("cti_stage_latency_seconds_sum") or line.startswith(
            "cti_stage_latency_seconds_count"
        ):
            name, value = line.rsplit(" ", 1)
            stage = name.split('stage="', 1)[1].split('"', 1)[0]
            (sums if "_sum" in name else counts)[stage] = float(value)
    return {k: 1000 * sums[k] / counts[k] for k in sums if counts.get(k)}


class ServerStamps:
    """Where a pop spends its time inside the server process (this process).

    Wraps ``CtiApp._on_ami_event`` (the DialBegin is parsed and handed to the tracker) and
    ``Broker.publish`` (the ringing pop, contact attached, goes to the agent's socket queue)
    with ``time.time_ns()`` stamps, so the end-to-end time splits into PBX → server,
    inside the server, and server → agent. Instrumentation of this benchmark only.
    """

    def __init__(self) -> None:
        self.read: dict[str, int] = {}
        self.published: dict[str, int] = {}
        self._undo: list[tuple[type, str, Any]] = []

    def install(self) -> None:
        from cti.app import CtiApp
        from cti.broker.hub import Broker
        from cti.protocol import CallRinging

        read, published = self.read, self.published
        on_event, publish = CtiApp._on_ami_event, Broker.publish

        def stamped_event(app: CtiApp, event: Any) -> None:
            if event.name == "DialBegin":
                read.setdefault(event.headers["Linkedid"], time.time_ns())
            on_event(app, event)

        def stamped_publish(broker: Broker, event: Any) -> None:
            if isinstance(event, CallRinging):
                published.setdefault(event.call_id, time.time_ns())
            publish(broker, event)

        self._undo = [(CtiApp, "_on_ami_event", on_event), (Broker, "publish", publish)]
        CtiApp._on_ami_event = stamped_event  # type: ignore[method-assign]
        Broker.publish = stamped_publish  # type: ignore[method-assign]

    def uninstall(self) -> None:
        for owner, name, original in self._undo:
            setattr(owner, name, original)
        self._undo = []

    def split(self, sent: dict[str, int], received: dict[str, int]) -> dict[str, list[float]]:
        """Milliseconds per segment for every call stamped at all four points."""
        out: dict[str, list[float]] = {"pbx_to_server": [], "in_server": [], "server_to_agent": []}
        for call_id, t0 in sent.items():
            t1, t2 = self.read.get(call_id), self.published.get(call_id)
            t3 = received.get(call_id)
            if t1 is None or t2 is None or t3 is None:
                continue
            out["pbx_to_server"].append((t1 - t0) / 1e6)
            out["in_server"].append((t2 - t1) / 1e6)
            out["server_to_agent"].append((t3 - t2) / 1e6)
        return out
