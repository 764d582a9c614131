"""PJSIPNotify (how a desk phone is answered remotely) and a write-less AMI user.

Texts are res_pjsip_notify.c's and manager.c's: ``NOTIFY sent``, ``Unable to retrieve
endpoint <name>``; a user without write permission gets ``Permission denied`` followed
by a RequestNotAllowed security event, as in the readonly_permissions recording.
"""

from __future__ import annotations

import logging

from cti.ami.fake_channels import format_frame
from cti.ami.fake_session import ActionHandler, ActionRequest, FakeAmiConnection, Reply
from cti.sim.actions import error
from cti.sim.frames import SimChannel
from cti.sim.model import PbxState, SimCall
from cti.sim.player import Player
from cti.sim.scenes import Scenes

logger = logging.getLogger(__name__)

ANSWER_EVENTS = frozenset({"talk", "answer", "answer-after"})
_ONE_TARGET = "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel."
_TOO_MANY = "PJSIPNotify action can not handle more than one of endpoint name, URI, or channel."
_NO_CONTENT = "PJSIPNotify requires either an Option or Variable(s)."


def variables(action: ActionRequest) -> list[str]:
    repeated = action.lists.get("Variable")
    return (
        list(repeated)
        if repeated
        else [action.field("Variable")]
        if action.field("Variable")
        else []
    )


class PhoneNotify:
    """A NOTIFY with an answer event makes the endpoint's ringing phone go off-hook."""

    def __init__(self, state: PbxState, scenes: Scenes, player: Player) -> None:
        self.state, self.scenes, self.player = state, scenes, player

    async def pjsip_notify(self, conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        targets = [action.field(key) for key in ("Endpoint", "URI", "Channel")]
        given = [target for target in targets if target]
        if not given:
            return error(_ONE_TARGET)
        if len(given) > 1:
            return error(_TOO_MANY)
        found = variables(action)
        if not found and not action.field("Option"):
            return error(_NO_CONTENT)
        endpoint = targets[0] or self._endpoint_of_channel(targets[2])
        if targets[0] and endpoint not in self.state.agent_names:
            return error(f"Unable to retrieve endpoint {endpoint}")
        if targets[2] and endpoint is None:
            return error(f"Unable to find channel {targets[2]}")
        event = next((v.partition("=")[2] for v in found if v.lower().startswith("event=")), "")
        if endpoint is not None and event.strip().lower() in ANSWER_EVENTS:
            self._answer(endpoint)
        return {"Message": "NOTIFY sent"}

    def _endpoint_of_channel(self, name: str) -> str | None:
        found = self.state.channels.get(name)
        return None if found is None else found[1].extension

    def _answer(self, endpoint: str) -> None:
        for call in list(self.state.calls.values()):
            leg = next((leg for leg in call.ringing_legs() if leg.extension == endpoint), None)
            if leg is not None and call.consultation is None and not call.ended:
                self._pick_up(call, leg)
                return

    def _pick_up(self, call: SimCall, leg: SimChannel) -> None:
        logger.info("simulated phone %s answers on NOTIFY", leg.extension)
        self.player.send_soon(self.scenes.answer(call, leg))


def write_guarded(handler: ActionHandler, allowed: bool, username: str) -> ActionHandler:
    """``handler``, or Asterisk's refusal for a user whose manager.conf ``write`` lacks it."""
    if allowed:
        return handler

    async def refuse(conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        conn.respond(action, "Error", {"Message": "Permission denied"})
        conn.write(request_not_allowed(username, action.name))
        return None

    return refuse


def request_not_allowed(username: str, action_name: str) -> bytes:
    return format_frame(
        [
            ("Event", "RequestNotAllowed"),
            ("Privilege", "security,all"),
            ("Severity", "Error"),
            ("Service", "AMI"),
            ("EventVersion", "1"),
            ("AccountID", username),
            ("RequestType", f"Action: {action_name}"),
        ]
    )
