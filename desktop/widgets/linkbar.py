"""The top of the window: the link to the server, the server's link to the PBX, the
softphone's registration and who is signed in. Each state has its words and colour."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QWidget

from desktop.connection import LinkState
from desktop.controls import PbxNotice
from desktop.phonelegs import STATUS_COLOUR, PhoneStatus
from desktop.widgets.common import plain_label

LINK_TEXT = {
    LinkState.CONNECTING: ("Connecting...", "#fff3cd"),
    LinkState.CONNECTED: ("Connected", "#d4edda"),
    LinkState.RECONNECTING: ("Disconnected - reconnecting", "#f8d7da"),
    LinkState.REFUSED: ("Refused by the server", "#f8d7da"),
    LinkState.STOPPED: ("Not connected", "#e2e3e5"),
}
PBX_DOWN_STYLE = "background: #b71c1c; color: white; font-weight: bold; padding: 4px;"


class LinkBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = plain_label()
        self.link.setObjectName("link-state")
        self.pbx = plain_label()
        self.pbx.setObjectName("pbx-state")
        self.pbx.setStyleSheet(PBX_DOWN_STYLE)
        self.pbx.hide()
        self.phone_state = plain_label()
        self.phone_state.setObjectName("softphone-state")
        self.identity = plain_label()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.link, 1)
        row.addWidget(self.pbx, 1)
        row.addWidget(self.phone_state, 1)
        row.addWidget(self.identity)

    def show_link(self, state: str, detail: str) -> str:
        """Show the server link; returns its short text (the tray's tooltip)."""
        text, colour = LINK_TEXT.get(LinkState(state), (state, "#e2e3e5"))
        self.link.setText(f"{text}: {detail}" if detail else text)
        self.link.setStyleSheet(f"background: {colour}; padding: 4px;")
        self.link.setProperty("state", state)
        return text

    def show_pbx(self, notice: PbxNotice) -> None:
        self.pbx.setText(notice.text)
        self.pbx.setToolTip(notice.detail)
        self.pbx.setVisible(bool(notice.text))

    def show_phone(self, status: str, text: str) -> None:
        """The softphone's registration next to the connection state; hidden when off."""
        self.phone_state.setText(text)
        self.phone_state.setProperty("state", status)
        colour = STATUS_COLOUR.get(PhoneStatus(status), "#e2e3e5")
        self.phone_state.setStyleSheet(f"background: {colour}; padding: 4px;")
        self.phone_state.setVisible(status != PhoneStatus.OFF)
