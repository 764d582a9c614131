"""The agent's calls down the side of the window, one line each.

A line says state and time first, then who: a line too long for the column is elided
(…) with the whole line in its tooltip, and the list never scrolls sideways.
"""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QSize, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

CALL_ID_ROLE = Qt.ItemDataRole.UserRole
LIST_WIDTH = 260


class FitWidth(QStyledItemDelegate):
    """Items never wider than the list: QListView lays each item out at its text's full
    width (then scrolls sideways); capped, the delegate elides the text instead."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        viewport = self.view.viewport()
        if viewport is not None:
            size.setWidth(min(size.width(), viewport.width()))
        return size


class CallList(QListWidget):
    call_chosen = pyqtSignal(str)  # call_id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumWidth(LIST_WIDTH)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setWordWrap(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # re-fit the lines on resize
        self.setItemDelegate(FitWidth(self))
        self.itemActivated.connect(self._chosen)

    def show_calls(self, entries: list[tuple[str, str]]) -> None:
        """(call_id, line) in order. Lines change in place once a second (timers), so
        the agent's selection stays; the items are rebuilt only when calls come or go."""
        if self.call_ids() != [call_id for call_id, _ in entries]:
            self.clear()
            for call_id, _ in entries:
                fresh = QListWidgetItem()
                fresh.setData(CALL_ID_ROLE, call_id)
                self.addItem(fresh)
        for row, (_, line) in enumerate(entries):
            item = self.item(row)
            if item is not None and item.text() != line:
                item.setText(line)
                item.setToolTip(line)

    def call_ids(self) -> list[str]:
        items = (self.item(row) for row in range(self.count()))
        return [str(item.data(CALL_ID_ROLE)) for item in items if item is not None]

    def _chosen(self, item: QListWidgetItem | None) -> None:
        call_id = item.data(CALL_ID_ROLE) if item is not None else None
        if isinstance(call_id, str):
            self.call_chosen.emit(call_id)
