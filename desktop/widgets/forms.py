"""The two forms of a pop card: "Create contact" for an unknown caller, and the
after-call note. They collect input and emit it; the controller saves it."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desktop.api import ContactDraft
from desktop.widgets.common import plain_label


class ContactForm(QGroupBox):
    submitted = pyqtSignal(object)  # ContactDraft

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Unknown caller - create contact", parent)
        self.name = QLineEdit()
        self.company = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma separated")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(50)
        self.save = QPushButton("Create contact")
        self.result = plain_label(wrap=True)
        form = QFormLayout(self)
        for label, field in (
            ("Name", self.name),
            ("Company", self.company),
            ("Email", self.email),
            ("Phone", self.phone),
            ("Tags", self.tags),
            ("Notes", self.notes),
        ):
            form.addRow(plain_label(label), field)
        form.addRow(self.save)
        form.addRow(self.result)
        self.save.clicked.connect(self._submit)

    def prefill(self, number: str) -> None:
        if not self.phone.text():
            self.phone.setText(number)

    def _submit(self) -> None:
        name = self.name.text().strip()
        if not name:
            self.show_result(False, "A contact needs a name")
            return
        phone = self.phone.text().strip()
        tags = tuple(tag.strip() for tag in self.tags.text().split(",") if tag.strip())
        draft = ContactDraft(
            name=name,
            company=self.company.text().strip(),
            email=self.email.text().strip(),
            notes=self.notes.toPlainText().strip(),
            tags=tags,
            phones=((phone, "phone"),) if phone else (),
        )
        self.save.setEnabled(False)
        self.result.setText("Saving...")
        self.submitted.emit(draft)

    def show_result(self, ok: bool, text: str) -> None:
        self.save.setEnabled(not ok)
        self.result.setText(text)


class AfterCallForm(QGroupBox):
    submitted = pyqtSignal(str, str)  # disposition, notes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("After the call", parent)
        self.disposition = QComboBox()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.notes.setTabChangesFocus(True)  # type, Tab, Space: filed without the mouse
        self.save = QPushButton("Save note")
        self.result = plain_label(wrap=True)
        form = QFormLayout(self)
        form.addRow(plain_label("Outcome"), self.disposition)
        form.addRow(plain_label("Notes"), self.notes)
        form.addRow(self.save)
        form.addRow(self.result)
        self.save.clicked.connect(self._submit)

    def set_dispositions(self, dispositions: tuple[str, ...]) -> None:
        current = [self.disposition.itemText(i) for i in range(self.disposition.count())]
        if current != list(dispositions):
            self.disposition.clear()
            self.disposition.addItems(list(dispositions))
        if not dispositions:
            self.save.setEnabled(False)
        self.save.setToolTip("" if dispositions else "The server lists no outcomes")

    def set_filed(self, filed: bool) -> None:
        """Once saved, the note stays on screen but cannot be sent twice."""
        self.disposition.setEnabled(not filed)
        self.notes.setReadOnly(filed)
        if filed:
            self.save.setEnabled(False)

    def _submit(self) -> None:
        self.save.setEnabled(False)
        self.result.setText("Saving...")
        self.submitted.emit(self.disposition.currentText(), self.notes.toPlainText().strip())

    def show_result(self, ok: bool, text: str) -> None:
        self.save.setEnabled(not ok)
        self.result.setText(text)
