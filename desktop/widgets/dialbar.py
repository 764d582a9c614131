"""Dial a number, or find a contact and dial one of their numbers (click-to-dial)."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.controls import ControlState
from desktop.text import visible_text
from desktop.widgets.common import FadingMessage, apply_control


def phone_numbers(contact: dict[str, Any]) -> list[tuple[str, str]]:
    """(number to dial, label) of a contact as GET /api/contacts/{id} returns it."""
    out = []
    for phone in contact.get("phones") or []:
        if not isinstance(phone, dict):
            continue
        number = phone.get("e164") or phone.get("number_e164") or phone.get("number")
        number = number or phone.get("raw")
        if isinstance(number, str) and number:
            out.append((number, str(phone.get("label") or "")))
    return out


class DialBar(QWidget):
    dial_requested = pyqtSignal(str)
    search_requested = pyqtSignal(str)
    contact_requested = pyqtSignal(int)  # contact id whose numbers to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = QLineEdit()
        self.number.setPlaceholderText("Number to dial")
        self.dial = QPushButton("Dial")
        self.dial.setObjectName("call.dial")
        self.query = QLineEdit()
        self.query.setPlaceholderText("Find a contact to call")
        self.find_button = QPushButton("Find")
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        self.result = FadingMessage()
        self.result.setObjectName("dial-result")
        top = QHBoxLayout()
        for widget in (self.number, self.dial, self.query, self.find_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.results)
        layout.addWidget(self.result)
        self.results.hide()
        self.dial.clicked.connect(self._dial_typed)
        self.number.returnPressed.connect(self._dial_typed)
        self.find_button.clicked.connect(self._search)
        self.query.returnPressed.connect(self._search)
        self.results.itemActivated.connect(self._dial_item)
        self._dial_state = ControlState(False, "Not connected to the server")

    def _dial_typed(self) -> None:
        number = self.number.text().strip()
        if number and self._dial_state.enabled:
            self.dial_requested.emit(number)

    def _search(self) -> None:
        query = self.query.text().strip()
        if query:
            self.result.show_note("Searching...")
            self.search_requested.emit(query)

    def _dial_item(self, item: QListWidgetItem | None) -> None:
        """A number row dials it; a contact row (search gave no numbers) loads them."""
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(data, str) and self._dial_state.enabled:
            self.dial_requested.emit(data)
        elif isinstance(data, int):
            self.result.show_note("Loading numbers...")
            self.contact_requested.emit(data)

    def show_contacts(self, contacts: list[dict[str, Any]], error: str) -> None:
        """One row per phone number of each contact found; activating a row dials it."""
        self.results.clear()
        for contact in contacts:
            name = visible_text(contact.get("name")) or "(no name)"
            phones = phone_numbers(contact)
            if not phones:
                item = QListWidgetItem(f"{name} - choose to see the numbers")
                item.setData(Qt.ItemDataRole.UserRole, contact.get("id"))
                self.results.addItem(item)
            for number, label in phones:
                text = f"Call {name}  {visible_text(number)}"
                item = QListWidgetItem(f"{text} ({visible_text(label)})" if label else text)
                item.setData(Qt.ItemDataRole.UserRole, number)
                self.results.addItem(item)
        self.results.setVisible(self.results.count() > 0)
        self.result.show_note(error or f"{len(contacts)} contact(s) found")

    def show_state(self, state: ControlState) -> None:
        self._dial_state = state
        apply_control(self.dial, state)

    def show_result(self, ok: bool, text: str) -> None:
        self.result.show_message(ok, text)
