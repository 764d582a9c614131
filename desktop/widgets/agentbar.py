"""The agent's state bar: the state with its time, the wrap-up countdown, and the state
selector (Available, Pause with a reason, Do not disturb, Log out). It renders a
`StatusView` and emits the agent's choice; the answer comes back to `show_result`."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.agentview import (
    CHOOSE_AVAILABLE,
    CHOOSE_DND,
    CHOOSE_LOGOUT,
    CHOOSE_PAUSE,
    StatusView,
)
from desktop.controls import ControlState
from desktop.text import visible_text
from desktop.widgets.common import FadingMessage, apply_control, plain_label

CHOICE_LABELS = (
    (CHOOSE_AVAILABLE, "Available"),
    (CHOOSE_PAUSE, "Pause"),
    (CHOOSE_DND, "Do not disturb"),
    (CHOOSE_LOGOUT, "Log out"),
)
CHOICE_TIPS = {
    CHOOSE_AVAILABLE: (
        "Log in to your queues, or end a pause, wrap-up or do not disturb:"
        " calls, emails, chats and web forms come to you"
    ),
    CHOOSE_PAUSE: (
        "Stop queue calls and new emails, chats and web forms, with the reason chosen next to it"
    ),
    CHOOSE_DND: "Stop queue calls; colleagues see you as do not disturb",
    CHOOSE_LOGOUT: "Leave your queues",
}


class AgentBar(QFrame):
    choice_requested = pyqtSignal(str, str)  # choice, pause reason

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.state = plain_label()
        self.state.setObjectName("agent-state")
        font = QFont(self.state.font())
        font.setBold(True)
        self.state.setFont(font)
        self.timer = plain_label()
        self.timer.setObjectName("agent-state-timer")
        self.timer.setToolTip("Time in this state")
        self.wrapup = plain_label()
        self.wrapup.setObjectName("wrapup-countdown")
        self.wrapup.setStyleSheet("color: #6a1b9a; font-weight: bold;")
        self.waiting = plain_label()
        self.waiting.setObjectName("queue-waiting")
        self.held = plain_label()
        self.held.setObjectName("interactions-held")
        self.held.setToolTip(
            "Emails, chats and web forms you hold. Your state covers every channel:"
            " while paused you get neither queue calls nor new ones"
        )
        self.reason = QComboBox()
        self.reason.setObjectName("pause-reason")
        self.reason.setToolTip("Reason for the pause")
        self.buttons: dict[str, QPushButton] = {}
        for choice, label in CHOICE_LABELS:
            button = QPushButton(label)
            button.setObjectName(f"choose-{choice}")
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            self.buttons[choice] = button
        self.result = FadingMessage()
        self.result.setObjectName("agent-result")
        self._build()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(10)
        for widget in (self.state, self.timer, self.wrapup, self.held):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.buttons[CHOOSE_AVAILABLE])
        top.addWidget(self.buttons[CHOOSE_PAUSE])
        top.addWidget(self.reason)
        top.addWidget(self.buttons[CHOOSE_DND])
        top.addWidget(self.buttons[CHOOSE_LOGOUT])
        bottom = QHBoxLayout()
        bottom.addWidget(self.waiting)
        bottom.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)

    def _choose(self, choice: str) -> None:
        reason = self.reason.currentData() if choice == CHOOSE_PAUSE else ""
        self.choice_requested.emit(choice, reason if isinstance(reason, str) else "")

    def show_view(self, view: StatusView) -> None:
        self.setVisible(view.visible)
        if not view.visible:
            return
        self.state.setText(view.text)
        self.state.setProperty("state", view.state)
        self.state.setStyleSheet(f"background: {view.colour}; padding: 3px 8px;")
        self.timer.setText(view.timer)
        self.wrapup.setText(view.wrapup)
        self.wrapup.setVisible(bool(view.wrapup))
        self.waiting.setText(view.waiting)
        self.waiting.setVisible(bool(view.waiting))
        self._show_reasons(view.reasons)
        self.buttons[CHOOSE_DND].setText(view.dnd_label)
        for choice, button in self.buttons.items():
            apply_control(
                button, view.choices.get(choice, ControlState(False)), CHOICE_TIPS[choice]
            )
        self.reason.setEnabled(self.buttons[CHOOSE_PAUSE].isEnabled())

    def show_held(self, text: str) -> None:
        """ "chat 2 · email 1": what the agent holds beside calls; hidden for nothing."""
        self.held.setText(text)
        self.held.setVisible(bool(text))

    def _show_reasons(self, reasons: tuple[str, ...]) -> None:
        shown = [self.reason.itemData(i) for i in range(self.reason.count())]
        if shown == list(reasons):
            return
        chosen = self.reason.currentData()
        self.reason.clear()
        for reason in reasons:
            self.reason.addItem(visible_text(reason), reason)
        if chosen in reasons:
            self.reason.setCurrentIndex(reasons.index(chosen))

    def show_result(self, ok: bool, text: str) -> None:
        self.result.show_message(ok, text)
