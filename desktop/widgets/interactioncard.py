"""One email thread, chat or web form in the deck beside the call cards: the offer, the
customer and their history on every channel, the thread, the reply box and Close with a
disposition. It renders a `CardView` and emits what the agent asks for.

The agent's typing state goes out debounced: "on" at the first key, "off" once the
agent has stopped typing for `TYPING_IDLE_MS` or sent the reply.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.interactionview import CardView, ThreadEntry
from desktop.text import visible_text
from desktop.widgets.common import FadingMessage, plain_label
from desktop.widgets.contactlink import ContactLinker
from desktop.widgets.offerbar import OfferBar

TYPING_IDLE_MS = 3000
THREAD_STYLE = {True: "background: #e8f0fe;", False: "background: #f5f5f5;"}  # out / in


class ThreadItem(QFrame):
    """One message: who and when, its text, its attachments (listed, never opened; the
    ones the server kept can be saved to a file)."""

    save_requested = pyqtSignal(object)  # SavedFile

    def __init__(self, entry: ThreadEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(THREAD_STYLE[entry.outgoing])
        self.header = plain_label(entry.header)
        font = QFont(self.header.font())
        font.setBold(True)
        self.header.setFont(font)
        self.text = plain_label(entry.text, wrap=True)
        self.files = plain_label("\n".join(("Attachments:", *entry.files)), wrap=True)
        self.files.setVisible(bool(entry.files))
        layout = QVBoxLayout(self)
        for widget in (self.header, self.text, self.files):
            layout.addWidget(widget)
        self.save_buttons: list[QPushButton] = []
        buttons = QHBoxLayout()
        for saved in entry.saved:
            button = QPushButton(f"Save {visible_text(saved.filename)}...")
            button.clicked.connect(lambda _=False, f=saved: self.save_requested.emit(f))
            self.save_buttons.append(button)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)


class InteractionCard(QWidget):
    accept_requested = pyqtSignal(str)
    decline_requested = pyqtSignal(str)
    reply_requested = pyqtSignal(str, str)  # interaction_id, text
    typing_changed = pyqtSignal(str, bool)  # interaction_id, on
    close_requested = pyqtSignal(str, str)  # interaction_id, disposition
    dismiss_requested = pyqtSignal(str)  # an ended card goes away
    save_requested = pyqtSignal(str, object)  # interaction_id, SavedFile

    def __init__(self, interaction_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.interaction_id = interaction_id
        self.view: CardView | None = None
        self.title = plain_label(wrap=True)
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.title.setFont(font)
        self.status = plain_label(wrap=True)
        self.status.setObjectName("interaction-status")
        self.subject = plain_label(wrap=True)
        self.subject.setObjectName("interaction-subject")
        self.offer = OfferBar()
        self.result = FadingMessage()
        self.contact_box = QGroupBox("Contact")
        self.contact_form = QFormLayout(self.contact_box)
        self.contact_labels: dict[str, QLabel] = {}
        self.linker = ContactLinker()
        self.history_box = QGroupBox("Last interactions")
        self.history = plain_label(wrap=True)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.thread_box = QGroupBox("Conversation")
        self.thread_layout = QVBoxLayout(self.thread_box)
        self.thread_items: list[ThreadItem] = []
        self.customer_typing = plain_label()
        self.customer_typing.setObjectName("customer-typing")
        self.customer_typing.setStyleSheet("color: #555; font-style: italic;")
        self.reply = QPlainTextEdit()
        self.reply.setObjectName("reply-text")
        self.reply.setPlaceholderText("Your reply (plain text)")
        self.reply.setFixedHeight(90)
        self.send = QPushButton("Send")
        self.disposition_label = plain_label("Disposition")
        self.disposition = QComboBox()
        self.disposition.setObjectName("close-disposition")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close-interaction")
        self.dismiss = QPushButton("Dismiss")
        self.typing = False
        self.typing_idle = QTimer(self)
        self.typing_idle.setSingleShot(True)
        self.typing_idle.setInterval(TYPING_IDLE_MS)
        self._build()
        self._wire()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        for widget in (self.title, self.status, self.subject, self.offer, self.result):
            layout.addWidget(widget)
        self.reply_box = QGroupBox("Reply")
        reply_layout = QVBoxLayout(self.reply_box)
        reply_layout.addWidget(self.reply)
        send_row = QHBoxLayout()
        send_row.addStretch(1)
        send_row.addWidget(self.send)
        reply_layout.addLayout(send_row)
        close_row = QHBoxLayout()
        close_row.addWidget(self.disposition_label)
        close_row.addWidget(self.disposition, 1)
        close_row.addWidget(self.close_button)
        close_row.addWidget(self.dismiss)
        for box in (self.thread_box, self.customer_typing, self.reply_box):
            layout.addWidget(box)
        layout.addLayout(close_row)
        for part in (self.contact_box, self.linker, self.history_box):
            layout.addWidget(part)
        layout.addStretch(1)

    def _wire(self) -> None:
        iid = self.interaction_id
        self.offer.accept_requested.connect(lambda: self._offer_answer(self.accept_requested))
        self.offer.decline_requested.connect(lambda: self._offer_answer(self.decline_requested))
        self.send.clicked.connect(self._send)
        self.reply.textChanged.connect(self._typed)
        self.typing_idle.timeout.connect(lambda: self._set_typing(False))
        self.close_button.clicked.connect(self._close)
        self.dismiss.clicked.connect(lambda: self.dismiss_requested.emit(iid))

    def _offer_answer(self, signal: Any) -> None:
        self.offer.set_busy(True)
        signal.emit(self.interaction_id)

    def _typed(self) -> None:
        if not self.reply.toPlainText():
            self._set_typing(False)
            return
        self._set_typing(True)
        self.typing_idle.start()

    def _set_typing(self, on: bool) -> None:
        if not on:
            self.typing_idle.stop()
        if on is not self.typing:
            self.typing = on
            self.typing_changed.emit(self.interaction_id, on)

    def _send(self) -> None:
        text = self.reply.toPlainText()
        if not text.strip():
            self.result.show_message(False, "Write a reply first")
            return
        self._set_typing(False)
        self.send.setEnabled(False)
        self.reply_requested.emit(self.interaction_id, text)

    def reply_done(self, ok: bool) -> None:
        """The reply went out (the box empties) or not (the text stays to try again)."""
        self.send.setEnabled(self.view is not None and self.view.can_reply)
        if ok:
            blocked = self.reply.blockSignals(True)
            self.reply.clear()
            self.reply.blockSignals(blocked)

    def _close(self) -> None:
        disposition = self.disposition.currentData()
        if not isinstance(disposition, str) or not disposition:
            self.result.show_message(False, "Choose a disposition first")
            return
        self._set_typing(False)
        self.close_requested.emit(self.interaction_id, disposition)

    def show_result(self, ok: bool, text: str) -> None:
        self.offer.set_busy(False)
        self.result.show_message(ok, text)

    def show_countdown(self, text: str) -> None:
        self.offer.show_countdown(text)

    def show_view(self, view: CardView) -> None:
        self.view = view
        self.title.setText(view.title)
        self.status.setText(view.status)
        self.subject.setText(view.subject)
        self.subject.setVisible(bool(view.subject))
        self.offer.setVisible(view.offered)
        self.offer.show_offer(view.preview, view.countdown)
        self._render_contact(view)
        self._render_thread(view.thread)
        self.thread_box.setVisible(not view.offered)
        self.customer_typing.setText(view.customer_typing)
        self.customer_typing.setVisible(bool(view.customer_typing))
        self.reply_box.setVisible(view.can_reply)
        self.send.setEnabled(view.can_reply)
        if not view.can_reply:
            self._set_typing(False)
        self._render_dispositions(view.dispositions)
        for widget in (self.disposition_label, self.disposition, self.close_button):
            widget.setVisible(view.can_reply)
        self.dismiss.setVisible(view.ended)

    def _render_contact(self, view: CardView) -> None:
        for label, _ in view.contact:
            if label not in self.contact_labels:
                widget = plain_label(wrap=True)
                widget.setObjectName(f"contact-{label.lower()}")
                self.contact_labels[label] = widget
                self.contact_form.addRow(plain_label(label), widget)
        shown = dict(view.contact)
        for label, widget in self.contact_labels.items():
            widget.setText(shown.get(label, ""))
            self.contact_form.setRowVisible(widget, label in shown)
        self.contact_box.setVisible(bool(view.contact))
        self.history.setText("\n".join(view.history) or "No earlier interactions")
        self.history_box.setVisible(not view.unknown)
        self.linker.setVisible(view.unknown and not view.ended)
        if view.unknown:
            self.linker.prefill(view.sender)

    def _render_thread(self, entries: list[ThreadEntry]) -> None:
        """Messages only ever join the end of a thread: add the new ones (a shorter
        thread, after a welcome, is drawn anew)."""
        if len(entries) < len(self.thread_items):
            for item in self.thread_items:
                item.deleteLater()
            self.thread_items = []
        for entry in entries[len(self.thread_items) :]:
            item = ThreadItem(entry)
            item.save_requested.connect(
                lambda saved: self.save_requested.emit(self.interaction_id, saved)
            )
            self.thread_layout.addWidget(item)
            self.thread_items.append(item)

    def _render_dispositions(self, dispositions: tuple[str, ...]) -> None:
        shown = [self.disposition.itemData(i) for i in range(self.disposition.count())]
        if shown == list(dispositions):
            return
        self.disposition.clear()
        for disposition in dispositions:
            self.disposition.addItem(visible_text(disposition), disposition)
