"""One call on the agent's SIP line: the operations the desktop's buttons trigger (answer,
hold, resume, hang up, blind transfer) and what pjsua2 reports back, turned into events.

Hold and resume are re-INVITEs (a=sendonly, then a=sendrecv); an operation waiting for an
answer has a deadline, checked by the engine's pump, so a silent peer yields a clear
failure within `request_timeout` instead of SIP's 32 s.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.softphone.errors import NETWORK, SIP_ERROR, WRONG_STATE, SoftphoneError
from desktop.softphone.events import (
    CallState,
    CallStateChanged,
    MediaChanged,
    Notifier,
    OperationFailed,
    TransferProgress,
)
from desktop.softphone.pjbridge import pj

log = logging.getLogger(__name__)
OS_ERROR_BASE = 120000  # PJ_ERRNO_START_SYS: pjlib status codes that wrap errno
DECLINE = 603


@dataclass(frozen=True)
class Pending:
    operation: str
    method: str  # the SIP request whose final answer settles it
    deadline: float


def pj_states() -> dict[int, CallState]:
    return {
        pj.PJSIP_INV_STATE_NULL: CallState.CALLING,
        pj.PJSIP_INV_STATE_CALLING: CallState.CALLING,
        pj.PJSIP_INV_STATE_INCOMING: CallState.INCOMING,
        pj.PJSIP_INV_STATE_EARLY: CallState.EARLY,
        pj.PJSIP_INV_STATE_CONNECTING: CallState.CONNECTING,
        pj.PJSIP_INV_STATE_CONFIRMED: CallState.CONFIRMED,
        pj.PJSIP_INV_STATE_DISCONNECTED: CallState.DISCONNECTED,
    }


def translate(operation: str, error: Any) -> SoftphoneError:
    """A pjsua2 `Error` as a SoftphoneError with a sentence a person can read."""
    status = int(getattr(error, "status", 0))
    reason = str(getattr(error, "reason", "") or error)
    code = NETWORK if status >= OS_ERROR_BASE else SIP_ERROR
    return SoftphoneError(code, f"could not {operation}: {reason}")


class SipLeg:
    """State of one call as last reported, plus the pjsua2 `Call` that carries it."""

    def __init__(self, notifier: Notifier, timeout: float, incoming: bool) -> None:
        self.notifier = notifier
        self.timeout = timeout
        self.incoming = incoming
        self.call_id = ""
        self.pj_call: Any = None
        self.state = CallState.INCOMING if incoming else CallState.CALLING
        self.held = False
        self.remote_held = False
        self.pending: Pending | None = None
        self.drop_requested = False  # transfer done: hang up once the callback returned

    @property
    def ended(self) -> bool:
        return self.state is CallState.DISCONNECTED

    # -- operations (raise SoftphoneError) ------------------------------------------------

    def answer(self) -> None:
        if not self.incoming or self.state not in (CallState.INCOMING, CallState.EARLY):
            raise self._wrong_state("answer")
        self._send("answer", self.pj_call.answer, self._status(200))

    def ring(self) -> None:
        self._send("send ringing", self.pj_call.answer, self._status(180))

    def hold(self) -> None:
        self._require_talking("hold")
        if self.held:
            raise SoftphoneError(WRONG_STATE, "the call is already on hold")
        self._send("hold", self.pj_call.setHold, pj.CallOpParam(True))
        self._expect("hold", "INVITE")

    def resume(self) -> None:
        self._require_talking("resume")
        if not self.held:
            raise SoftphoneError(WRONG_STATE, "the call is not on hold")
        prm = pj.CallOpParam(True)
        prm.opt.flag = pj.PJSUA_CALL_UNHOLD
        self._send("resume", self.pj_call.reinvite, prm)
        self._expect("resume", "INVITE")

    def hangup(self) -> None:
        """BYE when connected, CANCEL when our INVITE is unanswered, 603 Decline when
        the call is ringing here."""
        if self.ended:
            raise self._wrong_state("hang up")
        ringing_here = self.incoming and self.state in (CallState.INCOMING, CallState.EARLY)
        self._send("hang up", self.pj_call.hangup, self._status(DECLINE if ringing_here else 0))

    def transfer(self, target_uri: str) -> None:
        self._require_talking("transfer")
        self._send("transfer", self.pj_call.xfer, target_uri, pj.CallOpParam())
        self._expect("transfer", "REFER")

    # -- pjsua2 callbacks (LegHooks) -------------------------------------------------------

    def state_changed(self) -> None:
        info = self.pj_call.getInfo()
        state = pj_states().get(info.state, CallState.DISCONNECTED)
        if state is self.state:
            return
        self.state = state
        if state is CallState.DISCONNECTED:
            self.pending = None
        log.info("softphone call %s: %s (%s)", self.call_id, state.value, info.lastStatusCode)
        self.notifier.emit(
            CallStateChanged(self.call_id, state, int(info.lastStatusCode), str(info.lastReason))
        )

    def media_changed(self) -> None:
        info = self.pj_call.getInfo()
        for index, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO:
                self._audio_changed(index, media.status)
                return

    def request_done(self, method: str, code: int, reason: str) -> None:
        pending = self.pending
        if pending is None or pending.method != method or method == "REFER":
            return  # REFER outcomes arrive through transfer_status
        if code >= 300:
            self.pending = None
            self._fail(pending.operation, code, f"{pending.operation} refused: {code} {reason}")

    def transfer_status(self, code: int, reason: str, final: bool) -> None:
        self.notifier.emit(TransferProgress(self.call_id, code, reason, final))
        if not final:
            return
        self.pending = None
        if 200 <= code < 300:
            self.drop_requested = True  # after our 200 to the NOTIFY has gone out
        else:
            self._fail("transfer", code, f"transfer refused: {code} {reason}")

    def check_deadline(self, now: float) -> None:
        if self.drop_requested and not self.ended:
            self.drop_requested = False
            try:
                self.hangup()
            except SoftphoneError as error:
                self._fail("hangup", 500, error.message)
        pending = self.pending
        if pending is not None and now >= pending.deadline:
            self.pending = None
            why = f"no answer to {pending.operation} within {self.timeout:g} s"
            self._fail(pending.operation, 408, why)

    # -- helpers ---------------------------------------------------------------------------

    def _audio_changed(self, index: int, status: int) -> None:
        held = status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD
        remote_held = status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD
        if status in (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
            self._connect_audio(index)
        if self.pending and self.pending.operation == ("hold" if held else "resume"):
            self.pending = None
        if (held, remote_held) != (self.held, self.remote_held):
            self.held, self.remote_held = held, remote_held
            self.notifier.emit(MediaChanged(self.call_id, held, remote_held))

    def _connect_audio(self, index: int) -> None:
        """Call audio to the sound device (the null device in tests and headless)."""
        try:
            audio = self.pj_call.getAudioMedia(index)
            devices = pj.Endpoint.instance().audDevManager()
            devices.getCaptureDevMedia().startTransmit(audio)
            audio.startTransmit(devices.getPlaybackDevMedia())
        except pj.Error as error:
            log.warning("softphone call %s: no audio: %s", self.call_id, error.reason)

    def _send(self, operation: str, action: Callable[..., Any], *args: Any) -> None:
        try:
            action(*args)
        except pj.Error as error:
            raise translate(operation, error) from None

    def _expect(self, operation: str, method: str) -> None:
        self.pending = Pending(operation, method, time.monotonic() + self.timeout)

    def _require_talking(self, operation: str) -> None:
        if self.state is not CallState.CONFIRMED:
            raise self._wrong_state(operation)
        if self.pending is not None:
            busy = self.pending.operation
            raise SoftphoneError(WRONG_STATE, f"cannot {operation}: {busy} still in progress")

    def _wrong_state(self, operation: str) -> SoftphoneError:
        return SoftphoneError(WRONG_STATE, f"cannot {operation} a call that is {self.state.value}")

    def _fail(self, operation: str, code: int, reason: str) -> None:
        log.warning("softphone call %s: %s", self.call_id, reason)
        self.notifier.emit(OperationFailed(self.call_id, operation, code, reason))

    @staticmethod
    def _status(code: int) -> Any:
        prm = pj.CallOpParam()
        prm.statusCode = code
        return prm
