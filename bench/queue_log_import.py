"""A year of a 100-agent centre's queue_log into the call records, against the floor.

The file is generated and seeded (`queue_log_year.py`, ~5 million lines), then:

* ``import``: `cti.records.queuelog.import_queue_log`, as `cti records import-queue-log`
  runs it (a writer process for a file this big), into a fresh records file;
* ``import, one process``: the same with the writes in the importing process;
* ``import again``: the same file into the same records (adds nothing);
* ``floor``: plain ``sqlite3`` ``executemany`` of the very rows the import wrote (read
  back beforehand, untimed), every column bound, into a fresh records file with the
  same schema, PRAGMAs and a transaction per 100,000 rows. No parsing, no checks.

Wall and CPU seconds (CPU of this process and of its children) for each, the ratio of
each to the floor's wall time, and the machine's load average: on a shared 2-core box,
other work moves every number, compare the ratios. Assertion-free: Markdown out.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queue_log_year import Centre, year  # noqa: E402

from cti.records.queuelog import ImportSummary, import_queue_log  # noqa: E402
from cti.records.queuelog.store import IMPORT_PRAGMAS  # noqa: E402
from cti.records.schema import open_records  # noqa: E402

TABLES = ("calls", "call_agents", "call_transfers", "agent_periods")
FLOOR_BATCH = 100_000


def cpu_seconds() -> float:
    """CPU of this process and of its waited-for children (the writer process)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    return time.perf_counter() - wall, cpu_seconds() - cpu, result


def generate(path: Path, centre: Centre) -> tuple[int, float]:
    started = time.perf_counter()
    lines = 0
    with path.open("w", encoding="utf-8") as out:
        for line in year(centre):
            out.write(line)
            lines += 1
    return lines, time.perf_counter() - started


def fresh(path: Path) -> Path:
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    return path


def read_back(db: Path, table: str) -> Iterator[list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        cursor = conn.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        yield [tuple(columns)]
        while rows := cursor.fetchmany(FLOOR_BATCH):
            yield rows


def floor(source: Path, target: Path) -> tuple[float, float, int]:
    """Plain executemany of the rows ``source`` holds; only the inserts are timed."""
    open_records(fresh(target)).close()
    conn = sqlite3.connect(target)
    for pragma in IMPORT_PRAGMAS:
        conn.execute(pragma)
    wall = cpu = 0.0
    rows = 0
    for table in TABLES:
        batches = read_back(source, table)
        columns = next(batches)[0]
        names = ", ".join(map(str, columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
        for batch in batches:
            spent_wall, spent_cpu, _ = timed(lambda b=batch, s=sql: _insert(conn, s, b))
            wall, cpu, rows = wall + spent_wall, cpu + spent_cpu, rows + len(batch)
    conn.close()
    return wall, cpu, rows


def _insert(conn: sqlite3.Connection, sql: str, rows: list[tuple[object, ...]]) -> None:
    with conn:
        conn.executemany(sql, rows)


def count_rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--dir", type=Path, default=None, help="keep the files here")
    parser.add_argument("--no-sequential", action="store_true", help="skip 'one process'")
    args = parser.parse_args(argv)
    centre = Centre(agents=args.agents, days=args.days, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="queue-log-bench-") as scratch:
        directory = args.dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        log = directory / "queue_log"
        lines, generated = generate(log, centre)
        print(
            f"generated {lines:,} lines ({log.stat().st_size / 1e6:,.0f} MB) in {generated:.1f} s"
        )
        results: dict[str, tuple[float, float, int]] = {}
        db = fresh(directory / "records.db")
        wall, cpu, summary = timed(lambda: import_queue_log(log, db))
        assert isinstance(summary, ImportSummary) and summary.unread_lines == 0
        rows = count_rows(db)
        results["import"] = (wall, cpu, rows)
        if not args.no_sequential:
            other = fresh(directory / "records-one-process.db")
            wall, cpu, _ = timed(lambda: import_queue_log(log, other, writer_process=False))
            results["import, one process"] = (wall, cpu, count_rows(other))
        wall, cpu, again = timed(lambda: import_queue_log(log, db))
        assert isinstance(again, ImportSummary) and again.calls_added == 0
        results["import again (adds nothing)"] = (wall, cpu, count_rows(db) - rows)
        results["floor: plain executemany"] = floor(db, directory / "floor.db")
        print(report(lines, summary, results))
    return 0


def report(lines: int, summary: ImportSummary, results: dict[str, tuple[float, float, int]]) -> str:
    floor_wall = results["floor: plain executemany"][0]
    out = [
        f"{lines:,} lines: {summary.calls_added:,} calls, {summary.periods_added:,} agent "
        f"periods; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
        "",
        "| contender | rows written | wall s | CPU s | lines/s | wall / floor |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (wall, cpu, rows) in results.items():
        rate = f"{lines / wall:,.0f}" if not name.startswith("floor") else "-"
        out.append(
            f"| {name} | {rows:,} | {wall:.1f} | {cpu:.1f} | {rate} | {wall / floor_wall:.2f} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
