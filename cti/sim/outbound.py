"""Click-to-dial: an Originate rings the agent's own phone first, then the number.

The event order follows ``click_to_dial_originate.raw``: the agent leg is the
call's first channel (so its Uniqueid is the Linkedid), it is dialled by nobody
(DialBegin without a caller snapshot), and only after it answers does Asterisk
dial the outside party and report OriginateResponse.
"""

from __future__ import annotations

from cti.sim import frames as f
from cti.sim.frames import STATE_RINGING, STATE_UP
from cti.sim.model import TRUNK, SimCall
from cti.sim.scenes import Frames, Scenes


class OutboundScenes:
    def __init__(self, scenes: Scenes) -> None:
        self.scenes = scenes
        self.state = scenes.state

    def agent_rings(self, call: SimCall) -> Frames:
        agent = call.origin
        call.started = self.scenes.clock()
        out = [f.channel_event("Newchannel", agent)]
        dial_string = [("DialString", agent.extension or "")]
        out.append(f.dial_event("DialBegin", None, agent, dial_string))
        agent.state = STATE_RINGING
        out.append(f.channel_event("Newstate", agent))
        out.append(f.dial_event("DialState", None, agent, [("DialStatus", "RINGING")]))
        return out

    def agent_answers(self, call: SimCall, context: str, number: str, action_id: str) -> Frames:
        """The agent picked up: Asterisk now runs context,number and dials the trunk."""
        agent = call.origin
        out = self.agent_picks_up(call, context, number, "Dial", f"PJSIP/{number}@{TRUNK},60")
        remote = self.state.new_leg(call, TRUNK)
        remote.exten = number
        out.append(f.channel_event("Newchannel", remote))
        remote.cid_num, remote.cid_name = number, agent.cid_name
        remote.conn_num, remote.conn_name = agent.cid_num, agent.cid_name
        presentation = [("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")]
        out.append(f.channel_event("NewCallerid", remote, presentation))
        out.append(f.dial_event("DialBegin", agent, remote, [("DialString", f"{number}@{TRUNK}")]))
        return [*out, self.originated(call, context, number, action_id)]

    def agent_picks_up(
        self, call: SimCall, context: str, exten: str, application: str, data: str
    ) -> Frames:
        agent = call.origin
        agent.state = STATE_UP
        out = [f.channel_event("Newstate", agent)]
        out.append(f.dial_event("DialEnd", None, agent, [("DialStatus", "ANSWER")]))
        agent.context, agent.exten, agent.priority = context, exten, 1
        return [*out, f.newexten(agent, application, data)]

    def originated(self, call: SimCall, context: str, exten: str, action_id: str) -> bytes:
        agent = call.origin
        cid = (agent.uniqueid, agent.cid_num, agent.cid_name)
        return f.originate_response(action_id, True, agent.name, context, exten, cid)

    def remote_rings(self, call: SimCall) -> Frames:
        out: Frames = []
        for remote in call.ringing_legs():
            remote.state = STATE_RINGING
            out.append(f.channel_event("Newstate", remote))
            out.append(f.dial_event("DialState", call.origin, remote, [("DialStatus", "RINGING")]))
        return out

    def remote_answers(self, call: SimCall) -> Frames:
        legs = call.ringing_legs()
        if not legs:
            return []
        remote = legs[0]
        remote.state = STATE_UP
        out = [f.channel_event("Newstate", remote)]
        out.append(f.dial_event("DialEnd", call.origin, remote, [("DialStatus", "ANSWER")]))
        return out + self.scenes.bridge(call, remote)

    def failed(
        self, action_id: str, channel: str, context: str, exten: str, application: bool = False
    ) -> Frames:
        """Asterisk could not create the channel (``actions_responses.raw``, Reason 0);
        for an application, `context` and `exten` are its name and data."""
        cid = (f.UNKNOWN, f.UNKNOWN, f.UNKNOWN)
        response = f.originate_response(
            action_id, False, channel, context, exten, cid, application=application
        )
        return [response]
