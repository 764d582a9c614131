"""The supervisor's wallboard: queues, waiting callers and agents, live, and the actions on
the agent chosen in the list (listen, whisper, barge, force pause, unpause, log out).

It renders rows from `desktop.wallboard` and action states from `desktop.supervise`, and
emits `action_requested`; it never talks to the network.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cti.protocol import CMD_AGENT_PAUSE
from desktop.controls import ControlState
from desktop.interactionview import ChannelRow
from desktop.supervise import ACTION_LABELS, ACTION_TIPS, ACTIONS
from desktop.text import visible_text
from desktop.wallboard import AgentRow, QueueRow, WaitingRow
from desktop.widgets.common import FadingMessage, apply_control, plain_label
from desktop.widgets.tables import BoardTable

QUEUE_HEADERS = (
    "Queue",
    "Waiting",
    "Longest wait",
    "Service level",
    "Answered",
    "Abandoned",
    "Offered",
    "Agents",
)
WAITING_HEADERS = ("Queue", "Position", "Caller", "Waiting")
CHANNEL_HEADERS = ("Channel", "Waiting", "Oldest", "First-response target")
AGENT_HEADERS = ("Agent", "Extension", "State", "In state", "On a call with", "Queues")
CHANNEL_ROWS = ("email", "chat", "webform")
SECTION_HEIGHTS = [110, 140, 150, 200]  # queues, universal queue, waiting, agents: pixels
STATE_COLUMN = 2
LONGEST_COLUMN = 2
OLDEST_COLUMN = 2


def rows_height(table: BoardTable, rows: int) -> int:
    """Pixels that show the header and `rows` rows whole: every channel's line in view."""
    header = table.horizontalHeader().sizeHint().height()  # type: ignore[union-attr]
    row = table.verticalHeader().defaultSectionSize()  # type: ignore[union-attr]
    return header + rows * row + 2 * table.frameWidth() + 2


class Wallboard(QWidget):
    action_requested = pyqtSignal(str, str, str)  # action, agent key, pause reason
    agent_chosen = pyqtSignal(str)  # agent key, "" when none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queues = BoardTable(QUEUE_HEADERS)
        self.queues.setObjectName("wallboard-queues")
        self.channels = BoardTable(CHANNEL_HEADERS)
        self.channels.setObjectName("wallboard-universal-queue")
        self.channels.setMinimumHeight(rows_height(self.channels, len(CHANNEL_ROWS)))
        self.waiting = BoardTable(WAITING_HEADERS)
        self.waiting.setObjectName("wallboard-waiting")
        self.agents = BoardTable(AGENT_HEADERS)
        self.agents.setObjectName("wallboard-agents")
        self.chosen = plain_label("Choose an agent in the list")
        self.chosen.setObjectName("chosen-agent")
        self.reason = QComboBox()
        self.reason.setObjectName("force-pause-reason")
        self.buttons: dict[str, QPushButton] = {}
        for action in ACTIONS:
            button = QPushButton(ACTION_LABELS[action])
            button.setObjectName(action)
            button.clicked.connect(lambda _=False, a=action: self._act(a))
            self.buttons[action] = button
        self.result = FadingMessage()
        self.result.setObjectName("wallboard-result")
        self.agents.itemSelectionChanged.connect(
            lambda: self.agent_chosen.emit(self.agents.selected_key() or "")
        )
        self._build()

    def _build(self) -> None:
        split = QSplitter(Qt.Orientation.Vertical)
        for title, table in (
            ("Queues", self.queues),
            ("Universal queue: email, chat, web forms", self.channels),
            ("Waiting callers", self.waiting),
            ("Agents", self.agents),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(table)
            split.addWidget(box)
        split.setSizes(SECTION_HEIGHTS)  # agents get the most; the supervisor may drag
        split.setStretchFactor(3, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.chosen)
        actions.addStretch(1)
        for action in ACTIONS:
            actions.addWidget(self.buttons[action])
            if action == CMD_AGENT_PAUSE:
                actions.addWidget(self.reason)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        layout.addWidget(self.result)

    def _act(self, action: str) -> None:
        key = self.agents.selected_key()
        if key is None:
            self.result.show_message(False, "Choose an agent in the list first")
            return
        reason = self.reason.currentData()
        self.action_requested.emit(action, key, reason if isinstance(reason, str) else "")

    def show_board(
        self, queues: list[QueueRow], waiting: list[WaitingRow], agents: list[AgentRow]
    ) -> None:
        self.queues.fill(
            [
                (
                    row.queue,
                    (
                        row.queue,
                        row.waiting,
                        row.longest_wait,
                        row.service_level,
                        row.answered,
                        row.abandoned,
                        row.offered,
                        row.agents,
                    ),
                )
                for row in queues
            ]
        )
        for index, queue_row in enumerate(queues):
            self.queues.warn(index, LONGEST_COLUMN, queue_row.late)
        self.waiting.fill(
            [(row.call_id, (row.queue, row.position, row.caller, row.wait)) for row in waiting]
        )
        self.agents.fill(
            [
                (
                    row.key,
                    (row.name, row.extension, row.state, row.in_state, row.call_with, row.queues),
                )
                for row in agents
            ]
        )
        for index, agent_row in enumerate(agents):
            self.agents.tint(index, STATE_COLUMN, agent_row.colour)

    def show_channels(self, rows: list[ChannelRow]) -> None:
        """One line per channel; an oldest wait over its target in the alarm colour that
        a queue's longest wait past its service level has."""
        self.channels.fill(
            [(row.channel, (row.channel, row.waiting, row.oldest, row.target)) for row in rows]
        )
        for index, row in enumerate(rows):
            self.channels.warn(index, OLDEST_COLUMN, row.late)

    def show_actions(
        self, who: str, states: dict[str, ControlState], reasons: tuple[str, ...]
    ) -> None:
        self.chosen.setText(who or "Choose an agent in the list")
        shown = [self.reason.itemData(i) for i in range(self.reason.count())]
        if shown != list(reasons):
            self.reason.clear()
            for reason in reasons:
                self.reason.addItem(visible_text(reason), reason)
        for action, button in self.buttons.items():
            apply_control(button, states.get(action, ControlState(False)), ACTION_TIPS[action])
        self.reason.setEnabled(self.buttons[CMD_AGENT_PAUSE].isEnabled())

    def show_result(self, ok: bool, text: str) -> None:
        self.result.show_message(ok, text)
