"""The HTML report in a real headless Chromium: it renders, its charts are drawn with the
expected number of bars and cells, and the page makes no request beyond its own file.

Debian's `chromium` and `chromium-driver` (installed by scripts/setup-env.sh for `dev`)
are driven by selenium. ``REPORT_SCREENSHOT=docs/report-html.png`` also saves the
full-page screenshot there (the one in the docs was made so).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cti.reports.query import ReportQuery
from cti.reports.service import ReportBook
from cti.reports.settings import ReportSettings
from tests.unit.reports.records_db import busy_day, make_records

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Debian chromium and chromium-driver are not installed "
    "(scripts/setup-env.sh desktop,dev installs them)",
)

PARIS = ZoneInfo("Europe/Paris")
QUERY = ReportQuery(date(2026, 3, 2), date(2026, 3, 6), (), 60)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A week of five busy days, as the page and as the JSON report it shows."""
    directory = tmp_path_factory.mktemp("html")
    path = make_records(directory / "records.db")
    for day in range(2, 7):
        busy_day(path, datetime(2026, 3, day, tzinfo=PARIS).timestamp(), seed=day)
    now = datetime(2026, 3, 6, 19, 0, tzinfo=PARIS).timestamp()
    book = ReportBook(path, ReportSettings(timezone=PARIS), clock=lambda: now)
    page = directory / "report.html"
    page.write_text(book.html(QUERY), encoding="utf-8")
    return page, book.intervals(QUERY)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(argument)
    options.add_argument("--window-size=1200,900")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def count(browser: Any, selector: str) -> int:
    return int(browser.execute_script(f"return document.querySelectorAll({selector!r}).length"))


def test_the_report_renders_with_its_charts_in_chromium(
    browser: Any, report_page: tuple[Path, dict[str, Any]]
) -> None:
    page, report = report_page
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title.startswith("Queue report: all queues")
    rated = [row for row in report["intervals"] if row["service_level"] is not None]
    assert count(browser, "#offered-by-hour rect.bar") == 24
    assert count(browser, "#service-level rect.bar") == len(rated) > 5 * 10
    assert count(browser, "#heatmap rect.cell") == 7 * 24
    for chart in ("offered-by-hour", "service-level", "heatmap"):
        box = browser.execute_script(
            f"const r = document.getElementById('{chart}').getBoundingClientRect();"
            "return [r.width, r.height];"
        )
        assert box[0] > 600 and box[1] > 150, (chart, box)
    busiest = max(range(24), key=lambda hour: sum(day[hour] for day in _heat(report_page)))
    tip = browser.execute_script(
        f"return document.querySelectorAll('#heatmap rect.cell')[{busiest}]"
        ".querySelector('title').textContent"
    )
    assert tip.startswith(f"Mon {busiest:02d}:00")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # a blocked load would show here as a CSP violation
    _screenshot(browser, page.parent / "report.png")


def test_the_page_requests_nothing_but_itself(
    browser: Any, report_page: tuple[Path, dict[str, Any]]
) -> None:
    page, _ = report_page
    browser.get_log("performance")  # what earlier loads logged
    browser.get(page.as_uri())
    requested = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert requested == [page.as_uri()]


def _heat(report_page: tuple[Path, dict[str, Any]]) -> list[list[int]]:
    """The heatmap grid as the page's cells hold it (Monday first), from the page's text."""
    text = report_page[0].read_text(encoding="utf-8")
    grid = [[0] * 24 for _ in range(7)]
    for day, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        for hour in range(24):
            marker = f"<title>{name} {hour:02d}:00-{hour:02d}:59: "
            grid[day][hour] = int(text.split(marker, 1)[1].split(" ", 1)[0])
    return grid


def _screenshot(browser: Any, path: Path) -> None:
    """The whole page, not only the window: Chromium's own capture beyond the viewport."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1200, "height": int(height), "deviceScaleFactor": 1, "mobile": False},
    )
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 20_000
    wanted = os.environ.get("REPORT_SCREENSHOT")
    if wanted:
        shutil.copyfile(path, wanted)
