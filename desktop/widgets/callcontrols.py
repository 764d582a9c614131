"""The buttons of one call. Each is enabled only when `ControlState` says so; a
disabled one tells why in its tooltip. Pressing one emits the command to send."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.controls import CONTROL_LABELS, TRANSFER_CANCEL, TRANSFER_COMPLETE, ControlState
from desktop.widgets.common import FadingMessage, apply_control, fits_text, plain_label

TRANSFER_MODES = (("Blind", "blind"), ("Attended", "attended"))
TARGET_HINT = "extension or number"


class CallControls(QWidget):
    command_requested = pyqtSignal(str, dict)  # command name, args without call_id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name in (CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_HANGUP):
            button = QPushButton(CONTROL_LABELS[name])
            button.setObjectName(name)
            button.clicked.connect(lambda _=False, n=name: self.command_requested.emit(n, {}))
            self.buttons[name] = button
            row.addWidget(button)
        transfer_row = QHBoxLayout()
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.lineEdit().setPlaceholderText(TARGET_HINT)  # type: ignore[union-attr]
        self.target.setMinimumWidth(fits_text(self.target, TARGET_HINT))
        self.mode = QComboBox()
        for label, mode in TRANSFER_MODES:
            self.mode.addItem(label, mode)
        transfer = QPushButton(CONTROL_LABELS[CMD_TRANSFER])
        transfer.setObjectName(CMD_TRANSFER)
        transfer.clicked.connect(self._transfer)
        self.buttons[CMD_TRANSFER] = transfer
        for widget in (plain_label("Transfer to"), self.target, self.mode, transfer):
            transfer_row.addWidget(widget)
        # A row of their own: next to the transfer picker they would widen the card
        # past a small window (the buttons above then scroll out of sight).
        steps_row = QHBoxLayout()
        for name, label, action in (
            (TRANSFER_COMPLETE, "Complete transfer", "complete"),
            (TRANSFER_CANCEL, "Cancel transfer", "cancel"),
        ):
            step = QPushButton(label)
            step.setObjectName(name)
            step.clicked.connect(
                lambda _=False, a=action: self.command_requested.emit(CMD_TRANSFER, {"action": a})
            )
            self.buttons[name] = step
            steps_row.addWidget(step)
        steps_row.addStretch(1)
        self.result = FadingMessage()
        self.result.setObjectName("result")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(transfer_row)
        layout.addLayout(steps_row)
        layout.addWidget(self.result)

    def set_targets(self, targets: list[str]) -> None:
        """Offer known extensions in the picker; any other number can still be typed."""
        typed = self.target.currentText()
        self.target.clear()
        self.target.addItems(targets)
        self.target.setEditText(typed)

    def _transfer(self) -> None:
        target = self.target.currentText().strip()
        if not target:
            self.show_result(False, "Transfer: choose an extension or type a number first")
            return
        self.command_requested.emit(CMD_TRANSFER, {"to": target, "mode": self.mode.currentData()})

    def show_states(self, states: dict[str, ControlState]) -> None:
        for name, button in self.buttons.items():
            state = states.get(name, ControlState(False, "Not available"))
            apply_control(button, state)
        transfer = states.get(CMD_TRANSFER, ControlState(False))
        self.target.setEnabled(transfer.enabled)
        self.mode.setEnabled(transfer.enabled)
        consulting = states.get(TRANSFER_COMPLETE, ControlState(False)).enabled
        for name in (TRANSFER_COMPLETE, TRANSFER_CANCEL):
            self.buttons[name].setVisible(consulting)

    def show_result(self, ok: bool, text: str) -> None:
        self.result.show_message(ok, text)

    def press(self, name: str) -> bool:
        """Press a button as the keyboard shortcut does: only when it is enabled."""
        button = self.buttons.get(name)
        if button is None or not button.isEnabled():
            return False
        button.click()
        return True


def with_call(call_id: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"call_id": call_id, **args}
