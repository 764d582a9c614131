"""Helpers every widget uses, so no caller text can ever be read as rich text."""

from __future__ import annotations

from PyQt6.QtCore import QPropertyAnimation, Qt, QTimer
from PyQt6.QtWidgets import QGraphicsOpacityEffect, QLabel, QWidget

from desktop.controls import ControlState

TEXT_BOX_EXTRA_PX = 48  # frame, text margins and a combo box's arrow, with room to spare


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A QLabel that shows ``text`` literally: `<b>x</b>` stays `<b>x</b>`."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def fits_text(widget: QWidget, text: str) -> int:
    """A width at which `widget` (a line edit or an editable combo box, frame, margins and
    drop-down arrow included) shows `text` whole, in the widget's own font."""
    return widget.fontMetrics().horizontalAdvance(text) + TEXT_BOX_EXTRA_PX


def apply_control(widget: QWidget, state: ControlState, tip: str = "") -> None:
    """Enable or disable a control; a disabled one says why in its tooltip."""
    widget.setEnabled(state.enabled)
    widget.setToolTip(tip if state.enabled else state.reason)


class FadingMessage(QLabel):
    """A command's result line: it stays long enough to be read (a failure longer),
    then fades out and clears, so an old message is never taken for news."""

    SHOW_MS = 10_000
    SHOW_FAILURE_MS = 30_000
    FADE_MS = 1_000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setWordWrap(True)
        self.opacity = QGraphicsOpacityEffect(self)
        self.opacity.setOpacity(1.0)
        self.setGraphicsEffect(self.opacity)
        self.fade = QPropertyAnimation(self.opacity, b"opacity", self)
        self.fade.setStartValue(1.0)
        self.fade.setEndValue(0.0)
        self.fade.finished.connect(self._faded)
        self.hold = QTimer(self)
        self.hold.setSingleShot(True)
        self.hold.timeout.connect(self._fade_out)

    def show_message(self, ok: bool, text: str) -> None:
        self.fade.stop()
        self.opacity.setOpacity(1.0)
        self.setProperty("ok", ok)
        self.setStyleSheet("color: #1b5e20;" if ok else "color: #b71c1c;")
        self.setText(text)
        self.hold.start(self.SHOW_MS if ok else self.SHOW_FAILURE_MS)

    def show_note(self, text: str) -> None:
        """Progress or a count ("Searching..."): neutral, and it stays until replaced."""
        self.hold.stop()
        self.fade.stop()
        self.opacity.setOpacity(1.0)
        self.setStyleSheet("")
        self.setText(text)

    def _fade_out(self) -> None:
        self.fade.setDuration(self.FADE_MS)
        self.fade.start()

    def _faded(self) -> None:
        self.clear()
        self.opacity.setOpacity(1.0)
