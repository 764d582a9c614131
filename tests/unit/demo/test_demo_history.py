"""`cti demo`'s simulated history: weeks of seeded queue_log lines shaped like the lab's
(same events, same field counts), each call a sequence app_queue could write, with its
figures consistent with the line times, and the weekday x hour peaks of a real centre."""

from __future__ import annotations

import importlib.util
import sqlite3
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cti.cli import build_parser
from cti.demo.history import import_demo_history, write_demo_history
from cti.sim.centre_week import calls_per_hour
from cti.sim.history import QUEUE_TIMEOUT, write_history
from tests.helpers import FIXTURES

LAB = (FIXTURES / "queue_log" / "lab_queue_log").read_text(encoding="utf-8").splitlines()
NUMBERS = ["+14155550123", "+14155550199", "+442071838750"]
START = datetime(2026, 3, 2, tzinfo=UTC).timestamp()  # a Monday
WEEK = 7 * 86400.0


def history(weeks: int = 1, seed: int = 7) -> list[str]:
    lines: list[str] = []
    counts = write_history(lines.append, NUMBERS, START, START + weeks * WEEK, seed)
    assert counts.lines == len(lines)
    return lines


def fields(line: str) -> list[str]:
    return line.split("|")


def test_the_same_seed_writes_the_same_history_and_another_seed_another() -> None:
    assert history(seed=7) == history(seed=7)
    assert history(seed=7) != history(seed=8)


def test_every_event_has_the_field_count_the_lab_file_has_for_it() -> None:
    lab_shapes = {(fields(line)[4], len(fields(line))) for line in LAB}
    lab_events = {event for event, _ in lab_shapes}
    lines = history()
    for line in lines:
        event = fields(line)[4]
        if event in lab_events:
            assert (event, len(fields(line))) in lab_shapes, line
    written = Counter(fields(line)[4] for line in lines)
    app_queue_only = {"RINGNOANSWER": 6, "EXITWITHTIMEOUT": 8}  # events the lab file lacks
    for event, count in app_queue_only.items():
        assert written[event] > 0
        assert all(len(fields(line)) == count for line in lines if fields(line)[4] == event)
    assert lines[0].endswith("|NONE|NONE|NONE|QUEUESTART|")
    assert written["ENTERQUEUE"] > 500, "a week of a busy line"


def test_lines_are_in_time_order_inside_the_period() -> None:
    epochs = [int(fields(line)[0]) for line in history()]
    assert epochs == sorted(epochs)
    assert epochs[0] >= START and epochs[-1] <= START + WEEK


def test_each_call_is_one_sequence_app_queue_writes_with_consistent_figures() -> None:
    calls: dict[str, list[list[str]]] = defaultdict(list)
    for line in history():
        parts = fields(line)
        if parts[1] not in ("NONE", "MANAGER"):
            calls[parts[1]].append(parts)
    endings = Counter()
    for callid, events in calls.items():
        names = [event[4] for event in events]
        assert names[0] == "ENTERQUEUE", callid
        entered = int(events[0][0])
        assert callid.startswith(f"{entered}."), "the caller's Uniqueid is its channel's birth"
        last = events[-1]
        endings[last[4]] += 1
        if "CONNECT" in names:
            connect = events[names.index("CONNECT")]
            assert int(connect[5]) == int(connect[0]) - entered, "hold time"
            assert last[4] in {
                "COMPLETECALLER",
                "COMPLETEAGENT",
                "BLINDTRANSFER",
                "ATTENDEDTRANSFER",
            }
            hold, talk = int(last[-3]), int(last[-2])
            assert hold == int(connect[5]) and talk == int(last[0]) - int(connect[0])
            assert last[3] == connect[3], "the same member ends it"
        else:
            assert last[4] in {"ABANDON", "EXITWITHTIMEOUT"}, names
            assert int(last[-1]) == int(last[0]) - entered, "the wait"
            if last[4] == "EXITWITHTIMEOUT":
                assert int(last[-1]) in (QUEUE_TIMEOUT - 1, QUEUE_TIMEOUT, QUEUE_TIMEOUT + 1)
        assert set(names[1:-1]) <= {"RINGNOANSWER", "RINGCANCELED", "CONNECT"}
    assert endings["ABANDON"] and endings["COMPLETECALLER"] and endings["COMPLETEAGENT"]
    assert endings["BLINDTRANSFER"] and endings["ATTENDEDTRANSFER"]


def test_agents_log_in_and_out_in_turn_and_pause_only_while_logged_in() -> None:
    state: dict[str, str] = {}
    for line in history():
        _, callid, _, agent, event, *data = fields(line)
        if event == "ADDMEMBER":
            assert callid == "MANAGER" and state.get(agent, "out") == "out"
            state[agent] = "in"
        elif event == "REMOVEMEMBER":
            assert state[agent] == "in", "never removed while paused or out"
            state[agent] = "out"
        elif event == "PAUSE":
            assert state[agent] == "in" and data[0] in {"lunch", "break", "training", "meeting"}
            state[agent] = "paused"
        elif event == "UNPAUSE":
            assert state[agent] == "paused"
            state[agent] = "in"
    assert sorted(state) == ["Agent 1001", "Agent 1002", "Agent 1003", "Agent 1004"]


def test_callers_ring_most_at_the_weekday_peaks_and_never_on_sunday() -> None:
    arrivals: Counter[tuple[int, int]] = Counter()
    for line in history(weeks=4):
        if fields(line)[4] == "ENTERQUEUE":
            moment = datetime.fromtimestamp(int(fields(line)[0]), UTC)
            arrivals[moment.weekday(), moment.hour] += 1
    monday = sum(arrivals[0, hour] for hour in range(24))
    saturday = sum(arrivals[5, hour] for hour in range(24))
    assert sum(arrivals[6, hour] for hour in range(24)) == 0
    assert monday > 2 * saturday > 0
    assert arrivals[0, 10] > 1.5 * arrivals[0, 8] > 3 * arrivals[0, 7], "the morning peak"
    assert arrivals[0, 10] > arrivals[0, 12], "the lunch dip"
    assert all(arrivals[day, 3] == 0 for day in range(7)), "nobody calls at night"
    assert calls_per_hour(0, 10) == max(calls_per_hour(d, h) for d in range(7) for h in range(24))


def test_four_weeks_are_written_in_well_under_a_second_of_demo_start() -> None:
    began = time.perf_counter()
    lines = history(weeks=4)
    assert time.perf_counter() - began < 3.0, "generous for a busy machine; about 0.2 s"
    assert len(lines) > 10000


def test_demo_history_ends_where_today_begins_so_today_is_the_live_runs(tmp_path: Path) -> None:
    now = datetime(2026, 3, 11, 15, 30, tzinfo=UTC).timestamp()  # a Wednesday afternoon
    written = write_demo_history(tmp_path, NUMBERS, weeks=2, seed=7, now=now)
    assert written is not None and written.path == tmp_path / "queue_log"
    lines = written.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == written.lines and written.calls > 500
    midnight = datetime(2026, 3, 11, tzinfo=UTC).timestamp()
    assert int(fields(lines[0])[0]) == midnight - 14 * 86400
    assert int(fields(lines[-1])[0]) < midnight


def test_demo_history_keeps_a_queue_log_already_there_and_none_is_asked_for_zero_weeks(
    tmp_path: Path,
) -> None:
    kept = tmp_path / "queue_log"
    kept.write_text("1796599000|NONE|NONE|NONE|QUEUESTART|\n", encoding="utf-8")
    assert write_demo_history(tmp_path, NUMBERS, weeks=4, seed=7) is None
    assert kept.read_text(encoding="utf-8") == "1796599000|NONE|NONE|NONE|QUEUESTART|\n"
    assert write_demo_history(tmp_path / "elsewhere", NUMBERS, weeks=0, seed=7) is None


def test_demo_history_joins_the_records_when_cti_has_the_queue_log_importer(
    tmp_path: Path,
) -> None:
    """Until `cti.records.queuelog` is there, the demo says the history stays in the file."""
    written = write_demo_history(tmp_path, NUMBERS, weeks=1, seed=7, now=START + WEEK)
    assert written is not None
    records = tmp_path / "records.db"
    outcome = import_demo_history(written, records)
    if importlib.util.find_spec("cti.records.queuelog") is None:
        assert outcome == "kept in the queue_log only (this cti has no queue_log importer)"
        assert not records.exists()
        return
    assert outcome.startswith("imported into records.db in ")
    with sqlite3.connect(records) as db:
        (calls,) = db.execute("SELECT count(*) FROM calls WHERE source = 'queue_log'").fetchone()
    assert calls == written.calls


@pytest.mark.parametrize("weeks", ["-1", "105"])
def test_history_weeks_out_of_range_is_refused_with_a_clear_message(
    weeks: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["demo", "--history-weeks", weeks, "--no-desktop"])
    assert args.run(args) == 2
    assert capsys.readouterr().err == "cti demo: --history-weeks must be 0 to 104\n"
