"""Helpers every widget uses, so no caller text can ever be read as rich text."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QWidget

from desktop.controls import ControlState


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A QLabel that shows ``text`` literally: `<b>x</b>` stays `<b>x</b>`."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def apply_control(widget: QWidget, state: ControlState, tip: str = "") -> None:
    """Enable or disable a control; a disabled one says why in its tooltip."""
    widget.setEnabled(state.enabled)
    widget.setToolTip(tip if state.enabled else state.reason)
