"""Read-only tables the wallboard refills once a second without flicker: a cell is only
touched when its text changes, and the chosen row stays chosen by its key."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

KEY_ROLE = Qt.ItemDataRole.UserRole
ROW_PADDING_PX = 8  # compact rows: a wallboard shows many at once


class BoardTable(QTableWidget):
    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rows = self.verticalHeader()
        rows.setVisible(False)  # type: ignore[union-attr]
        rows.setDefaultSectionSize(self.fontMetrics().height() + ROW_PADDING_PX)  # type: ignore[union-attr]
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # type: ignore[union-attr]
        header.setStretchLastSection(True)  # type: ignore[union-attr]

    def fill(self, rows: Sequence[tuple[str, Sequence[str]]]) -> None:
        """`rows`: (key, cell texts). Keeps the row whose key was selected selected."""
        chosen = self.selected_key()
        blocked = self.blockSignals(True)
        try:
            self.setRowCount(len(rows))
            for row, (key, cells) in enumerate(rows):
                for column, text in enumerate(cells):
                    self._cell(row, column, text).setData(KEY_ROLE, key)
            self.clearSelection()
            keys = [key for key, _ in rows]
            if chosen in keys:
                self.selectRow(keys.index(chosen))
        finally:
            self.blockSignals(blocked)
        if chosen is not None and chosen not in [key for key, _ in rows]:
            self.itemSelectionChanged.emit()  # the chosen one is gone: listeners must know

    def _cell(self, row: int, column: int, text: str) -> QTableWidgetItem:
        item = self.item(row, column)
        if item is None:
            item = QTableWidgetItem(text)
            self.setItem(row, column, item)
        elif item.text() != text:
            item.setText(text)
        return item

    def tint(self, row: int, column: int, colour: str | None) -> None:
        item = self.item(row, column)
        if item is not None:
            item.setBackground(QBrush(QColor(colour)) if colour else QBrush())

    def warn(self, row: int, column: int, on: bool) -> None:
        item = self.item(row, column)
        if item is not None:
            item.setForeground(QBrush(QColor("#b71c1c")) if on else QBrush())

    def selected_key(self) -> str | None:
        rows = self.selectionModel().selectedRows()  # type: ignore[union-attr]
        if not rows:
            return None
        key = rows[0].data(KEY_ROLE)
        return key if isinstance(key, str) else None

    def row_of(self, key: str) -> int:
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item is not None and item.data(KEY_ROLE) == key:
                return row
        return -1
