"""Screenshot of the supervisor's Reports tab: ``python scripts/reportsshot.py docs/``.

The tab renders an answer of ``GET /api/reports/intervals`` in the contract's shape
(docs/reports.md): a day from 08:00 to 18:00 with sample figures, one interval short of
agents (shaded). Offscreen Qt (no display needed); writes desktop-reports.png.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

#           offered answered abandoned SL  ASA  AHT  needed scheduled logged in
SAMPLE = [
    (8, 11, 11, 0, 1.0, 4.0, 171.0, 1, 2, 2),
    (9, 24, 23, 1, 0.87, 8.0, 176.0, 2, 3, 3),
    (10, 37, 33, 4, 0.70, 16.0, 182.0, 3, 4, 3),
    (11, 31, 29, 2, 0.81, 11.0, 179.0, 3, 4, 4),
    (12, 20, 17, 3, 0.65, 19.0, 168.0, 2, 3, 1),
    (13, 22, 21, 1, 0.86, 7.0, 173.0, 2, 3, 3),
    (14, 32, 30, 2, 0.84, 9.0, 185.0, 3, 4, 4),
    (15, 30, 28, 2, 0.8, 10.0, 177.0, 3, 4, 3),
    (16, 22, 22, 0, 0.95, 5.0, 170.0, 2, 3, 3),
    (17, 13, 13, 0, 1.0, 3.0, 166.0, 1, 2, 2),
]


def sample_report() -> dict[str, Any]:
    intervals = [
        {
            "start": f"2026-12-07T{hour:02d}:00:00+00:00",
            "end": f"2026-12-07T{hour + 1:02d}:00:00+00:00",
            "offered": offered,
            "answered": answered,
            "abandoned": abandoned,
            "service_level": level,
            "asa_seconds": asa,
            "aht_seconds": aht,
            "staffing": {"needed": needed, "scheduled": scheduled, "logged_in": logged},
        }
        for hour, offered, answered, abandoned, level, asa, aht, needed, scheduled, logged in SAMPLE
    ]
    offered = sum(row[1] for row in SAMPLE)
    answered = sum(row[2] for row in SAMPLE)
    return {
        "timezone": "UTC",
        "from": "2026-12-07",
        "to": "2026-12-07",
        "queues": ["support"],
        "interval_minutes": 60,
        "service_level_seconds": 20,
        "offered": offered,
        "answered": answered,
        "abandoned": offered - answered,
        "abandon_rate": (offered - answered) / offered,
        "service_level": 0.81,
        "asa_seconds": 10.2,
        "aht_seconds": 176.0,
        "intervals": intervals,
    }


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtWidgets import QApplication

    from desktop.reports import report_view
    from desktop.widgets.reports import ReportsTab

    app = QApplication(sys.argv[:1])
    tab = ReportsTab()
    tab.resize(900, 460)
    tab.show_report(report_view(sample_report()))
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
