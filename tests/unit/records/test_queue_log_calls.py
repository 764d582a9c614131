"""queue_log call events → the rows of calls, call_agents and call_transfers.

Lines are written as app_queue.c of Asterisk 22.10.1 writes them (the data fields of
each ``ast_queue_log`` call), with times from the lab's epoch.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.records.queuelog import MemberNames
from cti.records.queuelog.calls import REQUEUE_SECONDS
from tests.unit.records.queue_logs import T0, call_row, legs, query, run_import

C = f"{T0}.7"  # the caller channel's uniqueid


def line(at: int, event: str, data: str = "", agent: str = "NONE", call: str = C) -> str:
    return f"{T0 + at}|{call}|support|{agent}|{event}|{data}"


def test_an_answered_call_gets_its_wait_answer_talk_and_the_rings_before(
    tmp_path: Path,
) -> None:
    _, db = run_import(
        tmp_path,
        [
            line(0, "ENTERQUEUE", "|+14155550123|1|Alice Example"),
            line(15, "RINGNOANSWER", "15000", "Agent 1002"),
            line(19, "CONNECT", f"19|{T0}.9|4", "Agent 1001"),
            line(79, "COMPLETEAGENT", "19|60|1", "Agent 1001"),
        ],
    )
    row = call_row(db, C)
    assert {k: row[k] for k in ("direction", "queue", "caller_number", "caller_e164")} == {
        "direction": "inbound",
        "queue": "support",
        "caller_number": "+14155550123",
        "caller_e164": "+14155550123",
    }
    assert (row["caller_name"], row["arrived_at"], row["answered_at"], row["ended_at"]) == (
        "Alice Example",
        T0,
        T0 + 19,
        T0 + 79,
    )
    assert (row["answered_by"], row["waited_seconds"], row["talk_seconds"]) == ("1001", 19, 60)
    assert (row["held_seconds"], row["abandoned"], row["source"]) == (0.0, 0, "queue_log")
    assert (row["wrapup_seconds"], row["cause"], row["contact_ids"]) == (None, None, "[]")
    assert legs(db, C) == [
        ("1002", 0.0, None, 15, "not_answered"),
        ("1001", 15, 19, 79, "answered"),
    ]


def test_a_national_number_is_kept_as_sent_without_guessing_its_e164(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path, [line(0, "ENTERQUEUE", "|0612345678|1"), line(5, "ABANDON", "1|1|5")]
    )
    row = call_row(db, C)
    assert (row["caller_number"], row["caller_e164"], row["caller_name"]) == (
        "0612345678",
        None,
        None,
    )


def test_an_abandoned_call_keeps_its_wait_and_the_rings_it_cut_short(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            line(0, "ENTERQUEUE", "|+14155550199|1"),
            line(3, "RINGCANCELED", "2500", "Agent 1002"),
            line(3, "ABANDON", "1|1|3"),
        ],
    )
    row = call_row(db, C)
    assert (row["abandoned"], row["waited_seconds"], row["answered_at"]) == (1, 3, None)
    assert (row["ended_at"], row["talk_seconds"]) == (T0 + 3, None)
    assert legs(db, C) == [("1002", 0.5, None, 3, "abandoned")]


def test_a_blind_transfer_ends_the_queue_part_and_records_the_target(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            line(0, "ENTERQUEUE", "|+14155550123|1"),
            line(2, "CONNECT", f"2|{T0}.9|2", "Agent 1001"),
            line(9, "BLINDTRANSFER", "1002|cti-dial|2|7|1", "Agent 1001"),
        ],
    )
    row = call_row(db, C)
    assert (row["answered_by"], row["ended_at"], row["talk_seconds"]) == ("1001", T0 + 9, 7)
    assert legs(db, C) == [("1001", 0, 2, 9, "transferred")]
    assert query(db, "SELECT seq, at, from_extension, to_extension, mode FROM call_transfers") == [
        (0, T0 + 9, "1001", "1002", "blind")
    ]


def test_an_attended_transfer_of_each_kind_is_recorded_with_an_unknown_target(
    tmp_path: Path,
) -> None:
    kinds = ["BRIDGE|5db08a6b-8b0d", "APP|Park", "LINK|Local/1002@agents-1;1|PJSIP/1002-2"]
    lines = []
    for n, kind in enumerate(kinds):
        call = f"{T0}.{n}"
        lines += [
            line(n * 10, "ENTERQUEUE", "|+14155550123|1", call=call),
            line(n * 10 + 2, "CONNECT", f"2|{T0}.99|2", "Agent 1001", call=call),
            line(n * 10 + 7, "ATTENDEDTRANSFER", f"{kind}|2|5|1", "Agent 1001", call=call),
        ]
    summary, db = run_import(tmp_path, lines)
    assert summary.skipped_count == 0
    assert query(db, "SELECT call_id, to_extension, mode FROM call_transfers ORDER BY 1") == [
        (f"{T0}.{n}", "", "attended") for n in range(3)
    ]
    assert query(db, "SELECT DISTINCT talk_seconds FROM calls") == [(5.0,)]


def test_a_caller_sent_to_another_queue_after_a_timeout_is_one_call(tmp_path: Path) -> None:
    """The dialplan's next Queue() gets the same channel, so the same callid."""
    summary, db = run_import(
        tmp_path,
        [
            line(0, "ENTERQUEUE", "|+14155550123|1"),
            line(30, "EXITWITHTIMEOUT", "1|1|30"),
            f"{T0 + 31}|{C}|overflow|NONE|ENTERQUEUE||+14155550123|1",
            f"{T0 + 35}|{C}|overflow|Agent 1003|CONNECT|4|{T0}.9|1",
            f"{T0 + 95}|{C}|overflow|Agent 1003|COMPLETECALLER|4|60|1",
        ],
    )
    assert summary.calls_found == 1
    row = call_row(db, C)
    assert (row["queue"], row["arrived_at"], row["answered_by"]) == ("overflow", T0, "1003")
    assert (row["waited_seconds"], row["talk_seconds"]) == (35, 60)


def test_calls_that_left_a_queue_unanswered_end_there_once_no_queue_takes_them(
    tmp_path: Path,
) -> None:
    later = REQUEUE_SECONDS + 100
    _, db = run_import(
        tmp_path,
        [
            line(0, "ENTERQUEUE", "|+1|1", call="a"),
            line(1, "ENTERQUEUE", "|+2|2", call="b"),
            line(2, "ENTERQUEUE", "|+3|3", call="c"),
            line(3, "ENTERQUEUE", "|+4|4", call="d"),
            line(20, "EXITWITHTIMEOUT", "1|1|20", call="a"),
            line(21, "EXITEMPTY", "1|2|20", call="b"),
            line(22, "EXITWITHKEY", "5|1|3|20", call="c"),
            line(23, "WITHDRAW", "1|4|20|callback", call="d"),
            line(later, "ENTERQUEUE", "|+5|1", call="a"),  # a new call reusing the id
        ],
    )
    assert query(
        db, "SELECT call_id, ended_at, waited_seconds, abandoned, answered_at FROM calls"
    ) == [(c, T0 + 20 + n, 20, 0, None) for n, c in enumerate("abcd")]


def test_a_did_line_before_the_call_enters_the_queue_gives_its_did(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            f"{T0}|{C}|NONE|NONE|DID|+18005550100",
            line(0, "ENTERQUEUE", "|+14155550123|1"),
            line(1, "INFO", "anything the dialplan wrote"),
            line(5, "ABANDON", "1|1|5"),
        ],
    )
    assert call_row(db, C)["did"] == "+18005550100"


def test_did_lines_of_calls_that_never_queue_do_not_pile_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cti.records.queuelog.calls.PENDING_DIDS", 3)
    dids = [f"{T0 + n}|other{n}|NONE|NONE|DID|+1800555010{n}" for n in range(5)]
    _, db = run_import(
        tmp_path,
        [
            *dids[:1],
            f"{T0}|{C}|NONE|NONE|DID|+18005550199",
            *dids[1:],
            line(9, "ENTERQUEUE", "|+14155550123|1"),
            line(10, "ENTERQUEUE", "|+14155550123|1", call="other4"),
            line(15, "ABANDON", "1|1|6"),
            line(16, "ABANDON", "1|1|6", call="other4"),
        ],
    )
    assert query(db, "SELECT call_id, did FROM calls ORDER BY 1") == [
        (C, None),  # its DID was dropped: more than 3 waited
        ("other4", "+18005550104"),
    ]


def test_a_call_the_file_starts_during_gets_its_arrival_from_the_wait_it_logged(
    tmp_path: Path,
) -> None:
    summary, db = run_import(
        tmp_path,
        [
            line(100, "COMPLETECALLER", "12|80|1", "Agent 1001"),
            line(101, "ABANDON", "3|4|40", call="b"),
            line(102, "CONNECT", f"7|{T0}.9|1", "Agent 1002", call="c"),
            line(150, "COMPLETEAGENT", "7|48|1", "Agent 1002", call="c"),
        ],
    )
    assert summary.skipped_count == 0
    assert query(
        db, "SELECT call_id, arrived_at, answered_at, ended_at, waited_seconds FROM calls"
    ) == [
        (C, T0 + 8, T0 + 20, T0 + 100, 12),
        ("b", T0 + 61, None, T0 + 101, 40),
        ("c", T0 + 95, T0 + 102, T0 + 150, 7),
    ]


def test_a_restart_of_asterisk_ends_the_calls_it_cut_off_at_the_last_line_before(
    tmp_path: Path,
) -> None:
    _, db = run_import(
        tmp_path,
        [
            line(0, "ENTERQUEUE", "|+1|1", call="talking"),
            line(2, "CONNECT", f"2|{T0}.9|2", "Agent 1001", call="talking"),
            line(3, "ENTERQUEUE", "|+2|1", call="waiting"),
            line(40, "RINGNOANSWER", "15000", "Agent 1002", call="waiting"),
            f"{T0 + 500}|NONE|NONE|NONE|QUEUESTART|",
        ],
    )
    assert query(
        db, "SELECT call_id, answered_at, ended_at, talk_seconds, abandoned FROM calls ORDER BY 1"
    ) == [("talking", T0 + 2, T0 + 40, 38.0, 0), ("waiting", None, T0 + 40, None, 0)]
    assert legs(db, "talking") == [("1001", 0, 2, 40, "answered")]


def test_calls_still_in_progress_at_the_end_wait_for_an_import_of_the_grown_file(
    tmp_path: Path,
) -> None:
    begun = [
        line(0, "ENTERQUEUE", "|+14155550123|1"),
        line(2, "CONNECT", f"2|{T0}.9|2", "Agent 1001"),
    ]
    first, db = run_import(tmp_path, begun)
    assert (first.calls_open_at_end, first.calls_added) == (1, 0)
    assert "1 still in progress at the end of the file" in first.report()[1]
    second, _ = run_import(tmp_path, [*begun, line(60, "COMPLETECALLER", "2|58|1", "Agent 1001")])
    assert (second.calls_open_at_end, second.calls_added) == (0, 1)
    row = call_row(db, C)
    assert (row["caller_number"], row["answered_at"], row["talk_seconds"]) == (
        "+14155550123",
        T0 + 2,
        58,
    )


def test_member_names_map_to_extensions_by_config_then_by_their_number(
    tmp_path: Path,
) -> None:
    lines = []
    for n, member in enumerate(
        ["alice", "PJSIP/1002", "Local/1003@agents", "SIP Agent 1004", "bob"]
    ):
        lines += [
            line(n * 10, "ENTERQUEUE", "|+1|1", call=f"c{n}"),
            line(n * 10 + 1, "CONNECT", f"1|{T0}.9|1", member, call=f"c{n}"),
            line(n * 10 + 5, "COMPLETECALLER", "1|4|1", member, call=f"c{n}"),
        ]
    _, db = run_import(tmp_path, lines, MemberNames({"Alice": "1001"}))
    assert query(db, "SELECT answered_by FROM calls ORDER BY call_id") == [
        ("1001",),
        ("1002",),
        ("1003",),
        ("1004",),
        ("bob",),
    ]
