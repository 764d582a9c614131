"""A supervisor's actions on one agent, without Qt: which may be pressed now (and why not),
and the command each one sends.

Listen, whisper and barge ring the supervisor's own phone into the agent's call, so they
need the agent on a call; force pause, unpause and log out act on the agent's queues and
need its account (`agent`), which a member no account names has not. Every action also
needs the broker to list its command in the welcome's `capabilities`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cti.protocol import (
    CMD_AGENT_LOGOUT,
    CMD_AGENT_PAUSE,
    CMD_AGENT_UNPAUSE,
    CMD_SUPERVISOR_BARGE,
    CMD_SUPERVISOR_LISTEN,
    CMD_SUPERVISOR_WHISPER,
    ON_CALL,
)
from desktop.centredata import AgentStatus
from desktop.controls import ControlState, command_state
from desktop.text import visible_text

SPY_ACTIONS = (CMD_SUPERVISOR_LISTEN, CMD_SUPERVISOR_WHISPER, CMD_SUPERVISOR_BARGE)
QUEUE_ACTIONS = (CMD_AGENT_PAUSE, CMD_AGENT_UNPAUSE, CMD_AGENT_LOGOUT)
ACTIONS = (*SPY_ACTIONS, *QUEUE_ACTIONS)
ACTION_LABELS = {
    CMD_SUPERVISOR_LISTEN: "Listen",
    CMD_SUPERVISOR_WHISPER: "Whisper",
    CMD_SUPERVISOR_BARGE: "Barge in",
    CMD_AGENT_PAUSE: "Force pause",
    CMD_AGENT_UNPAUSE: "Unpause",
    CMD_AGENT_LOGOUT: "Log out",
}
ACTION_TIPS = {
    CMD_SUPERVISOR_LISTEN: "Your phone rings; pick it up to hear the call, unheard",
    CMD_SUPERVISOR_WHISPER: "Your phone rings; the agent hears you, the caller does not",
    CMD_SUPERVISOR_BARGE: "Your phone rings; the agent and the caller both hear you",
    CMD_AGENT_PAUSE: "Pause the agent in every queue, with the reason chosen",
    CMD_AGENT_UNPAUSE: "End the agent's pause, wrap-up or do not disturb",
    CMD_AGENT_LOGOUT: "Take the agent out of its queues",
}
NO_AGENT = "Choose an agent in the list first"


def action_state(
    action: str,
    status: AgentStatus | None,
    capabilities: frozenset[str] | None,
    connected: bool,
    pbx_up: bool = True,
    reasons: Sequence[str] = (),
) -> ControlState:
    refusal = command_state(action, capabilities, connected, pbx_up)
    if refusal is not None:
        if capabilities is not None and action not in capabilities:
            return ControlState(False, "The server does not let you do this")
        return refusal
    if status is None:
        return ControlState(False, NO_AGENT)
    if status.extension is None:
        return ControlState(False, "This queue member matches no agent of the server")
    if action in SPY_ACTIONS:
        if status.state != ON_CALL:
            return ControlState(False, "Only while the agent talks on a call")
        return ControlState(True)
    if status.agent is None:
        return ControlState(False, "No agent account has this extension")
    if not status.logged_in:
        return ControlState(False, "The agent is logged out")
    if action == CMD_AGENT_PAUSE and not reasons:
        return ControlState(False, "The server lists no pause reasons")
    if action == CMD_AGENT_UNPAUSE and not status.unpausable:
        return ControlState(False, "The agent is not paused")
    return ControlState(True)


def action_states(
    status: AgentStatus | None,
    capabilities: frozenset[str] | None,
    connected: bool,
    pbx_up: bool = True,
    reasons: Sequence[str] = (),
) -> dict[str, ControlState]:
    return {
        action: action_state(action, status, capabilities, connected, pbx_up, reasons)
        for action in ACTIONS
    }


def action_command(action: str, status: AgentStatus, reason: str = "") -> dict[str, Any]:
    """The command's args: spying names the agent's extension, the others its account."""
    if action in SPY_ACTIONS:
        return {"extension": status.extension}
    args: dict[str, Any] = {"agent": status.agent}
    if action == CMD_AGENT_PAUSE:
        args["reason"] = reason
    return args


def action_result(action: str, status: AgentStatus, ok: bool, message: str, error: str) -> str:
    """One line for the wallboard: what was done to whom, and the server's answer."""
    who = visible_text(status.agent or status.extension or status.key)
    label = ACTION_LABELS.get(action, action)
    if ok:
        return f"{label} {who}: done" + (f" - {message}" if message else "")
    return f"{label} {who} failed: {message or f'no reason given ({error})'}"
