"""Call-control actions of the simulated PBX, answered with Asterisk 22's own texts.

Success messages come from the recordings (``Channel Hungup``, ``Redirect
successful``, ``Transfer succeeded``, ``Originate successfully queued``); error
texts are those of Asterisk's manager.c (``No such channel``, ``Channel does not
exist: <name>``, ``Channel specified does not exist``, ``Originate failed``).
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.sim import frames as f
from cti.sim.frames import SimChannel
from cti.sim.model import AGENT_CONTEXT, Consultation, PbxState, SimCall
from cti.sim.player import Player
from cti.sim.scenes import Scenes
from cti.sim.scripts import CallPlan, ScriptBuilder
from cti.sim.spy import APPLICATION, SpyScenes

logger = logging.getLogger(__name__)

PARKED_CALLS = "parkedcalls"
NO_PROMPT_DELAY = 0.0  # the lab has no pbx-transfer prompt: Asterisk gives up at once
_CALLER_ID = re.compile(r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<number>[^>]*)>\s*$')


class Planner(Protocol):
    def plan(self, *, abandon: bool = False, hold: bool = False) -> CallPlan: ...


def error(message: str) -> dict[str, str]:
    return {"Response": "Error", "Message": message}


def parse_caller_id(text: str, default: tuple[str, str]) -> tuple[str, str]:
    """``"Agent 1001" <1001>`` -> (number, name); a bare number keeps the default name."""
    match = _CALLER_ID.match(text)
    if match:
        return match["number"], match["name"].strip() or default[1]
    return (text.strip(), default[1]) if text.strip() else default


class SimActions:
    """Hangup, Redirect, BlindTransfer, Setvar, Atxfer, Park and Originate on the
    simulated calls."""

    def __init__(
        self,
        state: PbxState,
        scenes: Scenes,
        builder: ScriptBuilder,
        player: Player,
        planner: Planner,
        spy: SpyScenes,
    ) -> None:
        self.state, self.scenes, self.builder = state, scenes, builder
        self.player, self.planner, self.spy = player, planner, spy

    async def hangup(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        name = action.field("Channel")
        if not name:
            return error("No channel specified")
        found = self.state.channels.get(name)
        if found is None:
            return error("No such channel")
        try:
            cause = int(action.field("Cause") or 16)
        except ValueError:
            cause = 16
        call, channel = found
        if call.consultation is not None and self._in_consultation(call.consultation, channel):
            self._hang_up_consulting(call, channel, cause)
        elif call.handover is not None and (
            channel is call.origin or self._in_consultation(call.handover, channel)
        ):
            frames = self.builder.atxfer.hang_up_handover(call, call.handover, cause)
            self.player.play(call, [(0.0, lambda: frames)])
        elif call.parkee is channel:
            frames = self.builder.transfers.give_up(call, cause)
            self.player.play(call, [(0.0, lambda: frames)])
        elif channel.bridge is not None:
            frames = self.scenes.hang_up_bridged(call, channel, cause)
            self.player.play(call, [(0.0, lambda: frames)])
        elif channel is call.origin:
            frames = self.scenes.abandon(call, cause)
            self.player.play(call, [(0.0, lambda: frames)])
        else:  # one ringing leg: the call goes on ringing the others
            self.player.send_soon(self.scenes.reject(call, channel, cause))
        return {"Message": "Channel Hungup"}

    @staticmethod
    def _in_consultation(consultation: Consultation, channel: SimChannel) -> bool:
        parts = (consultation.target, consultation.dialer, consultation.agent)
        return channel is consultation.transferer or any(channel is part for part in parts)

    def _hang_up_consulting(self, call: SimCall, channel: SimChannel, cause: int) -> None:
        """The transferer hanging up completes the transfer (before the answer too: the
        target goes on ringing for the caller); the target side hanging up cancels it."""
        consultation, atxfer = call.consultation, self.builder.atxfer
        assert consultation is not None
        if channel is not consultation.transferer:
            frames = atxfer.returned(call, consultation, target_first=True)
        elif not consultation.answered:
            self.player.send_soon(atxfer.complete_blond(call, consultation))
            return  # the consultation's own script lets the target answer
        else:
            frames = atxfer.complete(call, consultation)
        talk = self.builder.talk(call, self.planner.plan())
        self.player.play(call, [(0.0, lambda: frames), *talk])

    async def redirect(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        name = action.field("Channel")
        if not name:
            return error("Channel not specified")
        found = self.state.channels.get(name)
        if found is None:
            return error(f"Channel does not exist: {name}")
        call, channel = found
        context, exten = action.field("Context", channel.context), action.field("Exten")
        if channel is not call.origin or call.bridge is None or channel.extension is not None:
            # the simulator has dialplan only for an answered caller; others just leave
            await self.hangup(conn, action)
            return {"Message": "Redirect successful"}
        frames = self.scenes.leave_for(call, channel, context, exten, blind=False)
        self._continue_at(call, frames, exten)
        return {"Message": "Redirect successful"}

    async def blind_transfer(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        target = self._transfer_request(action)
        if not isinstance(target, tuple):
            return target
        call, channel, exten = target
        if channel.bridge is None or channel is call.origin or call.origin.extension is not None:
            return error("Transfer invalid")
        context = action.field("Context") or channel.context
        frames = self.scenes.leave_for(call, call.origin, context, exten, blind=True)
        self._continue_at(call, frames, exten)
        return {"Message": "Transfer succeeded"}

    def _transfer_request(
        self, action: ActionRequest
    ) -> tuple[SimCall, SimChannel, str] | dict[str, str]:
        """The channel and target of a BlindTransfer/Atxfer, or Asterisk's error reply."""
        name, exten = action.field("Channel"), action.field("Exten")
        if not name:
            return error("No channel specified")
        if not exten:
            return error("No extension specified")
        found = self.state.channels.get(name)
        if found is None:
            return error("Channel specified does not exist")
        call, channel = found
        return call, channel, exten

    def _continue_at(self, call: SimCall, frames: list[bytes], exten: str) -> None:
        known = exten in self.state.agent_names
        script = self.builder.to_target(call, exten, known, self.planner.plan())
        self.player.play(call, [(0.0, lambda: frames), *script.steps])

    async def setvar(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        variable, name = action.field("Variable"), action.field("Channel")
        if not variable:
            return error("No variable specified")
        if not name:
            return {"Message": "Variable Set"}  # a global variable: nothing simulated reads it
        found = self.state.channels.get(name)
        if found is None:
            return error("No such channel")
        channel, value = found[1], action.field("Value")
        channel.variables[variable] = value
        self.player.send_soon([f.var_set(channel, variable, value)])
        return {"Message": "Variable Set"}

    async def atxfer(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        """Queues ``*2`` on the channel, like Asterisk; without TRANSFER_EXTEN naming an
        agent the feature gets no target (no prompt, see `cti.sim.atxfer`)."""
        target = self._transfer_request(action)
        if not isinstance(target, tuple):
            return target
        call, channel, _exten = target
        bridged_agent = channel.bridge is not None and channel is not call.origin
        idle = call.consultation is None and call.handover is None and call.parkee is None
        if not (bridged_agent and idle and call.origin.extension is None):
            return {"Message": "Atxfer successfully queued"}  # the DTMF does nothing there
        atxfer, plan = self.builder.atxfer, self.planner.plan()
        context = action.field("Context") or channel.context
        channel.variables["TRANSFER_CONTEXT"] = context
        frames = atxfer.feature_code(call, channel)
        wanted = channel.variables.get("TRANSFER_EXTEN", "")
        if wanted not in self.state.agent_names:
            steps = [(0.0, lambda: frames)]
            steps.append((NO_PROMPT_DELAY, lambda: atxfer.no_target(call, channel)))
            self.player.play(call, [*steps, *self.builder.talk(call, plan)])
            return {"Message": "Atxfer successfully queued"}
        consult, consultation = atxfer.consult(call, channel, wanted, context)
        script = self.builder.attended(call, consultation, plan)
        self.player.play(call, [(0.0, lambda: frames + consult), *script.steps])
        return {"Message": "Atxfer successfully queued"}

    async def park(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        name = action.field("Channel")
        if not name:
            return error("Channel not specified")
        found = self.state.channels.get(name)
        if found is None:
            return error(f"Channel does not exist: {name}")
        call, channel = found
        bridge = call.bridge
        if bridge is None or channel not in bridge.members or call.consultation is not None:
            return error("Park action failed\n")  # nobody to park it from
        if call.parkee is not None or call.handover is not None:
            return error("Park action failed\n")
        try:
            timeout = int(action.field("Timeout") or 45000) // 1000
        except ValueError:
            timeout = 45
        taken = {c.parked_at[0] for c in self.state.calls.values() if c.parked_at}
        space = next(number for number in range(701, 801) if number not in taken)
        frames = self.builder.transfers.park(call, channel, space, timeout)
        self.player.play(call, [(0.0, lambda: frames)])
        return {"Message": "Park successful\n"}  # sic: Asterisk's text ends in a bare LF

    def _parked(self, space: str) -> SimCall | None:
        return next(
            (c for c in self.state.calls.values() if c.parked_at and str(c.parked_at[0]) == space),
            None,
        )

    async def originate(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        target = action.field("Channel")
        if not target:
            return error("Channel not specified")
        is_async = action.field("Async").lower() in ("true", "yes", "1", "on")
        application = action.field("Application")
        context, exten = action.field("Context", "default"), action.field("Exten", "s")
        if application:
            context, exten = application, action.field("Data")
        tech, _, endpoint = target.partition("/")
        parked = self._parked(exten) if context == PARKED_CALLS and not application else None
        known = tech.upper() == "PJSIP" and endpoint in self.state.agent_names
        runnable = not application or application.lower() == APPLICATION.lower()
        if not known or not runnable or (context == PARKED_CALLS and parked is None):
            if not is_async:
                return error("Originate failed")
            outbound = self.builder.outbound
            action_id = action.field("ActionID")
            failed = outbound.failed(action_id, target, context, exten, bool(application))
            self.player.send_soon(failed)
            return {"Message": "Originate successfully queued"}
        default = (endpoint, self.state.agent_names[endpoint])
        number, cid_name = parse_caller_id(action.field("CallerID"), default)
        call = self.state.new_caller(number, cid_name, "s", endpoint, AGENT_CONTEXT)
        plan, action_id = self.planner.plan(), action.field("ActionID")
        if application:
            self.player.play(call, self.spy.script(call, exten, action_id, plan))
            logger.info("simulated ChanSpy from %s on %s", endpoint, exten)
        elif parked is not None:
            script = self.builder.unpark(parked, call, exten, action_id, plan)
            self.player.play(parked, script.steps)
        else:
            script = self.builder.click_to_dial(call, context, exten, action_id, plan)
            self.player.play(call, script.steps)
            logger.info("simulated click-to-dial from %s to %s", endpoint, exten)
        return {"Message": "Originate successfully queued"}
