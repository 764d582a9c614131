"""Bad queue_log input: each unreadable line is skipped with its number and reason, the
rest is imported; a file that is no queue_log at all is refused and nothing imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.records.queuelog import QueueLogFileError, import_queue_log
from cti.records.queuelog.summary import KEEP_SKIPPED
from tests.unit.records.queue_logs import T0, call_row, query, run_import, write_log

CALL = [
    f"{T0 + 10}|{T0 + 10}.1|support|NONE|ENTERQUEUE||+14155550123|1",
    f"{T0 + 12}|{T0 + 10}.1|support|Agent 1001|CONNECT|2|{T0 + 10}.5|2",
    f"{T0 + 20}|{T0 + 10}.1|support|Agent 1001|COMPLETECALLER|2|8|1",
]


def skipped(summary: object) -> list[tuple[int, str]]:
    return [(s.number, s.reason) for s in summary.skipped]  # type: ignore[attr-defined]


def test_a_garbled_line_is_reported_with_its_number_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    lines = [CALL[0], "\x1b[2Jhello there", CALL[1], "abc|def|ghi|jkl|CONNECT|2|x|2", CALL[2]]
    summary, db = run_import(tmp_path, lines)
    assert skipped(summary) == [
        (2, "1 fields, a line has at least 5 (epoch|callid|queue|agent|event): truncated"),
        (4, "the time 'abc' is not whole seconds"),
    ]
    assert summary.lines_read == 5 and summary.calls_added == 1
    assert call_row(db, f"{T0 + 10}.1")["talk_seconds"] == 8.0


def test_a_truncated_line_is_skipped_and_its_call_still_ends_by_the_next_line(
    tmp_path: Path,
) -> None:
    """The CONNECT lost its data: the COMPLETECALLER alone still gives the answer."""
    lines = [CALL[0], f"{T0 + 12}|{T0 + 10}.1|support|Agent 1001|CONNECT", CALL[2]]
    summary, db = run_import(tmp_path, lines)
    assert skipped(summary) == [(2, "CONNECT has 0 data fields, needs holdtime: truncated")]
    row = call_row(db, f"{T0 + 10}.1")
    assert (row["answered_by"], row["answered_at"], row["ended_at"]) == ("1001", T0 + 12, T0 + 20)


def test_a_last_line_cut_short_without_its_newline_is_skipped(tmp_path: Path) -> None:
    text = "".join(f"{line}\n" for line in CALL) + f"{T0 + 30}|{T0 + 30}.9|supp"
    summary, _ = run_import(tmp_path, text)
    assert skipped(summary) == [
        (4, "3 fields, a line has at least 5 (epoch|callid|queue|agent|event): truncated")
    ]
    assert summary.calls_added == 1


def test_an_out_of_order_line_is_skipped_naming_the_line_it_is_older_than(
    tmp_path: Path,
) -> None:
    late = f"{T0 - 3600}|{T0 - 3600}.7|support|NONE|ENTERQUEUE||+14155550199|1"
    summary, db = run_import(tmp_path, [CALL[0], CALL[1], late, CALL[2]])
    assert skipped(summary) == [(3, "out of order: 3612 s older than line 2")]
    assert query(db, "SELECT count(*) FROM calls") == [(1,)]


def test_lines_a_few_seconds_out_of_order_as_asterisk_writes_them_are_read(
    tmp_path: Path,
) -> None:
    """Asterisk reads the clock before it takes the log's lock: a busy second can be
    written after the next one."""
    lines = [CALL[0], CALL[1], f"{T0 + 25}|NONE|support|Agent 1002|PAUSE|lunch", CALL[2]]
    summary, db = run_import(tmp_path, lines)
    assert summary.skipped_count == 0
    assert call_row(db, f"{T0 + 10}.1")["ended_at"] == T0 + 20


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("", "an empty line"),
        (
            f"{T0}|x|support|NONE|ENTERQUEUE",
            "ENTERQUEUE has 0 data fields, needs url|callerid: truncated",
        ),
        (f"{T0}|NONE|support|NONE|ENTERQUEUE||123|1", "ENTERQUEUE names no call (callid 'NONE')"),
        (f"{T0}|c1|NONE|NONE|ENTERQUEUE||123|1", "ENTERQUEUE names no queue"),
        (f"{T0}|c1|support|NONE|CONNECT|2|c1.2|1", "CONNECT names no agent"),
        (f"{T0}|c1|support|Agent 1|CONNECT|two|c1.2|1", "the holdtime 'two' is not a whole number"),
        (f"{T0}|c1|support|Agent 1|COMPLETEAGENT|2|-5|1", "the calltime -5 is negative"),
        (
            f"{T0}|c1|support|NONE|ABANDON|1|1",
            "ABANDON has 2 data fields, needs position|original position|waittime: truncated",
        ),
        (
            f"{T0}|c1|support|Agent 1|ATTENDEDTRANSFER|FOO|x|1|2|1",
            "ATTENDEDTRANSFER to 'FOO', not BRIDGE, APP or LINK",
        ),
        (f"{T0}|NONE|support|NONE|PAUSE|lunch", "PAUSE names no agent"),
        ("12|c1|support|NONE|ENTERQUEUE||1|1", "the time 12 is not between 2000 and 2100"),
        (f"{T0}|c1|support|NONE|enter queue||1|1", "'enter queue' is not an event name"),
    ],
)
def test_each_unreadable_line_says_why(tmp_path: Path, line: str, reason: str) -> None:
    summary, _ = run_import(tmp_path, [f"{T0 - 5}|NONE|NONE|NONE|QUEUESTART|", line])
    assert skipped(summary) == [(2, reason)]


def test_a_skipped_line_leaves_no_trace_of_its_call(tmp_path: Path) -> None:
    """The bad ringtime is found before the call is touched: no half-answered call."""
    bad = f"{T0 + 12}|{T0 + 10}.1|support|Agent 1001|CONNECT|2|{T0 + 10}.5|soon"
    abandon = f"{T0 + 15}|{T0 + 10}.1|support|NONE|ABANDON|1|1|5"
    summary, db = run_import(tmp_path, [CALL[0], bad, abandon])
    row = call_row(db, f"{T0 + 10}.1")
    assert (row["answered_at"], row["abandoned"]) == (None, 1)
    assert query(db, "SELECT count(*) FROM call_agents") == [(0,)]
    assert query(db, "SELECT count(*) FROM agent_periods") == [(0,)], "1001 never showed up"
    assert skipped(summary) == [(2, "the ringtime 'soon' is not a whole number")]


def test_unknown_events_are_counted_and_named_in_the_summary(tmp_path: Path) -> None:
    lines = [
        CALL[0],
        f"{T0 + 11}|{T0 + 10}.1|support|NONE|CUSTOMSURVEY|5",
        f"{T0 + 11}|{T0 + 10}.1|support|NONE|CUSTOMSURVEY|4",
        f"{T0 + 11}|{T0 + 10}.1|support|NONE|CALLSTATUS|ok",
        *CALL[1:],
    ]
    summary, _ = run_import(tmp_path, lines)
    assert dict(summary.unknown_events) == {"CUSTOMSURVEY": 2, "CALLSTATUS": 1}
    assert summary.skipped_count == 0 and summary.unread_lines == 3
    assert "unknown events, counted and not imported: CUSTOMSURVEY (2), CALLSTATUS (1)" in (
        summary.report()
    )


def test_crlf_line_ends_and_bytes_that_are_not_utf8_are_read(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    enter = f"{T0 + 10}|{T0 + 10}.1|support|NONE|ENTERQUEUE||+14155550123|1|Jos\xe9"
    log.write_bytes(("\r\n".join([enter, *CALL[1:]]) + "\r\n").encode("latin-1"))
    summary = import_queue_log(log, tmp_path / "records.db")
    assert summary.skipped_count == 0
    row = call_row(tmp_path / "records.db", f"{T0 + 10}.1")
    assert (row["caller_name"], row["talk_seconds"]) == ("Jos\ufffd", 8.0)


def test_the_summary_lists_the_first_skipped_lines_and_counts_the_others(
    tmp_path: Path,
) -> None:
    lines = [*CALL, *(f"junk {n}" for n in range(KEEP_SKIPPED + 500))]
    summary, _ = run_import(tmp_path, lines)
    assert summary.skipped_count == KEEP_SKIPPED + 500
    assert len(summary.skipped) == KEEP_SKIPPED
    report = summary.report(shown=3)
    assert f"skipped {KEEP_SKIPPED + 500} lines it could not read:" in report
    assert report[report.index(f"skipped {KEEP_SKIPPED + 500} lines it could not read:") + 4] == (
        f"  ... and {KEEP_SKIPPED + 497} more"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"),
        (
            b"name,phone\nAlice,+14155550123\nBob,+14155550124\n",
            "is not a queue_log: none of its 3 lines",
        ),
    ],
)
def test_a_file_that_is_no_queue_log_is_refused_and_nothing_imported(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    log = tmp_path / "queue_log"
    if content is not None:
        log.write_bytes(content)
    with pytest.raises(QueueLogFileError, match=message):
        import_queue_log(log, tmp_path / "records.db")
    if (tmp_path / "records.db").exists():
        assert query(tmp_path / "records.db", "SELECT count(*) FROM calls") == [(0,)]


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QueueLogFileError, match="is a directory"):
        import_queue_log(tmp_path, tmp_path / "records.db")


def test_an_empty_file_imports_nothing_and_says_so(tmp_path: Path) -> None:
    summary = import_queue_log(write_log(tmp_path / "queue_log", ""), tmp_path / "records.db")
    assert (summary.lines_read, summary.calls_added, summary.skipped_count) == (0, 0, 0)
    assert summary.report()[0] == f"read 0 lines of {tmp_path / 'queue_log'}"
