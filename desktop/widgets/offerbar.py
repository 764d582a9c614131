"""The offer at the top of an interaction card: what came in, Accept and Decline, and
the time left to accept (counted to the broker's `offer_expires_at`)."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.widgets.common import plain_label


class OfferBar(QFrame):
    accept_requested = pyqtSignal()
    decline_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offer-bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#offer-bar { background: #fff3cd; }")
        self.preview = plain_label(wrap=True)
        self.preview.setObjectName("offer-preview")
        self.countdown = plain_label()
        self.countdown.setObjectName("offer-countdown")
        self.countdown.setStyleSheet("font-weight: bold; color: #b00020;")
        self.accept = QPushButton("Accept")
        self.accept.setObjectName("offer-accept")
        self.accept.setToolTip("Take it: it is yours until you close it")
        self.decline = QPushButton("Decline")
        self.decline.setObjectName("offer-decline")
        self.decline.setToolTip("Pass it on: it goes to another agent")
        self.accept.clicked.connect(self.accept_requested)
        self.decline.clicked.connect(self.decline_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.countdown)
        buttons.addStretch(1)
        buttons.addWidget(self.decline)
        buttons.addWidget(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)

    def show_offer(self, preview: str, countdown: str) -> None:
        self.preview.setText(preview)
        self.show_countdown(countdown)

    def show_countdown(self, countdown: str) -> None:
        self.countdown.setText(countdown)

    def set_busy(self, busy: bool) -> None:
        """While an accept or decline is on its way: one click, one command."""
        self.accept.setEnabled(not busy)
        self.decline.setEnabled(not busy)
