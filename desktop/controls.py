"""Which call controls an agent may press now, and why not when they may not.

A button is enabled only when the call's state allows the command AND the broker listed
the command in the welcome's `capabilities`. Every disabled button carries the reason,
shown as its tooltip: the desktop never offers a button that silently does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

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
SOFTPHONE_CONTROLS = frozenset({CMD_ANSWER, CMD_HOLD, CMD_RESUME, CMD_HANGUP})


@dataclass(frozen=True, slots=True)
class ControlState:
    enabled: bool
    reason: str = ""  # why it is disabled; empty when enabled


def unsupported_reason(name: str) -> str:
    label = CONTROL_LABELS.get(name, name)
    return f"{label} is not available for your phone on this server"


def command_state(
    name: str, capabilities: frozenset[str] | None, connected: bool
) -> ControlState | None:
    """The refusal that does not depend on the call, or None when there is none."""
    if not connected:
        return ControlState(False, "Not connected to the server")
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
) -> ControlState:
    if leg is not None and name in SOFTPHONE_CONTROLS:
        return softphone_control_state(name, leg)
    refusal = command_state(name, capabilities, connected)
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
) -> dict[str, ControlState]:
    """`leg`: the pop's call on the built-in softphone, which then carries answer, hold,
    resume and hang-up; transfer always takes the server's route."""
    states = {
        name: call_control_state(name, call, capabilities, connected, leg) for name in CALL_CONTROLS
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
        if transfer.enabled:
            why = f"A transfer to {consulting} is in progress: complete or cancel it"
            states[CMD_TRANSFER] = ControlState(False, why)
    return states


def dial_state(capabilities: frozenset[str] | None, connected: bool) -> ControlState:
    return command_state(CMD_DIAL, capabilities, connected) or ControlState(True)
