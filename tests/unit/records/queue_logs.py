"""Writing small queue_log files and reading what an import made of them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from cti.records.queuelog import ImportSummary, MemberNames, import_queue_log

LAB_QUEUE_LOG = Path(__file__).resolve().parents[2] / "fixtures" / "queue_log" / "lab_queue_log"
T0 = 1_796_599_000  # the lab's own epoch (December 2026)


def write_log(path: Path, lines: list[str] | str) -> Path:
    text = lines if isinstance(lines, str) else "".join(f"{line}\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def run_import(
    tmp_path: Path, lines: list[str] | str, members: MemberNames | None = None
) -> tuple[ImportSummary, Path]:
    """Import ``lines`` as a file into ``tmp_path/records.db`` (kept across calls)."""
    log = write_log(tmp_path / "queue_log", lines)
    db = tmp_path / "records.db"
    return import_queue_log(log, db, members), db


def query(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return [tuple(row) for row in conn.execute(sql, args)]


def call_row(db: Path, call_id: str) -> dict[str, Any]:
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        found = conn.execute("SELECT * FROM calls WHERE call_id = ?", (call_id,)).fetchone()
    assert found is not None, f"no row for call {call_id}"
    return dict(found)


def legs(db: Path, call_id: str) -> list[tuple[Any, ...]]:
    """(extension, rang_at, answered_at, ended_at, outcome) of each leg, times from T0."""
    rows = query(
        db,
        "SELECT extension, rang_at, answered_at, ended_at, outcome FROM call_agents "
        "WHERE call_id = ? ORDER BY leg",
        call_id,
    )
    return [
        (ext, *(None if t is None else t - T0 for t in times), out) for ext, *times, out in rows
    ]


def periods(db: Path, extension: str) -> list[tuple[Any, ...]]:
    """(state, reason, started, ended, call_id) of one agent, times from T0."""
    rows = query(
        db,
        "SELECT state, reason, started_at, ended_at, call_id FROM agent_periods "
        "WHERE extension = ? ORDER BY started_at",
        extension,
    )
    return [(s, r, a - T0, None if b is None else b - T0, c) for s, r, a, b, c in rows]
