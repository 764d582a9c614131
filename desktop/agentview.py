"""What the agent's state bar shows and offers, computed without Qt (a presenter).

The bar says the agent's state with its time in that state, counts a wrap-up down, and
offers the state selector: Available, Pause (with a reason from the server's list), Do
not disturb and Log out. Each choice is one `agent.*` command; a choice that cannot
work now is disabled with the reason, as call controls are (`desktop.controls`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cti.protocol import (
    AVAILABLE,
    CMD_AGENT_DND,
    CMD_AGENT_LOGIN,
    CMD_AGENT_LOGOUT,
    CMD_AGENT_PAUSE,
    CMD_AGENT_UNPAUSE,
    LOGGED_OUT,
    ON_CALL,
    ON_HOLD,
    PAUSED,
    REASON_DND,
    REASON_HOLD,
    REASON_LOGGED_OUT,
    REASON_WRAP_UP,
    RINGING,
    WRAP_UP,
)
from desktop.calltime import clock_text
from desktop.centredata import AgentStatus, WaitingCaller
from desktop.controls import ControlState, command_state, unsupported_reason
from desktop.servertime import ServerClock
from desktop.text import visible_text

CHOOSE_AVAILABLE = "available"
CHOOSE_PAUSE = "pause"
CHOOSE_DND = "dnd"
CHOOSE_LOGOUT = "logout"
CHOICES = (CHOOSE_AVAILABLE, CHOOSE_PAUSE, CHOOSE_DND, CHOOSE_LOGOUT)

STATE_TEXT = {
    LOGGED_OUT: "Logged out",
    AVAILABLE: "Available",
    RINGING: "Ringing",
    ON_CALL: "On a call",
    ON_HOLD: "On hold",
    WRAP_UP: "Wrap-up",
    PAUSED: "Paused",
}
STATE_COLOUR = {
    LOGGED_OUT: "#e2e3e5",
    AVAILABLE: "#d4edda",
    RINGING: "#fff3cd",
    ON_CALL: "#cce5ff",
    ON_HOLD: "#cce5ff",
    WRAP_UP: "#e8daef",
    PAUSED: "#ffe0b2",
}
REASON_TEXT = {
    REASON_DND: "do not disturb",
    REASON_WRAP_UP: "wrap-up",
    REASON_HOLD: "caller on hold",
    REASON_LOGGED_OUT: "logged out",
}
AGENT_LABELS = {
    CMD_AGENT_LOGIN: "Log in",
    CMD_AGENT_LOGOUT: "Log out",
    CMD_AGENT_PAUSE: "Pause",
    CMD_AGENT_UNPAUSE: "Available",
    CMD_AGENT_DND: "Do not disturb",
}
LOGGED_OUT_FIRST = "You are logged out: choose Available to log in to your queues"
NO_QUEUES = "You have no queues on this server"


def agent_command_state(
    name: str, capabilities: frozenset[str] | None, connected: bool, pbx_up: bool = True
) -> ControlState | None:
    """The refusal that does not depend on the agent's state, or None. The broker lists
    `agent.*` only for an agent with queues (and for supervisors)."""
    refusal = command_state(name, capabilities, connected, pbx_up)
    if refusal is not None and refusal.reason == unsupported_reason(name):
        return ControlState(False, NO_QUEUES)
    return refusal


def state_text(status: AgentStatus) -> str:
    """ "Paused: lunch", "On a call", "Available (do not disturb)"."""
    text = STATE_TEXT.get(status.state, status.state)
    reason = status.reason
    if reason is None or (status.state == WRAP_UP and reason == REASON_WRAP_UP):
        return text
    if status.state == ON_HOLD and reason == REASON_HOLD:
        return text
    shown = REASON_TEXT.get(reason, visible_text(reason))
    return f"{text}: {shown}" if status.state == PAUSED else f"{text} ({shown})"


def wrapup_text(status: AgentStatus, clock: ServerClock) -> str:
    if status.state != WRAP_UP:
        return ""
    if status.wrapup_until is None:
        return "Wrap-up: save the call's note to end it"
    return f"Wrap-up ends in {clock_text(clock.until(status.wrapup_until))}"


@dataclass(frozen=True, slots=True)
class StatusView:
    visible: bool
    state: str = ""
    text: str = ""
    colour: str = ""
    timer: str = ""
    wrapup: str = ""
    waiting: str = ""  # callers waiting in the agent's queues (queues.announce_waiting)
    reasons: tuple[str, ...] = ()
    dnd_label: str = "Do not disturb"
    choices: dict[str, ControlState] = field(default_factory=dict)


def status_view(
    own: AgentStatus | None,
    reasons: Sequence[str],
    capabilities: frozenset[str] | None,
    connected: bool,
    clock: ServerClock,
    *,
    pbx_up: bool = True,
    waiting: Sequence[WaitingCaller] = (),
) -> StatusView:
    """Hidden for an identity that is no agent (a supervisor in no queue)."""
    if own is None:
        return StatusView(visible=False)
    return StatusView(
        visible=True,
        state=own.state,
        text=state_text(own),
        colour=STATE_COLOUR.get(own.state, "#e2e3e5"),
        timer=clock_text(clock.since(own.since)),
        wrapup=wrapup_text(own, clock),
        waiting=waiting_text(waiting, clock),
        reasons=tuple(reasons),
        dnd_label="End do not disturb" if own.dnd else "Do not disturb",
        choices={
            choice: choice_state(choice, own, reasons, capabilities, connected, pbx_up)
            for choice in CHOICES
        },
    )


def waiting_text(waiting: Sequence[WaitingCaller], clock: ServerClock) -> str:
    if not waiting:
        return ""
    longest = max(clock.since(caller.since) for caller in waiting)
    count = f"{len(waiting)} caller{'s' if len(waiting) > 1 else ''} waiting"
    return f"{count}, longest {clock_text(longest)}"


def choice_command(
    choice: str, own: AgentStatus | None, reason: str = ""
) -> tuple[str, dict[str, Any]]:
    """The command a choice sends, given the agent's state now."""
    if choice == CHOOSE_AVAILABLE:
        if own is None or not own.logged_in:
            return CMD_AGENT_LOGIN, {}
        return CMD_AGENT_UNPAUSE, {}
    if choice == CHOOSE_PAUSE:
        return CMD_AGENT_PAUSE, {"reason": reason}
    if choice == CHOOSE_DND:
        return CMD_AGENT_DND, {"on": not (own is not None and own.dnd)}
    return CMD_AGENT_LOGOUT, {}


def choice_state(
    choice: str,
    own: AgentStatus,
    reasons: Sequence[str],
    capabilities: frozenset[str] | None,
    connected: bool,
    pbx_up: bool = True,
) -> ControlState:
    name, _ = choice_command(choice, own)
    refusal = agent_command_state(name, capabilities, connected, pbx_up)
    if refusal is not None:
        return refusal
    if choice == CHOOSE_AVAILABLE:
        if own.logged_in and not own.unpausable:
            already = own.state == AVAILABLE
            return ControlState(False, "You are available" if already else "You are not paused")
        return ControlState(True)
    if not own.logged_in:
        if choice == CHOOSE_LOGOUT:
            return ControlState(False, "You are logged out already")
        return ControlState(False, LOGGED_OUT_FIRST)
    if choice == CHOOSE_PAUSE and not reasons:
        return ControlState(False, "The server lists no pause reasons")
    return ControlState(True)
