"""An unknown sender's contact, from the interaction card: search the directory and link
a contact found, or create a new one (name, email, phone) that is then linked."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.api import ContactDraft
from desktop.popview import match_label
from desktop.widgets.common import plain_label


class ContactLinker(QGroupBox):
    search_requested = pyqtSignal(str)  # query
    link_requested = pyqtSignal(int)  # contact id
    create_requested = pyqtSignal(object)  # ContactDraft

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Unknown sender - link or create a contact", parent)
        self.query = QLineEdit()
        self.query.setObjectName("link-query")
        self.query.setPlaceholderText("name, email or number")
        self.search = QPushButton("Search")
        self.found = QComboBox()
        self.found.setObjectName("link-found")
        self.link = QPushButton("Link")
        self.link.setEnabled(False)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.create_contact = QPushButton("Create contact")
        self.result = plain_label(wrap=True)
        self.result.setObjectName("link-result")
        search_row = QHBoxLayout()
        search_row.addWidget(self.query, 1)
        search_row.addWidget(self.search)
        link_row = QHBoxLayout()
        link_row.addWidget(self.found, 1)
        link_row.addWidget(self.link)
        form = QFormLayout(self)
        form.addRow(plain_label("Find"), search_row)
        form.addRow(plain_label("Found"), link_row)
        for label, field in (("Name", self.name), ("Email", self.email), ("Phone", self.phone)):
            form.addRow(plain_label(label), field)
        form.addRow(self.create_contact)
        form.addRow(self.result)
        self.search.clicked.connect(self._search)
        self.query.returnPressed.connect(self._search)
        self.link.clicked.connect(self._link)
        self.create_contact.clicked.connect(self._create)

    def prefill(self, sender: str) -> None:
        """The sender's address or name, once: what the agent typed is never replaced."""
        if not sender or self.name.text() or self.email.text():
            return
        if "@" in sender:
            self.email.setText(sender)
        else:
            self.name.setText(sender)
        self.query.setText(sender)

    def _search(self) -> None:
        query = self.query.text().strip()
        if not query:
            self.show_result(False, "Type a name, email or number to search")
            return
        self.result.setText("Searching...")
        self.search_requested.emit(query)

    def show_found(self, contacts: list[dict[str, Any]], error: str) -> None:
        self.found.clear()
        for contact in contacts:
            if isinstance(contact.get("id"), int):
                self.found.addItem(match_label(contact), contact["id"])
        self.link.setEnabled(self.found.count() > 0)
        if error:
            self.show_result(False, f"Search failed: {error}")
        else:
            count = self.found.count()
            self.result.setText(f"{count} contact{'' if count == 1 else 's'} found")

    def _link(self) -> None:
        contact_id = self.found.currentData()
        if isinstance(contact_id, int):
            self.link_requested.emit(contact_id)

    def _create(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.show_result(False, "A contact needs a name")
            return
        phone = self.phone.text().strip()
        self.create_requested.emit(
            ContactDraft(
                name=name,
                email=self.email.text().strip(),
                phones=((phone, "mobile"),) if phone else (),
            )
        )

    def show_result(self, ok: bool, text: str) -> None:
        self.result.setStyleSheet("" if ok else "color: #b71c1c;")
        self.result.setText(text)
