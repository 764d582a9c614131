"""The reports of one records file, for the REST routes and `cti report` alike.

Each call opens the file read-only and closes it again: reports are rare and may take a
second, so they run off the event loop (`asyncio.to_thread`) on a connection of their
own, and never hold the file between requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cti.reports.heatmap import heatmap
from cti.reports.html import render_html
from cti.reports.intervals import interval_report
from cti.reports.period import iso
from cti.reports.query import ReportQuery, parse_query
from cti.reports.settings import ReportSettings
from cti.reports.source import RecordsReader


class ReportBook:
    """Reports of the records file at ``path`` with ``settings``; ``clock`` is now."""

    def __init__(
        self,
        path: Path,
        settings: ReportSettings,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.settings = settings
        self._clock = clock

    def query(self, params: Mapping[str, Sequence[str]]) -> ReportQuery:
        """Raises BadReportQuery naming the parameter that cannot be used."""
        settings = self.settings
        return parse_query(params, settings.timezone, self._clock(), settings.interval_minutes)

    def intervals(self, query: ReportQuery) -> dict[str, Any]:
        """Raises RecordsUnavailable when the file cannot be read."""
        with RecordsReader(self.path) as reader:
            return interval_report(reader, query, self.settings, self._clock()).as_json()

    def heatmap(self, query: ReportQuery) -> dict[str, Any]:
        with RecordsReader(self.path) as reader:
            return heatmap(reader, query, self.settings).as_json()

    def html(self, query: ReportQuery) -> str:
        now = self._clock()
        with RecordsReader(self.path) as reader:
            report = interval_report(reader, query, self.settings, now).as_json()
            peaks = heatmap(reader, query, self.settings).as_json()
        generated = iso(round(now), self.settings.timezone)
        return render_html(report, peaks, generated)
