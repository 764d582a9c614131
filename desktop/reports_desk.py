"""The Reports tab's side of the controller: it fetches today's interval report and the
HTML report from the broker's REST API, and says what went wrong when it cannot.

The HTML report opens in the system's browser without the token in any URL: the page is
fetched here with the Bearer header, saved to a private temporary file, and the file is
what the browser opens (`page_saved`). Widgets connect to the signals and call
`refresh` and `open_page`; the network stays here.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from desktop.api import ApiError, BrokerApi
from desktop.reports import ReportView, failure_text, report_view

log = logging.getLogger(__name__)

INTERVALS = "/api/reports/intervals"
PAGE = "/api/reports/html"
Spawn = Callable[[Coroutine[Any, Any, None]], None]


def report_query(day: date | None) -> list[tuple[str, str]]:
    """Today (the server's day in its report zone) unless a day is given; every queue;
    the server's `reports.interval_minutes`, as `cti report` uses it."""
    return [] if day is None else [("from", day.isoformat()), ("to", day.isoformat())]


class ReportsDesk(QObject):
    loaded = pyqtSignal(object)  # ReportView
    failed = pyqtSignal(str)  # what went wrong, for the supervisor
    page_saved = pyqtSignal(str)  # the HTML report's local file, to open

    def __init__(
        self, api: Callable[[], BrokerApi | None], spawn: Spawn, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._api, self._spawn = api, spawn
        self.day: date | None = None  # None: the server's today
        self.loading = False
        self._pages = Path(tempfile.mkdtemp(prefix="cti-reports-"))  # private: mode 0700

    def refresh(self) -> None:
        """Load the report again, unless a load is still on its way."""
        if not self.loading:
            self.loading = True
            self._spawn(self._load())

    def open_page(self) -> None:
        self._spawn(self._save_page())

    def _client(self) -> BrokerApi:
        api = self._api()
        if api is None:
            raise ApiError("unreachable", "not connected")
        return api

    async def _load(self) -> None:
        try:
            report = await self._client().get_json(INTERVALS, report_query(self.day))
        except ApiError as exc:
            log.info("reports: intervals failed: %s", exc)
            self.failed.emit(failure_text(exc))
            return
        finally:
            self.loading = False
        view: ReportView = report_view(report, time.time())
        self.loaded.emit(view)

    async def _save_page(self) -> None:
        try:
            page = await self._client().get_page(PAGE, report_query(self.day))
        except ApiError as exc:
            log.info("reports: page failed: %s", exc)
            self.failed.emit(failure_text(exc))
            return
        handle, name = tempfile.mkstemp(suffix=".html", prefix="report-", dir=self._pages)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(page)
        self.page_saved.emit(name)
