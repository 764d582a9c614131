"""Screenshot of the supervisor's Reports tab on real figures:
``python scripts/reportsshot.py docs/`` writes desktop-reports.png.

The figures are real: `cti demo`'s seeded week of simulated queue_log history
(`cti.demo.history`), imported by cti's own queue_log importer into a records file, and
reported by `ReportBook`, the code behind ``GET /api/reports/intervals``, as the tab
would load it on Friday 4 December 2026 at 18:40 UTC, in the day's last busy hour (its
interval is "so far"). Offscreen Qt, no display needed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HISTORY_END = datetime(2026, 12, 5, tzinfo=UTC).timestamp()  # Saturday's midnight
NOW = datetime(2026, 12, 4, 18, 40, tzinfo=UTC).timestamp()  # Friday, the last hour
CALLERS = [f"+1720555{n:04d}" for n in range(300)]


def friday_report(workdir: Path) -> dict[str, Any]:
    """Friday's report in 60-minute intervals from the demo's history, as the REST gives it."""
    from cti.demo.history import import_demo_history, write_demo_history
    from cti.reports.service import ReportBook
    from cti.reports.settings import ReportSettings

    history = write_demo_history(workdir, CALLERS, 1, seed=7, now=HISTORY_END)
    assert history is not None
    records = workdir / "records.db"
    import_demo_history(history, records)
    book = ReportBook(records, ReportSettings(), clock=lambda: NOW)
    return book.intervals(book.query({"interval": ["60"]}))


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtWidgets import QApplication

    from desktop.reports import report_view
    from desktop.widgets.reports import ReportsTab

    with tempfile.TemporaryDirectory(prefix="reportsshot-") as scratch:
        report = friday_report(Path(scratch))
    app = QApplication(sys.argv[:1])
    tab = ReportsTab()
    tab.resize(980, 560)
    tab.show_report(report_view(report, NOW))
    tab.show()
    app.processEvents()
    path = out / "desktop-reports.png"
    if not tab.grab().save(str(path)):
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
