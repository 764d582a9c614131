"""`cti report` prints the emails, chats and web forms of the period next to the calls,
in every format, from a records file the real `InteractionWriter` filled."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cti.cli import main
from cti.reports.table import DASH
from tests.unit.reports.interactions_db import interaction, write_interactions
from tests.unit.reports.records_db import QueueCall, add_calls, make_records

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, tzinfo=PARIS).timestamp()
ARGS = ["--from", "2026-03-02", "--interval", "60"]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    records = make_records(tmp_path / "records.db")
    add_calls(records, QueueCall("call-1", MONDAY + 9 * 3600))
    write_interactions(
        records,
        interaction("m1", "email", MONDAY + 9 * 3600, accepted=60, replied=3600, closed=4000),
        interaction("m2", "email", MONDAY + 9 * 3600, accepted=60),  # still open
        interaction("c1", "chat", MONDAY + 10 * 3600, accepted=5, replied=75, closed=600),
        interaction("w1", "webform", MONDAY + 11 * 3600, closed=30, reason="expired", agent=None),
    )
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "cti.yaml").write_text(
        f"records:\n  path: {records}\nreports:\n  timezone: Europe/Paris\n"
        "interactions:\n  first_response_seconds:\n    chat: 90\n",
        encoding="utf-8",
    )
    return directory


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status = main(["report", *argv])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return out


def test_the_table_has_a_row_per_channel_after_the_calls(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run([*ARGS, "--config", str(config)], capsys)
    calls, channels = out.split("Email, chat and web forms: 2026-03-02", 1)
    assert "Queue report: all queues" in calls and "Total" in calls
    rows = {line.split("│")[1].strip(): line for line in channels.splitlines() if "│" in line}
    email = [cell.strip() for cell in rows["Email"].split("│")[2:-1]]
    # offered, handled, closed, abandoned, open, first response, p90, target, within, handling;
    # the open mail has waited months (the report runs now) for a reply: due and missed
    assert email == [
        *("2", "2", "1", "0", "1"),
        *("1:00:00", "1:00:00", "4:00:00", "50.0% (1/2)", "1:05:40"),
    ]
    chat = [cell.strip() for cell in rows["Chat"].split("│")[2:-1]]
    assert chat[5:9] == ["1:15", "1:15", "1:30", "100.0% (1/1)"]  # the configured 90 s
    form = [cell.strip() for cell in rows["Web form"].split("│")[2:-1]]
    assert form[:5] == ["1", "0", "1", "1", "0"]
    assert form[8] == DASH  # it expired within its target: nothing was due


def test_json_and_csv_carry_the_same_channel_figures(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = json.loads(run([*ARGS, "--config", str(config), "--format", "json"], capsys))
    assert body["channels"]["chat"]["first_response_target_seconds"] == 90
    sheet = run([*ARGS, "--config", str(config), "--format", "csv"], capsys)
    total = list(csv.DictReader(io.StringIO(sheet)))[-1]
    for channel, figures in body["channels"].items():
        for name in ("offered", "handled", "abandoned", "open", "first_response_level"):
            value = figures[name]
            assert total[f"{channel}:{name}"] == ("" if value is None else f"{value:g}")
    assert total["email:handling_mean_seconds"] == "3940"
