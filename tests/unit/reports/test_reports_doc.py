"""docs/reports.md names every figure the JSON report has and every `cti report` option."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from cti.cli import build_parser
from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from tests.unit.reports.records_db import QueueCall, add_calls, make_records

DOC = Path(__file__).resolve().parents[3] / "docs" / "reports.md"
SCOPE = {"timezone", "from", "to", "queues", "interval_minutes", "start", "end", "intervals"}
SCOPE |= {"staffing", "channels"}  # the objects whose fields are defined one by one
SETTINGS = {"service_level_seconds", "short_abandon_seconds", "short_abandons"}
SETTINGS |= {"target_service_level", "shrinkage"}


def figures_table(section: str = "## What each figure means") -> set[str]:
    table = DOC.read_text(encoding="utf-8").split(section, 1)[1]
    table = table.split("\n## ", 1)[0]
    names: set[str] = set()
    for cell in re.findall(r"^\| `([^|]+)` \|", table, flags=re.MULTILINE):
        names.update(re.findall(r"`?\.?([a-z0-9_.]+)`?", cell))
    return {name.removeprefix("staffing.") for name in names}


def test_every_figure_of_the_json_report_is_defined(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    add_calls(path, QueueCall("c1", 1_772_442_000.0))
    body = ReportBook(path, ReportSettings()).intervals(
        ReportQuery(date(2026, 3, 2), date(2026, 3, 2))
    )
    keys = set(body) | set(body["intervals"][0]) | set(body["intervals"][0]["staffing"])
    documented = figures_table()
    missing = sorted(keys - SCOPE - SETTINGS - documented)
    assert missing == [], f"docs/reports.md defines no {missing}"
    assert sorted(documented - keys) == []


def test_every_channel_figure_of_the_json_report_is_defined(tmp_path: Path) -> None:
    path = make_records(tmp_path / "records.db")
    body = ReportBook(path, ReportSettings()).intervals(
        ReportQuery(date(2026, 3, 2), date(2026, 3, 2))
    )
    keys = set(body["channels"]["chat"]) | set(body["intervals"][0]["channels"]["email"])
    documented = figures_table("## Email, chat and web forms")
    assert sorted(keys - documented) == [], "docs/reports.md: the channel figures table"
    assert sorted(documented - keys) == []


def test_every_report_option_is_in_the_options_table() -> None:
    parser = build_parser()
    report = parser._subparsers._group_actions[0].choices["report"]  # type: ignore[union-attr]
    options = [a.option_strings[0] for a in report._actions if a.option_strings]
    text = DOC.read_text(encoding="utf-8").split("## Running a report", 1)[1]
    for option in options:
        if option != "-h":
            assert f"| `{option}" in text, option
