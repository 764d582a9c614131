"""The window's Reports tab, wired: it exists only while the server welcomes this desktop
as a supervisor (an agent never has it, not even hidden), loads when it appears, every
minute after, and when the supervisor presses Refresh; the HTML report opens in the
system's browser from a local file (`ReportsDesk`: the token is in no URL)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PyQt6.QtCore import QObject, QTimer, QUrl
from PyQt6.QtWidgets import QTabWidget

from desktop.controller import DesktopController
from desktop.reports import ReportView
from desktop.reports_desk import ReportsDesk
from desktop.widgets.reports import ReportsTab

log = logging.getLogger(__name__)

REPORTS_TAB = "Reports"
REFRESH_MS = 60_000


class ReportsPane(QObject):
    def __init__(
        self,
        controller: DesktopController,
        tabs: QTabWidget,
        open_url: Callable[[str], None],
        refresh_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(tabs)
        self.controller, self.tabs, self._open_url = controller, tabs, open_url
        self.desk = ReportsDesk(lambda: controller.api, self._spawn, self)
        self.tab: ReportsTab | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.desk.refresh)
        self._tasks: set[asyncio.Task[None]] = set()
        controller.centre.changed.connect(self._changed)
        self.desk.loaded.connect(self._loaded)
        self.desk.failed.connect(self._failed)
        self.desk.page_saved.connect(self._page_saved)

    def _changed(self, part: str) -> None:
        if part != "welcome":
            return
        supervisor = self.controller.centre.supervisor
        if supervisor and self.tab is None:
            self.tab = ReportsTab()
            self.tab.refresh_requested.connect(self.desk.refresh)
            self.tab.page_requested.connect(self.desk.open_page)
            self.tabs.addTab(self.tab, REPORTS_TAB)
            log.info("reports tab shown: signed in as a supervisor")
            self.timer.start()
            self.desk.refresh()
        elif not supervisor and self.tab is not None:
            self.timer.stop()
            self.tabs.removeTab(self.tabs.indexOf(self.tab))
            self.tab.deleteLater()
            self.tab = None

    def _loaded(self, view: ReportView) -> None:
        if self.tab is not None:
            self.tab.show_report(view)

    def _failed(self, text: str) -> None:
        if self.tab is not None:
            self.tab.show_error(text)

    def _page_saved(self, path: str) -> None:
        self._open_url(QUrl.fromLocalFile(path).toString())

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_event_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("reports task failed", exc_info=task.exception())
