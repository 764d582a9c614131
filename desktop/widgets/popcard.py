"""One call's screen-pop: who calls, why, their record and history, and the controls.

`shown` fires from showEvent, the moment the card becomes visible: the benchmark
measures pop latency with it.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QFont, QShowEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.popview import PopView
from desktop.widgets.callcontrols import CallControls, with_call
from desktop.widgets.common import apply_control, plain_label
from desktop.widgets.forms import AfterCallForm, ContactForm


class PopCard(QWidget):
    shown = pyqtSignal(str)  # call_id
    command_requested = pyqtSignal(str, dict)  # name, args (with call_id)
    contact_chosen = pyqtSignal(str, int)  # call_id, index in matches
    contact_submitted = pyqtSignal(str, object)  # call_id, ContactDraft
    note_submitted = pyqtSignal(str, str, str)  # call_id, disposition, notes
    crm_requested = pyqtSignal(str)  # url
    dial_requested = pyqtSignal(str)  # number
    close_requested = pyqtSignal(str)  # call_id

    def __init__(self, call_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call_id = call_id
        self.view: PopView | None = None
        self.title = plain_label(wrap=True)  # a long name wraps, never widens the card
        font = QFont(self.title.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.title.setFont(font)
        self.number = plain_label()
        self.status = plain_label()
        self.timer = plain_label()
        self.timer.setObjectName("call-timer")
        self.banner = plain_label(wrap=True)
        self.banner.setStyleSheet("background: #fff3cd; padding: 4px;")
        self.reason = plain_label(wrap=True)
        self.softphone = plain_label()
        self.softphone.setObjectName("softphone-leg")
        self.matches = QComboBox()
        self.matches_box = QGroupBox("Several contacts match this number")
        QVBoxLayout(self.matches_box).addWidget(self.matches)
        self.contact_box = QGroupBox("Contact")
        self.contact_form = QFormLayout(self.contact_box)
        self.contact_labels: dict[str, QLabel] = {}
        self.tags = plain_label(wrap=True)
        self.history_box = QGroupBox("Last interactions")
        self.history = plain_label(wrap=True)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.create_form = ContactForm()
        self.crm = QPushButton("Open in CRM")
        self.call_back = QPushButton("Call back")
        self.close_button = QPushButton("Close")
        self.controls = CallControls()
        self.after_call = AfterCallForm()
        self.scroll_area = QScrollArea()
        self.content = QWidget()
        self._build()
        self._wire()

    def _build(self) -> None:
        # The card scrolls: with a long history or the after-call form open, nothing
        # (the Save button least of all) may fall off the bottom of a small window.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.content)
        outer.addWidget(self.scroll_area)
        layout = QVBoxLayout(self.content)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        for item in (self.status, self.timer, self.crm):
            header.addWidget(item)
        layout.addLayout(header)
        # The call's buttons come right under who is calling, and the after-call form
        # (shown once the call ends) right under them; Call back sits at the very bottom,
        # far from Answer and Hang up, since it dials at once.
        shown: tuple[QWidget, ...] = (self.number, self.reason, self.banner, self.softphone)
        for widget in (*shown, self.controls, self.after_call, self.matches_box):
            layout.addWidget(widget)
        self.contact_form.addRow(plain_label("Tags"), self.tags)
        for box in (self.contact_box, self.history_box, self.create_form):
            layout.addWidget(box)
        bottom = QHBoxLayout()
        bottom.addWidget(self.call_back)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        layout.addStretch(1)

    def _wire(self) -> None:
        cid = self.call_id
        self.controls.command_requested.connect(
            lambda name, args: self.command_requested.emit(name, with_call(cid, args))
        )
        self.matches.activated.connect(lambda index: self.contact_chosen.emit(cid, index))
        self.create_form.submitted.connect(lambda draft: self.contact_submitted.emit(cid, draft))
        self.after_call.submitted.connect(
            lambda disposition, notes: self.note_submitted.emit(cid, disposition, notes)
        )
        self.crm.clicked.connect(self._open_crm)
        self.call_back.clicked.connect(self._call_back)
        self.close_button.clicked.connect(lambda: self.close_requested.emit(cid))

    def showEvent(self, event: QShowEvent | None) -> None:
        super().showEvent(event)
        self.shown.emit(self.call_id)

    def _open_crm(self) -> None:
        if self.view is not None and self.view.crm_url:
            self.crm_requested.emit(self.view.crm_url)

    def _call_back(self) -> None:
        if self.view is not None and self.view.call_back.enabled and self.view.dial_number:
            self.dial_requested.emit(self.view.dial_number)

    def show_time(self, text: str) -> None:
        self.timer.setText(text)

    def reveal_note(self) -> None:
        """Bring the after-call form into view with the cursor in Notes: the call just
        ended and the agent's next job is to write what happened."""
        self.after_call.notes.setFocus(Qt.FocusReason.OtherFocusReason)
        # The form was hidden until now: scroll once the scroll area has laid it out.
        QTimer.singleShot(0, self._scroll_to_note)

    def _scroll_to_note(self) -> None:
        self.scroll_area.ensureWidgetVisible(self.after_call.save)
        self.scroll_area.ensureWidgetVisible(self.after_call.notes)

    def show_view(self, view: PopView) -> None:
        self.view = view
        self.title.setText(view.title)
        self.number.setText(view.number)
        self.status.setText(view.status)
        self.banner.setText(view.banner)
        self.banner.setVisible(bool(view.banner))
        self.reason.setText(view.reason)
        self.softphone.setText(view.softphone)
        self.softphone.setVisible(bool(view.softphone))
        self._render_contact(view)
        self.crm.setEnabled(view.crm_url is not None)
        self.crm.setToolTip(view.crm_url or view.crm_reason)
        apply_control(self.call_back, view.call_back, f"Call {view.dial_number} now")
        self.controls.show_states(view.controls)
        self.after_call.setVisible(view.note_form)
        self.after_call.set_dispositions(view.dispositions)
        self.after_call.set_filed(view.note_form and not view.needs_note)
        self.close_button.setText("Close without a note" if view.needs_note else "Close")

    def _render_contact(self, view: PopView) -> None:
        self.matches_box.setVisible(bool(view.matches))
        if [self.matches.itemText(i) for i in range(self.matches.count())] != view.matches:
            self.matches.clear()
            self.matches.addItems(view.matches)
        self.matches.setCurrentIndex(view.chosen_match)
        for label, _ in view.contact:
            if label not in self.contact_labels:
                widget = plain_label(wrap=True)
                widget.setObjectName(f"contact-{label.lower()}")
                self.contact_labels[label] = widget
                self.contact_form.insertRow(
                    self.contact_form.rowCount() - 1, plain_label(label), widget
                )
        shown = dict(view.contact)
        for label, widget in self.contact_labels.items():
            widget.setText(shown.get(label, ""))
            self.contact_form.setRowVisible(widget, label in shown)
        self.tags.setText(view.tags)
        self.contact_form.setRowVisible(self.tags, bool(view.tags))
        self.contact_box.setVisible(bool(view.contact))
        self.history.setText("\n".join(view.history) or "No earlier interactions")
        self.history_box.setVisible(bool(view.contact))
        self.create_form.setVisible(view.unknown)
        if view.unknown:
            self.create_form.prefill(view.number)
