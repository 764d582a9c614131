"""What the softphone reports, one frozen class per event, and the listener that receives
them. The `Notifier` is the only place that hands events out: a listener that raises is
logged, never propagated back into pjsua2 (a raising callback there can abort the process).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class CallState(enum.Enum):
    CALLING = "calling"  # our INVITE is out, nothing back yet
    INCOMING = "incoming"  # an INVITE arrived; answer or hang up
    EARLY = "early"  # ringing (1xx with a tag)
    CONNECTING = "connecting"  # answered, waiting for the ACK
    CONFIRMED = "confirmed"  # talking (or on hold)
    DISCONNECTED = "disconnected"


@dataclass(frozen=True)
class Registration:
    """`ok` is true while the registrar holds our binding; `code` is the SIP status
    (408 also when the engine's own deadline ran out)."""

    ok: bool
    code: int
    reason: str
    expires: int = 0


@dataclass(frozen=True)
class IncomingCall:
    """An INVITE to the agent. `call_id` is the SIP Call-ID, the handle of every operation;
    `number`/`display_name` come from P-Asserted-Identity, else From, so the desktop can
    match this leg with the broker's `call.ringing` pop. `x_headers` carries the X- headers
    (for example one the dialplan adds with the Asterisk linkedid)."""

    call_id: str
    number: str
    display_name: str
    remote_uri: str
    x_headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CallStateChanged:
    call_id: str
    state: CallState
    code: int  # last SIP status seen on the call (e.g. 200, 487, 603)
    reason: str


@dataclass(frozen=True)
class MediaChanged:
    """`held`: we put the far party on hold; `remote_held`: they put us on hold."""

    call_id: str
    held: bool
    remote_held: bool


@dataclass(frozen=True)
class TransferProgress:
    """A blind transfer (REFER) as the transferee reports it; after a final 2xx the
    engine hangs up its own leg."""

    call_id: str
    code: int
    reason: str
    final: bool


@dataclass(frozen=True)
class OperationFailed:
    """An accepted operation that the far side refused or never answered."""

    call_id: str
    operation: str  # "hold", "resume", "transfer", "answer", "hangup"
    code: int
    reason: str


class SoftphoneListener:
    """Receives the engine's events on the thread that calls `pump()`. Override what you
    need; the Qt controller can forward each one to a signal."""

    def on_registration(self, event: Registration) -> None:
        """Registration succeeded, failed or ended."""

    def on_incoming(self, event: IncomingCall) -> None:
        """A call rings on the softphone."""

    def on_call_state(self, event: CallStateChanged) -> None:
        """A call changed state."""

    def on_media(self, event: MediaChanged) -> None:
        """Hold state of a call changed."""

    def on_transfer(self, event: TransferProgress) -> None:
        """News about a blind transfer."""

    def on_failure(self, event: OperationFailed) -> None:
        """An operation failed after it was sent."""


SoftphoneEvent = (
    Registration
    | IncomingCall
    | CallStateChanged
    | MediaChanged
    | TransferProgress
    | OperationFailed
)

_HANDLERS: dict[type[object], str] = {
    Registration: "on_registration",
    IncomingCall: "on_incoming",
    CallStateChanged: "on_call_state",
    MediaChanged: "on_media",
    TransferProgress: "on_transfer",
    OperationFailed: "on_failure",
}


class Notifier:
    """Delivers events to the listener and contains its failures."""

    def __init__(self, listener: SoftphoneListener | None) -> None:
        self.listener = listener or SoftphoneListener()

    def emit(self, event: SoftphoneEvent) -> None:
        handler = getattr(self.listener, _HANDLERS[type(event)])
        try:
            handler(event)
        except Exception:
            log.exception("softphone listener failed on %s", type(event).__name__)
