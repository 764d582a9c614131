"""`cti records import-queue-log FILE`: the summary, the exit status, the progress bar."""

from __future__ import annotations

import io
import sqlite3
import time
from pathlib import Path

import pytest

from cti.cli import main
from cti.commands.records import progress_bar
from tests.unit.records.queue_logs import LAB_QUEUE_LOG, T0, query, write_log


def cti_import(*args: str | Path) -> int:
    return main(["records", "import-queue-log", *map(str, args)])


def test_the_lab_file_is_imported_with_a_summary_and_again_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    assert cti_import(LAB_QUEUE_LOG, "--records", db) == 0
    first = capsys.readouterr().out.splitlines()
    assert first == [
        f"read 429 lines of {LAB_QUEUE_LOG} (2026-12-06 23:16:40 to 2026-12-07 00:02:08 UTC)",
        "calls: 155 added, 0 already recorded",
        "agent periods: 203 added",
        f"into {db}",
    ]
    assert cti_import(LAB_QUEUE_LOG, "--records", db) == 0
    again = capsys.readouterr().out.splitlines()
    assert again[1:3] == ["calls: 0 added, 155 already recorded", "agent periods: 0 added"]


def test_skipped_lines_and_unknown_events_are_listed_and_the_import_still_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_log(
        tmp_path / "queue_log",
        [
            f"{T0}|c1|support|NONE|ENTERQUEUE||+14155550123|1",
            f"{T0 + 1}|c1|support|NONE|SURVEY|5",
            f"{T0 + 2}|c1|support|Agent 1001|CONNECT",
            f"{T0 + 3}|c1|support|NONE|ABANDON|1|1|3",
        ],
    )
    assert cti_import(log, "--records", tmp_path / "records.db") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "calls: 1 added, 0 already recorded",
        "agent periods: 0 added",
        "skipped 1 lines it could not read:",
        f"  line 3: CONNECT has 0 data fields, needs holdtime: truncated: "
        f"'{T0 + 2}|c1|support|Agent 1001|CONNECT'",
        "unknown events, counted and not imported: SURVEY (1)",
        f"into {tmp_path / 'records.db'}",
        "imported, with 1 lines skipped (listed above)",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\x00\x01\x02binary", "is a binary file"),
        (b"hello\nworld\n", "is not a queue_log: none of its 2 lines reads as one"),
    ],
)
def test_an_unusable_file_exits_2_naming_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    log = tmp_path / "queue_log"
    if content is not None:
        log.write_bytes(content)
    assert cti_import(log, "--records", tmp_path / "records.db") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("cti records: ") and message in captured.err


def test_a_records_file_that_is_not_sqlite_exits_2_and_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "records.db"
    db.write_bytes(b"not a database at all\n" * 200)
    assert cti_import(LAB_QUEUE_LOG, "--records", db) == 2
    assert "records.db: file is not a database" in capsys.readouterr().err
    assert db.read_bytes() == b"not a database at all\n" * 200


def test_a_broken_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cti.yaml").write_text("records:\n  keep_days: -3\n", encoding="utf-8")
    assert cti_import(LAB_QUEUE_LOG, "--config", tmp_path) == 2
    assert "records.keep_days" in capsys.readouterr().err


def test_the_config_gives_the_records_file_and_the_agents_member_interfaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cti.yaml").write_text(
        "records:\n  path: " + str(tmp_path / "from-config.db") + "\n"
        "agents:\n  '1007':\n    queues: [support]\n    interface: PJSIP/desk-seven\n",
        encoding="utf-8",
    )
    log = write_log(
        tmp_path / "queue_log",
        [
            f"{T0}|c1|support|NONE|ENTERQUEUE||+14155550123|1",
            f"{T0 + 2}|c1|support|PJSIP/desk-seven|CONNECT|2|c1.1|2",
            f"{T0 + 9}|c1|support|PJSIP/desk-seven|COMPLETEAGENT|2|7|1",
        ],
    )
    assert cti_import(log, "--config", tmp_path) == 0
    assert f"into {tmp_path / 'from-config.db'}" in capsys.readouterr().out
    assert query(tmp_path / "from-config.db", "SELECT answered_by FROM calls") == [("1007",)]


def test_imported_calls_older_than_the_retention_are_pointed_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cti.yaml").write_text("records:\n  keep_days: 30\n", encoding="utf-8")
    old = 1_600_000_000  # September 2020
    log = write_log(
        tmp_path / "queue_log",
        [f"{old}|old|support|NONE|ENTERQUEUE||+1|1", f"{old + 9}|old|support|NONE|ABANDON|1|1|9"],
    )
    db = tmp_path / "records.db"
    assert cti_import(log, "--config", tmp_path, "--records", db) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "note: 1 imported calls arrived more than records.keep_days (30) days ago: cti serve "
        "deletes them when it starts; raise records.keep_days to keep them"
    )
    now = int(time.time())
    recent = write_log(
        tmp_path / "recent_log",
        [f"{now - 90}|new|support|NONE|ENTERQUEUE||+1|1", f"{now}|new|support|NONE|ABANDON|1|1|90"],
    )
    assert cti_import(recent, "--config", tmp_path, "--records", tmp_path / "recent.db") == 0
    assert "note:" not in capsys.readouterr().out


def test_a_locked_records_file_exits_2_keeping_what_was_committed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holds the file for longer than the import waits."""
    monkeypatch.setattr("cti.records.queuelog.store.BUSY_TIMEOUT", 0.2)
    db = tmp_path / "records.db"
    assert cti_import(LAB_QUEUE_LOG, "--records", db) == 0
    capsys.readouterr()
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        log = write_log(tmp_path / "queue_log", [f"{T0 + 9000}|c9|support|NONE|ABANDON|1|1|3"])
        assert cti_import(log, "--records", db) == 2
    finally:
        holder.close()
    err = capsys.readouterr().err
    assert "failed: database is locked" in err and "run the import again" in err
    assert query(db, "SELECT count(*) FROM calls") == [(155,)]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_bar_shows_the_bytes_read(tmp_path: Path) -> None:
    screen = Terminal()
    with progress_bar(screen) as advance:
        assert advance is not None
        advance(512 * 1024, 1024 * 1024)
        advance(1024 * 1024, 1024 * 1024)
    shown = screen.getvalue()
    assert "importing" in shown and "1.0/1.0 MB" in shown


def test_without_a_terminal_there_is_no_bar() -> None:
    with progress_bar(io.StringIO()) as advance:
        assert advance is None
