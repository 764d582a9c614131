"""queue_log member events → agent_periods rows, as the live records keep them."""

from __future__ import annotations

from pathlib import Path

from tests.unit.records.queue_logs import T0, periods, query, run_import


def member(
    at: int, event: str, agent: str = "Agent 1001", data: str = "", queue: str = "support"
) -> str:
    return f"{T0 + at}|NONE|{queue}|{agent}|{event}|{data}"


def call(at: int, event: str, data: str, call_id: str = "c1", agent: str = "Agent 1001") -> str:
    return f"{T0 + at}|{call_id}|support|{agent}|{event}|{data}"


def test_a_dynamic_member_logs_in_takes_a_call_pauses_and_logs_out(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            f"{T0}|MANAGER|support|Agent 1001|ADDMEMBER|",
            call(5, "ENTERQUEUE", "|+1|1").replace("Agent 1001", "NONE"),
            call(10, "CONNECT", f"5|{T0}.9|2"),
            call(70, "COMPLETECALLER", "5|60|1"),
            member(100, "PAUSE", data="lunch"),
            member(1900, "UNPAUSE"),
            f"{T0 + 2000}|MANAGER|support|Agent 1001|REMOVEMEMBER|",
            member(2100, "PENALTY", data="2"),  # names the agent but stores nothing
            f"{T0 + 3000}|NONE|NONE|NONE|CONFIGRELOAD|",
        ],
    )
    assert periods(db, "1001") == [
        ("available", None, 0, 10, None),
        ("on-call", None, 10, 70, "c1"),
        ("available", None, 70, 100, None),
        ("paused", "lunch", 100, 1900, None),
        ("available", None, 1900, 2000, None),
        ("logged-out", None, 2000, 3000, None),  # the file's last line ends it
    ]
    assert query(db, "SELECT DISTINCT source FROM agent_periods") == [("queue_log",)]


def test_a_static_member_is_logged_in_from_its_first_line(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            f"{T0}|NONE|NONE|NONE|QUEUESTART|",
            call(20, "RINGNOANSWER", "15000", agent="Agent 1002"),
            member(25, "PAUSE", "Agent 1002", "Auto-Pause"),
            member(60, "UNPAUSE", "Agent 1002"),
        ],
    )
    assert periods(db, "1002") == [
        ("available", None, 20, 25, None),
        ("paused", "Auto-Pause", 25, 60, None),
        ("available", None, 60, 60, None),
    ]


def test_paused_in_one_of_two_queues_is_paused_until_unpaused_in_both(tmp_path: Path) -> None:
    """PAUSEALL is followed by each queue's PAUSE; an agent paused in any queue is
    paused, with the reason of its newest pause."""
    _, db = run_import(
        tmp_path,
        [
            member(0, "PAUSEALL", data="break"),
            member(0, "PAUSE", data="break", queue="support"),
            member(0, "PAUSE", data="break", queue="sales"),
            member(30, "UNPAUSE", queue="sales"),
            member(40, "PAUSE", data="training", queue="sales"),
            member(50, "UNPAUSEALL"),
            member(50, "UNPAUSE", queue="support"),
            member(50, "UNPAUSE", queue="sales"),
            member(90, "PAUSE", data="", queue="support"),
        ],
    )
    assert periods(db, "1001") == [
        ("paused", "break", 0, 40, None),
        ("paused", "training", 40, 50, None),
        ("available", None, 50, 90, None),
        ("paused", None, 90, 90, None),
    ]


def test_a_member_added_paused_starts_paused(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [member(0, "ADDMEMBER", data="PAUSED"), member(10, "UNPAUSE"), member(20, "REMOVEMEMBER")],
    )
    assert periods(db, "1001") == [
        ("paused", None, 0, 10, None),
        ("available", None, 10, 20, None),
        ("logged-out", None, 20, 20, None),
    ]


def test_leaving_one_queue_of_two_keeps_the_agent_logged_in(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            member(0, "ADDMEMBER", queue="support"),
            member(0, "ADDMEMBER", queue="sales"),
            member(10, "REMOVEMEMBER", queue="sales"),
            member(20, "REMOVEMEMBER", queue="support"),
        ],
    )
    assert periods(db, "1001") == [
        ("available", None, 0, 20, None),
        ("logged-out", None, 20, 20, None),
    ]


def test_app_agent_pool_logins_and_logoffs(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            f"{T0}|{T0}.1|NONE|1001|AGENTLOGIN|PJSIP/1001-00000001",
            f"{T0 + 600}|{T0}.1|NONE|1001|AGENTLOGOFF|PJSIP/1001-00000001|600",
            f"{T0 + 700}|NONE|NONE|1002|AGENTCALLBACKLOGIN|1002@agents",
            f"{T0 + 800}|NONE|NONE|1002|AGENTCALLBACKLOGOFF|1002@agents|100|CommandLogoff",
        ],
    )
    assert periods(db, "1001") == [
        ("available", None, 0, 600, None),
        ("logged-out", None, 600, 800, None),
    ]
    assert periods(db, "1002") == [
        ("available", None, 700, 800, None),
        ("logged-out", None, 800, 800, None),
    ]


def test_a_call_talked_in_no_time_leaves_one_available_period_not_two(tmp_path: Path) -> None:
    """CONNECT and COMPLETE in the same second (the lab's 0 s calls): the on-call period
    lasts no time and the available one before it goes on."""
    _, db = run_import(
        tmp_path,
        [
            member(0, "ADDMEMBER"),
            call(9, "CONNECT", f"1|{T0}.9|1"),
            call(9, "COMPLETECALLER", "1|0|1"),
            member(30, "PAUSE", data="lunch"),
        ],
    )
    assert periods(db, "1001") == [
        ("available", None, 0, 30, None),
        ("paused", "lunch", 30, 30, None),
    ]


def test_two_calls_at_once_show_the_newest_until_it_ends(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            call(0, "CONNECT", f"1|{T0}.9|1", "a"),
            call(5, "CONNECT", f"1|{T0}.8|1", "b"),
            call(10, "COMPLETEAGENT", "1|5|1", "b"),
            call(20, "COMPLETECALLER", "1|20|1", "a"),
        ],
    )
    assert periods(db, "1001") == [
        ("on-call", None, 0, 5, "a"),
        ("on-call", None, 5, 10, "b"),
        ("on-call", None, 10, 20, "a"),
        ("available", None, 20, 20, None),
    ]


def test_a_restart_logs_every_agent_out_while_asterisk_was_down(tmp_path: Path) -> None:
    _, db = run_import(
        tmp_path,
        [
            member(0, "PAUSE", data="lunch"),
            call(10, "CONNECT", f"1|{T0}.9|1", agent="Agent 1002"),
            member(20, "PAUSE", "Agent 1003", "break"),  # the last line before the crash
            f"{T0 + 50}|NONE|NONE|NONE|QUEUESTART|",
            member(80, "UNPAUSE"),
        ],
    )
    assert periods(db, "1001") == [
        ("paused", "lunch", 0, 20, None),
        ("logged-out", None, 20, 50, None),
        ("paused", "lunch", 50, 80, None),  # a persistent member keeps its pause
        ("available", None, 80, 80, None),
    ]
    assert periods(db, "1002") == [
        ("on-call", None, 10, 20, "c1"),
        ("logged-out", None, 20, 50, None),
        ("available", None, 50, 80, None),  # its call died with Asterisk
    ]
