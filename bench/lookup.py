"""Contact lookup latency on a 1M-contact store: our hot path against raw sqlite3.

Builds (once, cached under ``bench/results/``) a seeded store of generated contacts, then
times, per number and interleaved in the same run so drift hits every row alike:

* ``raw sqlite3``: the exact-match SQL on a plain ``sqlite3`` connection, rows as tuples;
* ``ContactStore.find``: the same query through our hot path (rows become contact dicts);
* ``LookupService.lookup``: the whole pop lookup with the cache off: caller-ID cleaning,
  E.164 parsing, the store source, the last-5 history query, the result object;
* ``LookupService.lookup, cached``: the same, answered from the TTL cache.

Goal: ``ContactStore.find`` within 1.5x of raw. Prints a Markdown table and the command.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from cti.lookup import (
    ContactRecord,
    ContactStore,
    LookupService,
    LookupSettings,
    Phone,
    StoreSource,
)
from cti.lookup.store import EXACT_SQL

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def national(rng: random.Random) -> str:
    """A US number of the NPA-NXX-XXXX shape that phonenumbers accepts as possible."""
    area = f"{rng.randint(2, 9)}{rng.randint(0, 99):02d}"
    return f"{area}{rng.randint(2, 9)}{rng.randint(0, 999999):06d}"


def generate(count: int, seed: int, chunk: int) -> Iterator[list[ContactRecord]]:
    rng = random.Random(seed)
    batch: list[ContactRecord] = []
    for n in range(count):
        phones = [national(rng) for _ in range(2 if n % 20 == 0 else 1)]
        batch.append(
            ContactRecord(
                line=n + 2,
                name=f"Contact {n}",
                phones=tuple(Phone(p, "+1" + p, "work") for p in phones),
                company=f"Company {n % 5000}",
                email=f"c{n}@example.com",
                tags=("bench",),
                crm_id=f"CRM-{n}",
            )
        )
        if len(batch) == chunk:
            yield batch
            batch = []
    if batch:
        yield batch


def build(path: Path, count: int, seed: int) -> None:
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    store = ContactStore(tmp)
    for batch in generate(count, seed, 100_000):
        store.bulk_insert(batch)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(path)
    print(
        f"built {path} ({count} contacts) in {time.perf_counter() - started:.1f} s", file=sys.stderr
    )


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(db: Path, lookups: int, seed: int) -> dict[str, list[float]]:
    raw = sqlite3.connect(db)
    (max_id,) = raw.execute("SELECT max(id) FROM phones").fetchone()
    ids = random.Random(seed).sample(range(1, max_id + 1), min(lookups, max_id))
    sql = "SELECT number_e164 FROM phones WHERE id = ?"
    numbers = [raw.execute(sql, (i,)).fetchone()[0] for i in ids]
    store = ContactStore(db)
    settings = LookupSettings(cache_size=0)
    uncached = LookupService([StoreSource(store)], settings)
    cached = LookupService([StoreSource(store)], LookupSettings(cache_size=len(numbers) + 1))
    samples: dict[str, list[float]] = {
        "raw sqlite3": [],
        "ContactStore.find": [],
        "LookupService.lookup": [],
        "LookupService.lookup, cached": [],
    }
    for e164 in numbers[:1000]:  # warm both code paths
        raw.execute(EXACT_SQL, (e164,)).fetchall()
        store.find(e164)
    for e164 in numbers:  # the cached row must time cache hits only
        await cached.lookup(e164[2:])
    for e164 in numbers:
        started = time.perf_counter_ns()
        raw.execute(EXACT_SQL, (e164,)).fetchall()
        samples["raw sqlite3"].append((time.perf_counter_ns() - started) / 1000)
        started = time.perf_counter_ns()
        store.find(e164)
        samples["ContactStore.find"].append((time.perf_counter_ns() - started) / 1000)
        started = time.perf_counter_ns()
        result = await uncached.lookup(e164[2:])
        samples["LookupService.lookup"].append((time.perf_counter_ns() - started) / 1000)
        assert result.match == "exact", e164
        started = time.perf_counter_ns()
        await cached.lookup(e164[2:])
        samples["LookupService.lookup, cached"].append((time.perf_counter_ns() - started) / 1000)
    raw.close()
    store.close()
    return samples


def report(samples: dict[str, list[float]], command: str, contacts: int) -> str:
    base = statistics.median(samples["raw sqlite3"])
    lines = [
        f"Lookup latency, {contacts:,} contacts, {len(samples['raw sqlite3']):,} exact-hit "
        "lookups each (µs)",
        "",
        "| path | median | p99 | vs raw median |",
        "|---|---:|---:|---:|",
    ]
    for name, values in samples.items():
        median = statistics.median(values)
        p99 = percentile(values, 0.99)
        lines.append(f"| {name} | {median:.1f} | {p99:.1f} | {median / base:.2f} |")
    lines += ["", f"Command: `{command}`"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=None, help="default: bench/results/")
    args = parser.parse_args(argv)
    db = args.db or RESULTS / f"lookup-{args.contacts}-seed{args.seed}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        build(db, args.contacts, args.seed)
    samples = asyncio.run(measure(db, args.lookups, args.seed))
    command = " ".join([".venv/bin/python", "bench/lookup.py", *(argv or sys.argv[1:])])
    print(report(samples, command, args.contacts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
