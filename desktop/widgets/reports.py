"""The supervisor's Reports tab: today by interval with the staffing next to who was
logged in, a total row, a caption saying what the figures mean, a refresh button, and a
button opening the HTML report in the browser.

It renders `ReportView`s and emits what the supervisor asked for; `ReportsPane` wires it
to the `ReportsDesk` and refreshes it every minute while it exists.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.reports import COLUMNS, ReportRow, ReportView

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
SHORT_COLOUR = QColor("#fde2e1")  # an interval with fewer agents logged in than needed


class ReportsTab(QWidget):
    refresh_requested = pyqtSignal()
    page_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reports")
        self.title = QLabel("Today")
        self.title.setObjectName("reportTitle")
        self.caption = QLabel("Loading…")
        self.caption.setObjectName("reportCaption")
        self.caption.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Refresh")
        self.page_button = QPushButton("Open HTML report")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        header = self.table.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for wide in (0, 3):  # "10:00-10:30 so far", "Abandoned (short)": never cut
            header.setSectionResizeMode(wide, QHeaderView.ResizeMode.ResizeToContents)
        self._build()
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.page_button.clicked.connect(self.page_requested)

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.page_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.status)

    def show_report(self, view: ReportView) -> None:
        self.title.setText(f"Today: {view.title}")
        self.caption.setText(view.caption)
        self.status.setText("" if view.rows else "No calls and no agent yet today.")
        lines = (*view.rows, view.total)
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            self._show_row(row, line, total=line is view.total)

    def _show_row(self, row: int, line: ReportRow, total: bool) -> None:
        for column, text in enumerate(line.cells()):
            item = QTableWidgetItem(text)
            if column:  # figures line up on the right
                item.setTextAlignment(RIGHT)
            if total:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            if line.short:
                item.setBackground(SHORT_COLOUR)
                item.setToolTip("Fewer agents logged in than Erlang C needs")
            self.table.setItem(row, column, item)

    def show_error(self, text: str) -> None:
        """The last report stays on screen; the line under it says what went wrong."""
        self.status.setText(text)

    def row_texts(self, row: int) -> list[str]:
        return [
            item.text() if (item := self.table.item(row, column)) is not None else ""
            for column in range(self.table.columnCount())
        ]
