"""Tray icon and ring notification, only where the platform has a system tray."""

from __future__ import annotations

import html
import sys

from PyQt6.QtGui import QIcon
from PyQt6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget


class RingNotifier:
    """`notify` shows a system notification; without a tray (offscreen, bare X) it is a no-op."""

    def __init__(self, parent: QWidget) -> None:
        self.tray: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        style = QApplication.style()
        icon = (
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            if style is not None
            else QIcon()
        )
        self.tray = QSystemTrayIcon(icon, parent)
        self.tray.setToolTip("CTI desktop")
        self.tray.activated.connect(lambda _reason: _raise(parent))
        self.tray.show()

    @property
    def available(self) -> bool:
        return self.tray is not None

    def notify(self, title: str, text: str) -> bool:
        if self.tray is None or not QSystemTrayIcon.supportsMessages():
            return False
        self.tray.showMessage(
            notification_text(title),
            notification_text(text),
            QSystemTrayIcon.MessageIcon.Information,
            5000,
        )
        return True

    def set_status(self, text: str) -> None:
        if self.tray is not None:
            self.tray.setToolTip(f"CTI desktop - {text}")


def _raise(window: QWidget) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()


def notification_text(text: str) -> str:
    """Freedesktop notification servers read markup in the body: escape it so a caller
    name shows literally (`text` is already free of control characters)."""
    return html.escape(text, quote=False) if sys.platform.startswith("linux") else text
