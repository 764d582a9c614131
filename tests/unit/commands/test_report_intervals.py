"""`cti report` (no subcommand): the interval report from the records, every format."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cti.cli import main
from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from tests.unit.reports.records_db import busy_day, make_records

PARIS = ZoneInfo("Europe/Paris")
MONDAY = ["--from", "2026-03-02", "--to", "2026-03-02"]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_records(tmp_path_factory.mktemp("cli") / "records.db")
    busy_day(path, datetime(2026, 3, 2, tzinfo=PARIS).timestamp(), seed=11)
    return path


@pytest.fixture
def config(tmp_path: Path, records: Path) -> Path:
    """A config directory that points at the records and reports on Paris time."""
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "cti.yaml").write_text(
        f"records:\n  path: {records}\nreports:\n  timezone: Europe/Paris\n", encoding="utf-8"
    )
    return directory


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["report", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_is_the_reports_json_on_the_configured_clock_and_file(
    config: Path, records: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run([*MONDAY, "--config", str(config), "--format", "json"], capsys)
    assert (status, err) == (0, "")
    body = json.loads(out)
    book = ReportBook(records, ReportSettings(timezone=PARIS))
    expected = book.intervals(ReportQuery(date(2026, 3, 2), date(2026, 3, 2)))
    assert body["timezone"] == "Europe/Paris" and body["offered"] > 500
    strip = {"intervals"}  # agent time of open periods depends on now; compare the calls
    assert {k: v for k, v in body.items() if k not in strip} == {
        k: v for k, v in expected.items() if k not in strip
    }


def test_the_table_goes_to_the_terminal_and_as_text_to_a_file(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run([*MONDAY, "--config", str(config), "--interval", "60"], capsys)
    assert status == 0
    assert "Queue report: all queues · 2026-03-02 · Europe/Paris" in out
    assert "10:00-11:00" in out and "Total" in out
    target = tmp_path / "report.txt"
    status, out, _ = run([*MONDAY, "--config", str(config), "--output", str(target)], capsys)
    assert (status, out) == (0, "")
    text = target.read_text(encoding="utf-8")
    assert "10:00-10:30" in text and "\x1b[" not in text


def test_csv_and_html_are_written_where_asked(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet, page = tmp_path / "r.csv", tmp_path / "r.html"
    base = [*MONDAY, "--config", str(config)]
    assert run([*base, "--format", "csv", "--output", str(sheet)], capsys)[0] == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    assert len(rows) == 48 + 1 and rows[-1]["row"] == "total"
    assert run([*base, "--format", "html", "--output", str(page)], capsys)[0] == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'id="heatmap"' in html


def test_peaks_are_the_weekday_by_hour_heatmap(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    week = ["--from", "2026-03-02", "--to", "2026-03-08", "--config", str(config), "--peaks"]
    status, out, _ = run([*week, "--format", "json"], capsys)
    assert status == 0
    offered = json.loads(out)["offered"]
    assert sum(offered[0]) > 500 and sum(map(sum, offered[1:])) == 0
    status, out, _ = run([*week, "--format", "csv"], capsys)
    lines = out.splitlines()
    assert lines[0].startswith("weekday,00,01") and lines[1].startswith("Mon,0,")
    assert len(lines) == 8
    status, out, _ = run(week, capsys)
    assert "Calls offered by weekday and hour" in out
    status, _, err = run([*week, "--format", "html"], capsys)
    assert status == 2 and "the html report has the heatmap" in err


def test_a_queue_filter_reports_only_that_queue(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*MONDAY, "--config", str(config), "--format", "json", "--queue", "sales"]
    body = json.loads(run(argv, capsys)[1])
    assert (body["queues"], body["offered"]) == (["sales"], 0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2026/03/02"], "cti report: --from must be a date written YYYY-MM-DD"),
        (["--from", "2026-03-05", "--to", "2026-03-01"], "--to (2026-03-01) is before --from"),
        (["--queue", "a\tb"], "control characters"),
    ],
)
def test_bad_options_exit_2_with_one_line_saying_why(
    config: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run([*argv, "--config", str(config)], capsys)
    assert (status, out) == (2, "")
    assert err.startswith(message) or message in err
    assert len(err.splitlines()) == 1


def test_an_interval_other_than_15_30_60_is_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "--interval", "20"])
    assert exited.value.code == 2
    assert "invalid choice: 20" in capsys.readouterr().err


def test_a_missing_or_broken_records_file_exits_2_naming_it(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.db"
    status, _, err = run(["--config", str(config), "--records", str(missing)], capsys)
    assert status == 2
    assert f"no call records file at {missing}" in err and "--records" in err
    broken = tmp_path / "broken.db"
    broken.write_text("not sqlite" * 200, encoding="utf-8")
    status, _, err = run(["--config", str(config), "--records", str(broken)], capsys)
    assert status == 2 and str(broken) in err and "not a database" in err


def test_a_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cti.yaml").write_text("reports:\n  timezone: Mars/Base\n", encoding="utf-8")
    status, _, err = run(["--config", str(tmp_path)], capsys)
    assert status == 2 and "reports.timezone" in err


def test_an_output_that_cannot_be_written_exits_1(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-dir" / "r.json"
    status, _, err = run([*MONDAY, "--config", str(config), "--output", str(target)], capsys)
    assert status == 1 and f"cannot write {target}" in err


def test_no_option_is_todays_report_of_the_configured_records(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["--config", str(config), "--format", "json"], capsys)
    assert (status, err) == (0, "")
    body = json.loads(out)
    today = datetime.now(PARIS).date().isoformat()
    assert (body["from"], body["to"], body["interval_minutes"]) == (today, today, 30)


LAB_QUEUE_LOG = Path(__file__).resolve().parents[2] / "fixtures" / "queue_log" / "lab_queue_log"
CALL_FIGURES = ("offered", "answered", "abandoned", "abandoned_short", "service_level")
CALL_FIGURES += ("asa_seconds", "aht_seconds", "longest_wait_seconds")
LAB_DAYS = ["--from", "2026-12-06", "--to", "2026-12-07"]  # 23:16 to 00:02 UTC


def test_a_queue_log_is_reported_as_if_imported_and_nothing_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    tempfile.tempdir = None  # read TMPDIR again
    try:
        argv = [*LAB_DAYS, "--config", str(tmp_path), "--format", "json", "--interval", "60"]
        status, out, err = run([*argv, "--from-queue-log", str(LAB_QUEUE_LOG)], capsys)
    finally:
        tempfile.tempdir = None
    assert status == 0, err
    assert list(scratch.iterdir()) == []  # the temporary records file is gone
    assert "cti report: read 429 lines of" in err and "skipped" not in err
    direct = json.loads(out)
    records = tmp_path / "imported.db"
    assert main(["records", "import-queue-log", str(LAB_QUEUE_LOG), "--records", str(records)]) == 0
    capsys.readouterr()
    status, out, _ = run([*argv, "--records", str(records)], capsys)
    assert status == 0
    stored = json.loads(out)
    for figure in CALL_FIGURES:  # agent time of still-open periods runs on with the clock
        assert stored[figure] == direct[figure], figure
        assert [r[figure] for r in stored["intervals"]] == [r[figure] for r in direct["intervals"]]
    assert direct["offered"] > 100 and direct["answered"] > 50 and direct["abandoned"] > 0


def test_a_file_that_is_no_queue_log_exits_2_saying_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("dear diary\nnothing happened today\n", encoding="utf-8")
    status, out, err = run(["--config", str(tmp_path), "--from-queue-log", str(odd)], capsys)
    assert (status, out) == (2, "")
    assert str(odd) in err and "is not a queue_log" in err


def test_records_and_a_queue_log_are_not_both_a_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "--records", "a.db", "--from-queue-log", str(LAB_QUEUE_LOG)])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
