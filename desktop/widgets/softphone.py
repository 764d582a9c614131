"""The "Softphone..." dialog: the agent's own SIP account for the built-in softphone.

It only edits and validates the settings; the window hands the result to the
controller's phone bridge, which registers.
"""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from desktop.phoneprefs import SoftphoneSettings, load_softphone, password_note, save_softphone
from desktop.prefs import DesktopPrefs
from desktop.softphone import SoftphoneError
from desktop.widgets.common import plain_label

MISSING_EXTRA = (
    "The softphone extra (pjsua2-python) is not installed: calls are handled on your desk "
    "phone. Install cti-screenpop[softphone] to use the built-in softphone."
)


class SoftphoneDialog(QDialog):
    def __init__(self, prefs: DesktopPrefs, available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.setWindowTitle("Softphone - CTI desktop")
        current = load_softphone(prefs)
        self.enabled = QCheckBox("Use the built-in softphone instead of a desk phone")
        self.enabled.setChecked(current.enabled and available)
        self.enabled.setEnabled(available)
        self.enabled.setToolTip("" if available else MISSING_EXTRA)
        self.sip_uri = QLineEdit(current.sip_uri)
        self.sip_uri.setPlaceholderText("sip:1001@pbx.example.com")
        self.registrar = QLineEdit(current.registrar)
        self.registrar.setPlaceholderText("sip:pbx.example.com (empty: no registration)")
        self.username = QLineEdit(current.username)
        self.password = QLineEdit(current.password)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.bind_address = QLineEdit(current.bind_address)
        self.note = plain_label(password_note(prefs), wrap=True)
        self.missing = plain_label("" if available else MISSING_EXTRA, wrap=True)
        self.missing.setVisible(not available)
        self.problem = plain_label(wrap=True)
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b71c1c;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.missing)
        form.addRow(self.enabled)
        for label, field in (
            ("SIP address", self.sip_uri),
            ("Registrar", self.registrar),
            ("User name", self.username),
            ("Password", self.password),
            ("Listen on", self.bind_address),
        ):
            form.addRow(plain_label(label), field)
        form.addRow(self.note)
        form.addRow(self.problem)
        form.addRow(buttons)

    def settings(self) -> SoftphoneSettings:
        return SoftphoneSettings(
            enabled=self.enabled.isChecked(),
            sip_uri=self.sip_uri.text().strip(),
            registrar=self.registrar.text().strip(),
            username=self.username.text().strip(),
            password=self.password.text(),
            bind_address=self.bind_address.text().strip(),
        )

    def accept(self) -> None:
        settings = self.settings()
        if settings.enabled:
            try:
                settings.account()
            except SoftphoneError as error:
                self.problem.setText(error.message)
                return
        try:
            save_softphone(self.prefs, settings)
        except Exception as exc:  # a keyring that refuses must not lose the other settings
            self.problem.setText(f"Could not store the password: {exc.__class__.__name__}")
            return
        super().accept()
