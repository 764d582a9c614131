"""The built-in softphone on the Qt side: owns the process's single engine, pumps it from
a QTimer, turns the engine's listener callbacks into Qt signals, and carries out the
card's Answer/Hold/Resume/Hang up on the agent's own SIP leg when the pop has one.

A result is reported only once the far side confirmed it (answered, media on hold or
back, call ended), or as a failure with the engine's reason: never a pretended success.
Without the `softphone` extra, or with the softphone off, it does nothing and the
desktop stays in desk-phone mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from cti.protocol import CMD_ANSWER, CMD_HANGUP, CMD_HOLD, CMD_RESUME
from desktop.board import CallRecord
from desktop.controls import CONTROL_LABELS, SOFTPHONE_CONTROLS
from desktop.phonelegs import LegBook, PhoneStatus, SoftLeg, registration_status
from desktop.phoneprefs import SoftphoneSettings
from desktop.softphone import (
    CallState,
    CallStateChanged,
    EngineConfig,
    IncomingCall,
    MediaChanged,
    OperationFailed,
    Registration,
    SoftphoneEngine,
    SoftphoneError,
    SoftphoneListener,
    softphone_available,
)

log = logging.getLogger(__name__)
PUMP_MS = 20
CALLBACK_WINDOW = 30.0  # seconds after click-to-dial in which the PBX rings us back
UNAVAILABLE_TEXT = "Softphone unavailable: install the 'softphone' extra (pjsua2-python)"
OPERATIONS = {CMD_ANSWER: "answer", CMD_HOLD: "hold", CMD_RESUME: "resume", CMD_HANGUP: "hangup"}


def _done(name: str) -> str:
    return f"{CONTROL_LABELS[name]}: done on the softphone"


def _failed(name: str, reason: str, error: str) -> str:
    return f"{CONTROL_LABELS[name]} failed: {reason} [{error}]"


class PhoneBridge(QObject, SoftphoneListener):
    status_changed = pyqtSignal(str, str)  # PhoneStatus value, text for the window
    leg_changed = pyqtSignal(str)  # call_id of the pop whose softphone leg changed
    command_done = pyqtSignal(str, str, bool, str)  # call_id, name, ok, text

    def __init__(
        self,
        records: Callable[[], Iterable[CallRecord]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.records = records
        self.engine: SoftphoneEngine | None = None
        self.book = LegBook()
        self.status = PhoneStatus.OFF
        self.status_text = ""
        self._pending: dict[str, str] = {}  # SIP Call-ID -> command waiting for its outcome
        self._callback: tuple[str, float] | None = None  # (own extension, until)
        self._timer = QTimer(self)
        self._timer.setInterval(PUMP_MS)
        self._timer.timeout.connect(self.pump)

    # -- settings and lifecycle --------------------------------------------------------------

    @staticmethod
    def available() -> bool:
        """Whether the `softphone` extra is installed (else: desk-phone mode only)."""
        return softphone_available()

    def apply(self, settings: SoftphoneSettings) -> None:
        """Use these settings now: off, or (re)start the engine and register."""
        if not settings.enabled:
            self.close()
            self._set_status(PhoneStatus.OFF, "")
            return
        if not self.available():
            self.close()
            self._set_status(PhoneStatus.UNAVAILABLE, UNAVAILABLE_TEXT)
            return
        try:
            account = settings.account()
            engine = self._engine(settings.bind_address)
            self.book.clear()
            self._pending.clear()
            engine.register(account)
        except SoftphoneError as error:
            log.warning("softphone not started: %s", error)
            self.close()
            self._set_status(PhoneStatus.FAILED, f"Softphone error: {error.message}")
            return
        self._timer.start()
        if account.registrar:
            self._set_status(
                PhoneStatus.REGISTERING, f"Softphone registering at {account.registrar}"
            )
        else:
            host, port = engine.local_address(account.transport)
            self._set_status(PhoneStatus.READY, f"Softphone ready on {host}:{port} (no registrar)")

    def _engine(self, bind_address: str) -> SoftphoneEngine:
        engine = self.engine
        if engine is not None and not engine.closed and engine.config.bind_address == bind_address:
            return engine
        self.close()
        self.engine = SoftphoneEngine(EngineConfig(bind_address=bind_address), self)
        return self.engine

    def close(self) -> None:
        """Hang up, unregister and free the Endpoint (another one may then be created)."""
        self._timer.stop()
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.close()
        self.book.clear()
        self._pending.clear()

    def pump(self) -> None:
        if self.engine is None:
            return
        try:
            self.engine.pump()
        except SoftphoneError as error:  # the engine was closed under us: say so, stop
            self._timer.stop()
            self._set_status(PhoneStatus.FAILED, f"Softphone error: {error.message}")

    @property
    def active(self) -> bool:
        return self.engine is not None and not self.engine.closed

    def _set_status(self, status: PhoneStatus, text: str) -> None:
        self.status, self.status_text = status, text
        self.status_changed.emit(status.value, text)

    # -- the pops ------------------------------------------------------------------------------

    def leg_for(self, call_id: str) -> SoftLeg | None:
        return self.book.for_pop(call_id) if self.active else None

    def pop_changed(self, record: CallRecord) -> None:
        """A pop arrived or changed: it may be the one a ringing SIP leg belongs to."""
        if self.active and self.book.link_pop(record) is not None:
            log.info("softphone leg linked to pop %s", record.call_id)
            self.leg_changed.emit(record.call_id)

    def takes(self, name: str, call_id: str) -> bool:
        """Whether this command goes to the softphone rather than to the server."""
        leg = self.leg_for(call_id)
        return name in SOFTPHONE_CONTROLS and leg is not None and leg.live

    def run(self, name: str, call_id: str) -> None:
        """Carry out a card's command on the pop's SIP leg; the outcome arrives later."""
        leg = self.leg_for(call_id)
        if self.engine is None or leg is None or name not in OPERATIONS:
            self.command_done.emit(
                call_id, name, False, _failed(name, "no softphone call", "no-such-call")
            )
            return
        self._pending[leg.sip_call_id] = name  # pjsua2 may report the outcome inside the call
        try:
            getattr(self.engine, OPERATIONS[name])(leg.sip_call_id)
        except SoftphoneError as error:
            self._pending.pop(leg.sip_call_id, None)
            self.command_done.emit(call_id, name, False, _failed(name, error.message, error.code))
            return
        log.info("softphone %s sent on %s", OPERATIONS[name], call_id)

    # -- click-to-dial -------------------------------------------------------------------------

    def expect_callback(self, extension: str | None) -> None:
        """Click-to-dial (AMI Originate) rings the agent's own device first, with the
        agent's extension as caller ID: that one leg is answered without a click."""
        self._callback = (extension, time.monotonic() + CALLBACK_WINDOW) if extension else None

    def is_callback(self, event: IncomingCall) -> bool:
        """Whether `event` is the expected ring-back (consumed: it answers only once)."""
        expected = self._callback
        if expected is None or event.number != expected[0] or time.monotonic() > expected[1]:
            return False
        self._callback = None
        return True

    def _answer_callback(self, sip_call_id: str) -> None:
        if self.engine is None:
            return
        try:
            self.engine.answer(sip_call_id)
        except SoftphoneError as error:
            log.warning("softphone: the click-to-dial call was not answered: %s", error)

    # -- SoftphoneListener (called inside pump) ------------------------------------------------

    def on_registration(self, event: Registration) -> None:
        self._set_status(*registration_status(event))

    def on_incoming(self, event: IncomingCall) -> None:
        leg = self.book.add(event)
        if self.is_callback(event):
            log.info("softphone: answering the ring-back of click-to-dial %s", event.call_id)
            QTimer.singleShot(0, lambda: self._answer_callback(event.call_id))  # after the pump
            return
        call_id = self.book.link_leg(leg, self.records())
        log.info("softphone call %s for pop %s", event.call_id, call_id or "(none yet)")
        if call_id is not None:
            self.leg_changed.emit(call_id)

    def on_call_state(self, event: CallStateChanged) -> None:
        leg = self.book.get(event.call_id)
        if leg is None:
            return
        leg.state = event.state
        pending = self._pending.get(event.call_id)
        if event.state is CallState.CONFIRMED and pending == CMD_ANSWER:
            self._settle(leg, True, _done(CMD_ANSWER))
        elif event.state is CallState.DISCONNECTED and pending == CMD_HANGUP:
            self._settle(leg, True, _done(CMD_HANGUP))
        elif event.state is CallState.DISCONNECTED and pending is not None:
            why = f"the call ended ({event.code} {event.reason})"
            self._settle(leg, False, _failed(pending, why, "call-gone"))
        self._changed(leg)

    def on_media(self, event: MediaChanged) -> None:
        leg = self.book.get(event.call_id)
        if leg is None:
            return
        leg.held = event.held
        pending = self._pending.get(event.call_id)
        if pending == (CMD_HOLD if event.held else CMD_RESUME):
            self._settle(leg, True, _done(pending))
        self._changed(leg)

    def on_failure(self, event: OperationFailed) -> None:
        leg = self.book.get(event.call_id)
        pending = self._pending.get(event.call_id)
        if leg is None or pending is None or OPERATIONS[pending] != event.operation:
            return
        self._settle(leg, False, _failed(pending, event.reason, f"sip-{event.code}"))

    def _settle(self, leg: SoftLeg, ok: bool, text: str) -> None:
        name = self._pending.pop(leg.sip_call_id)
        if leg.pop_call_id is not None:
            self.command_done.emit(leg.pop_call_id, name, ok, text)

    def _changed(self, leg: SoftLeg) -> None:
        if leg.pop_call_id is not None:
            self.leg_changed.emit(leg.pop_call_id)
