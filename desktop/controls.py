"""Which call controls an agent may press now, and why not when they may not.

A button is enabled only when the call's state allows the command AND the broker listed
the command in the welcome's `capabilities`. Every disabled button carries the reason,
shown as its tooltip: the desktop never offers a button that silently does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cti.protocol import CMD_ANSWER, CMD_DIAL, CMD_HANGUP, CMD_HOLD, CMD_RESUME, CMD_TRANSFER
from desktop.board import CallRecord, Phase
from desktop.phonelegs import SoftLeg
from desktop.softphone.events import CallState

CONTROL_LABELS = {
    CMD_ANSWER: "Answer",
    CMD_HOLD: "Hold",
    CMD_RESUME: "Resume",
    CMD_TRANSFER: "Transfer",
    CMD_HANGUP: "Hang up",
    CMD_DIAL: "Dial",
}
TRANSFER_COMPLETE = "transfer.complete"  # steps of an attended transfer: buttons, not
TRANSFER_CANCEL = "transfer.cancel"  # commands (both send call.transfer with an action)
CALL_CONTROLS = (CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_HANGUP)

# Call phases in which each command makes sense, and what to say otherwise.
_ALLOWED: dict[str, tuple[frozenset[Phase], str]] = {
    CMD_ANSWER: (frozenset({Phase.RINGING}), "Only a ringing call can be answered"),
    CMD_HOLD: (frozenset({Phase.ANSWERED}), "Only a call in conversation can be held"),
    CMD_RESUME: (frozenset({Phase.HELD}), "Only a held call can be resumed"),
    CMD_TRANSFER: (
        frozenset({Phase.ANSWERED, Phase.HELD}),
        "Only an answered call can be transferred",
    ),
    CMD_HANGUP: (
        frozenset({Phase.RINGING, Phase.ANSWERED, Phase.HELD}),
        "The call has ended",
    ),
}
_NEEDS_OWN_ANSWER = frozenset({CMD_HOLD, CMD_RESUME, CMD_TRANSFER, CMD_HANGUP})
NOT_CONNECTED = "Not connected to the server"
PBX_DOWN = "The server has lost its link to the PBX: this works again once the link is back"
CALLER_BUSY = "This caller still has a call ringing or in progress with you: call back after it"
NO_NUMBER = "There is no number to call back"
SOFTPHONE_CONTROLS = frozenset({CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_HANGUP})
_BUSY_CONSULTING = (CMD_TRANSFER, CMD_HOLD, CMD_RESUME)  # refused while a transfer consults


@dataclass(frozen=True, slots=True)
class ControlState:
    enabled: bool
    reason: str = ""  # why it is disabled; empty when enabled


def unsupported_reason(name: str) -> str:
    label = CONTROL_LABELS.get(name, name)
    return f"{label} is not available for your phone on this server"


def command_state(
    name: str, capabilities: frozenset[str] | None, connected: bool, pbx_up: bool = True
) -> ControlState | None:
    """The refusal that does not depend on the call, or None when there is none. Every
    command goes through the server's AMI link, so none works while that link is down."""
    if not connected:
        return ControlState(False, NOT_CONNECTED)
    if not pbx_up:
        return ControlState(False, PBX_DOWN)
    if capabilities is not None and name not in capabilities:
        return ControlState(False, unsupported_reason(name))
    return None


def softphone_control_state(name: str, leg: SoftLeg) -> ControlState:
    """The agent's own SIP leg decides, not the server: no capability or link needed."""
    if not leg.live:
        return ControlState(False, "The call has ended on your softphone")
    if name == CMD_ANSWER:
        return ControlState(leg.ringing, "" if leg.ringing else "The softphone is not ringing")
    if name == CMD_HANGUP:
        return ControlState(True)
    if leg.state is not CallState.CONFIRMED:
        return ControlState(False, "Only a call in conversation on your softphone")
    if name == CMD_HOLD:
        return ControlState(not leg.held, "The call is on hold" if leg.held else "")
    return ControlState(leg.held, "" if leg.held else "The call is not on hold")


def call_control_state(
    name: str,
    call: CallRecord | None,
    capabilities: frozenset[str] | None,
    connected: bool,
    leg: SoftLeg | None = None,
    pbx_up: bool = True,
) -> ControlState:
    if leg is not None and name in SOFTPHONE_CONTROLS:
        return softphone_control_state(name, leg)
    refusal = command_state(name, capabilities, connected, pbx_up)
    if refusal is not None:
        return refusal
    if call is None:
        return ControlState(False, "No call selected")
    if call.retracted is not None:
        return ControlState(False, f"{call.retraction_text}: the call is not yours any more")
    phases, why_not = _ALLOWED[name]
    if call.phase not in phases:
        return ControlState(False, why_not)
    if name in _NEEDS_OWN_ANSWER and call.phase is not Phase.RINGING and not call.answered_here:
        return ControlState(False, "Another extension has this call")
    return ControlState(True)


def control_states(
    call: CallRecord | None,
    capabilities: frozenset[str] | None,
    connected: bool,
    leg: SoftLeg | None = None,
    pbx_up: bool = True,
) -> dict[str, ControlState]:
    """`leg`: the pop's call on the built-in softphone, which then carries answer, hold,
    resume and hang-up (SIP, so even while the server's PBX link is down); transfer always
    takes the server's route."""
    states = {
        name: call_control_state(name, call, capabilities, connected, leg, pbx_up)
        for name in CALL_CONTROLS
    }
    transfer = states[CMD_TRANSFER]
    consulting = call.consulting if call is not None else None
    if consulting is None:
        step = ControlState(False, "Only during an attended transfer")
        if not transfer.enabled:
            step = transfer
        states[TRANSFER_COMPLETE] = states[TRANSFER_CANCEL] = step
    else:
        states[TRANSFER_COMPLETE] = states[TRANSFER_CANCEL] = transfer
        # The agent's leg is in the consultation now: hold would park the target, and
        # the caller comes back with Cancel, not Resume.
        if transfer.enabled:
            why = f"A transfer to {consulting} is in progress: complete or cancel it"
            for name in _BUSY_CONSULTING:
                states[name] = ControlState(False, why)
    return states


def dial_state(
    capabilities: frozenset[str] | None, connected: bool, pbx_up: bool = True
) -> ControlState:
    return command_state(CMD_DIAL, capabilities, connected, pbx_up) or ControlState(True)


def call_back_state(
    call: CallRecord, calls: Iterable[CallRecord], dial: ControlState
) -> ControlState:
    """Call back dials at once, so it waits until this caller has no ringing or live call
    with the agent: two mis-clicks must not place two calls to someone still on the line."""
    if not dial.enabled:
        return dial
    number = call.party_number
    if number is None:
        return ControlState(False, NO_NUMBER)
    if any(other.active and other.party_number == number for other in (call, *calls)):
        return ControlState(False, CALLER_BUSY)
    return ControlState(True)


PBX_DOWN_NOTICE = "PBX link down: calls will not pop"


@dataclass(frozen=True, slots=True)
class PbxNotice:
    text: str  # empty: nothing to warn about
    detail: str = ""


def pbx_notice(connected: bool, pbx_up: bool, since: str | None) -> PbxNotice:
    """What the window says about the server's AMI link. While the desktop itself is
    disconnected it knows nothing of that link, and its own state says so already."""
    if not connected or pbx_up:
        return PbxNotice("")
    when = local_time(since)
    lost = f"The server lost its link to the PBX{f' at {when}' if when else ''}"
    return PbxNotice(
        PBX_DOWN_NOTICE,
        f"{lost}: until it is back no call pops here, and the "
        "call buttons and dialling cannot work.",
    )


def local_time(stamp: str | None) -> str:
    """An ISO-8601 UTC stamp as this PC's local HH:MM:SS, or "" when unreadable."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return moment.astimezone().strftime("%H:%M:%S")
