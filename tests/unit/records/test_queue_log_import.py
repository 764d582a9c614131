"""Importing into a records file: idempotent, never over a live row, the lab's real file."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from cti.protocol import AgentState
from cti.records import CallRecords
from cti.records.queuelog import EVENTS, import_queue_log
from tests.broker_events import answered, ended, ringing
from tests.unit.records.queue_logs import (
    LAB_QUEUE_LOG,
    T0,
    call_row,
    periods,
    query,
    run_import,
    write_log,
)
from tests.unit.records.recordings import Clock

APP_QUEUE_22_EVENTS = (  # every event ast_queue_log() writes in Asterisk 22.10.1
    # apps/app_queue.c
    "ADDMEMBER",
    "REMOVEMEMBER",
    "RINGNOANSWER",
    "RINGCANCELED",
    "EXITEMPTY",
    "AGENTLOGIN",
    "AGENTLOGOFF",
    "ATTENDEDTRANSFER",
    "BLINDTRANSFER",
    "COMPLETECALLER",
    "COMPLETEAGENT",
    "AGENTDUMP",
    "ABANDON",
    "SYSCOMPAT",
    "CONNECT",
    "PAUSE",
    "UNPAUSE",
    "PAUSEALL",
    "UNPAUSEALL",
    "PENALTY",
    "RINGINUSE",
    "ENTERQUEUE",
    "EXITWITHTIMEOUT",
    "WITHDRAW",
    "EXITWITHKEY",
    "OUTCALL",
    # main/logger.c
    "QUEUESTART",
    "CONFIGRELOAD",
)

ANSWERED = [
    f"{T0}|c1|support|NONE|ENTERQUEUE||+14155550123|1",
    f"{T0 + 2}|c1|support|Agent 1001|CONNECT|2|c1.2|2",
    f"{T0 + 30}|c1|support|Agent 1001|COMPLETECALLER|2|28|1",
]


def test_every_event_asterisk_22_writes_is_read() -> None:
    assert set(APP_QUEUE_22_EVENTS) <= set(EVENTS)


def test_the_labs_real_queue_log_imports_with_no_unread_line(tmp_path: Path) -> None:
    summary = import_queue_log(LAB_QUEUE_LOG, tmp_path / "records.db")
    assert (summary.lines_read, summary.unread_lines, summary.calls_open_at_end) == (429, 0, 0)
    db = tmp_path / "records.db"
    enterqueue = LAB_QUEUE_LOG.read_text().count("|ENTERQUEUE|")
    assert query(
        db, "SELECT count(*), sum(answered_at IS NOT NULL), sum(abandoned) FROM calls"
    ) == [(enterqueue, 97, 58)]  # 97 CONNECT and 58 ABANDON lines, one per call
    assert query(db, "SELECT mode, count(*) FROM call_transfers GROUP BY mode") == [
        ("attended", 5),
        ("blind", 2),
    ]
    assert query(db, "SELECT DISTINCT source FROM calls") == [("queue_log",)]
    assert query(db, "SELECT count(*) FROM agent_periods WHERE ended_at < started_at") == [(0,)]


def test_a_second_import_of_the_same_file_adds_nothing(tmp_path: Path) -> None:
    first = import_queue_log(LAB_QUEUE_LOG, tmp_path / "records.db")
    tables = ("calls", "call_agents", "call_transfers", "agent_periods")
    before = {t: query(tmp_path / "records.db", f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    second = import_queue_log(LAB_QUEUE_LOG, tmp_path / "records.db")
    after = {t: query(tmp_path / "records.db", f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    assert (first.calls_added, first.periods_added) == (155, len(before["agent_periods"]))
    assert (second.calls_added, second.calls_already_recorded, second.periods_added) == (0, 155, 0)
    assert after == before


def test_a_call_recorded_live_keeps_its_row_legs_and_transfers(tmp_path: Path) -> None:
    clock = Clock(T0 + 0.4)
    records = CallRecords(tmp_path / "records.db", 400, clock)
    records.start()
    records.recorder.record(ringing("c1", "1001"))
    clock.now += 1.7
    records.recorder.record(answered("c1", "1001"))
    clock.now += 28
    records.recorder.record(ended("c1", "1001"))
    records.recorder.note_saved("c1", "resolved", "kept")
    asyncio.run(records.aclose())
    live = call_row(tmp_path / "records.db", "c1")
    extra = f"{T0 + 1}|c1|support|Agent 1002|RINGNOANSWER|1000"
    summary, db = run_import(tmp_path, [ANSWERED[0], extra, *ANSWERED[1:]])
    assert (summary.calls_added, summary.calls_already_recorded) == (0, 1)
    assert call_row(db, "c1") == live
    assert query(db, "SELECT extension FROM call_agents") == [("1001",)], "no leg added"


def test_agent_periods_stop_where_the_live_ones_begin(tmp_path: Path) -> None:
    clock = Clock(T0 + 100.5)
    records = CallRecords(tmp_path / "records.db", 400, clock)
    records.start()
    records.periods.record(AgentState(agent="a", extension="1001", state="available", since=""))
    asyncio.run(records.aclose())
    _, db = run_import(
        tmp_path,
        [
            f"{T0}|NONE|support|Agent 1001|PAUSE|lunch",
            f"{T0 + 60}|NONE|support|Agent 1001|UNPAUSE|",
            f"{T0 + 200}|NONE|support|Agent 1001|PAUSE|break",  # after cti took over
            f"{T0 + 250}|NONE|support|Agent 1002|PAUSE|break",
        ],
    )
    assert periods(db, "1001") == [
        ("paused", "lunch", 0, 60, None),
        ("available", None, 60, 100.5, None),  # cut where the live period begins
        ("available", None, 100.5, None, None),  # the live one, untouched
    ]
    assert query(db, "SELECT source FROM agent_periods WHERE extension = '1001'") == [
        ("queue_log",),
        ("queue_log",),
        ("live",),
    ]
    assert periods(db, "1002") == [("paused", "break", 250, 250, None)]


def test_importing_the_grown_file_again_extends_the_periods_left_open(tmp_path: Path) -> None:
    begun = [f"{T0}|NONE|support|Agent 1001|PAUSE|lunch", f"{T0 + 30}|x|support|NONE|INFO|"]
    run_import(tmp_path, begun)
    summary, db = run_import(tmp_path, [*begun, f"{T0 + 1800}|NONE|support|Agent 1001|UNPAUSE|"])
    assert periods(db, "1001") == [
        ("paused", "lunch", 0, 1800, None),
        ("available", None, 1800, 1800, None),
    ]
    assert summary.periods_added == 1


def test_a_writer_process_writes_the_same_rows_as_the_importing_process(tmp_path: Path) -> None:
    tables = ("calls", "call_agents", "call_transfers", "agent_periods")
    found = {}
    for beside in (False, True):
        db = tmp_path / f"beside-{beside}.db"
        summary = import_queue_log(LAB_QUEUE_LOG, db, writer_process=beside)
        assert (summary.calls_added, summary.periods_added) == (155, 203)
        found[beside] = {t: query(db, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    assert found[True] == found[False]


def test_a_writer_process_that_fails_raises_its_error_here(tmp_path: Path) -> None:
    db = tmp_path / "records.db"
    import_queue_log(LAB_QUEUE_LOG, db)
    with closing(sqlite3.connect(db)) as conn:  # a writer that cannot insert: read-only
        conn.execute(
            "CREATE TRIGGER no_calls BEFORE INSERT ON calls "
            "BEGIN SELECT RAISE(ABORT, 'calls are read-only here'); END"
        )
        conn.commit()
    lines = [
        f"{T0 + 9000}|c9|support|NONE|ENTERQUEUE||+1|1",
        f"{T0 + 9009}|c9|support|NONE|ABANDON|1|1|9",
    ]
    log = write_log(tmp_path / "queue_log", lines)
    with pytest.raises(sqlite3.IntegrityError, match="calls are read-only here"):
        import_queue_log(log, db, writer_process=True)
    assert query(db, "SELECT count(*) FROM calls WHERE call_id = 'c9'") == [(0,)]


def test_a_script_without_a_main_guard_can_import_with_a_writer_process(tmp_path: Path) -> None:
    """The writer is a plain child process: the calling script is not run again in it."""
    script = tmp_path / "import_it.py"
    script.write_text(
        "from pathlib import Path\n"
        "from cti.records.queuelog import import_queue_log\n"
        f"log, db = Path({str(LAB_QUEUE_LOG)!r}), Path({str(tmp_path / 'r.db')!r})\n"
        "summary = import_queue_log(log, db, writer_process=True)\n"
        "print(summary.calls_added)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "155\n", "")
