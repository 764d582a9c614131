"""The CTI server side of the pop benchmark: directory, config, and what to read off the app."""

from __future__ import annotations

import time
from pathlib import Path

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
