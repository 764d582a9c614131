"""First run: the agent gives the server address and their token."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from desktop.prefs import DesktopPrefs
from desktop.widgets.common import fits_text, plain_label

DEFAULT_URL = "http://127.0.0.1:8765"
ROOM_FOR = "https://cti-broker.example.com:8765"  # the URL field shows one this long whole


class SignInDialog(QDialog):
    def __init__(self, prefs: DesktopPrefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.setWindowTitle("Sign in - CTI desktop")
        self.url = QLineEdit(prefs.server_url or DEFAULT_URL)
        self.url.setMinimumWidth(fits_text(self.url, ROOM_FOR))
        self.url.setCursorPosition(0)  # the start of an address says most: show it first
        self.token = QLineEdit(prefs.token(prefs.server_url) if prefs.server_url else "")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = plain_label(prefs.token_note, wrap=True)
        self.problem = plain_label(wrap=True)
        self.problem.setStyleSheet("color: #b71c1c;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(plain_label("Server address"), self.url)
        form.addRow(plain_label("Agent token"), self.token)
        form.addRow(self.note)
        form.addRow(self.problem)
        form.addRow(buttons)

    def accept(self) -> None:
        url, token = self.url.text().strip(), self.token.text().strip()
        if not url or not token:
            self.problem.setText("Both the server address and the token are needed.")
            return
        try:
            self.prefs.remember(url, token)
        except Exception as exc:  # a keyring that refuses must not lose the sign-in
            self.problem.setText(f"Could not store the token: {exc.__class__.__name__}")
            return
        super().accept()

    def credentials(self) -> tuple[str, str]:
        return self.url.text().strip(), self.token.text().strip()
