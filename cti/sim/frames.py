"""AMI event frames with Asterisk 22's exact header sets and order.

Every builder here copies a frame shape from the recordings in
``tests/fixtures/ami`` (mostly ``sip_queue_sip_agents_hold.raw``), so a client
cannot tell the simulator's events from a real PBX's by their fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cti.ami.fake_channels import format_frame

Pairs = list[tuple[str, str]]

STATE_DOWN, STATE_RING, STATE_RINGING, STATE_UP = 0, 4, 5, 6
STATE_DESC = {STATE_DOWN: "Down", STATE_RING: "Ring", STATE_RINGING: "Ringing", STATE_UP: "Up"}
CAUSE_TEXT = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    16: "Normal Clearing",
    17: "User busy",
    19: "No user responding",
    21: "Call Rejected",
    26: "Answered elsewhere",
}
UNKNOWN = "<unknown>"
CALL, AGENT, DIALPLAN = "call,all", "agent,all", "dialplan,all"
_ESCAPED = str.maketrans({'"': '\\"', "'": "\\'", "?": "\\?", "\\": "\\\\"})


def escape_name(name: str) -> str:
    """Asterisk C-escapes caller names in channel snapshots (not in OriginateResponse)."""
    return name.translate(_ESCAPED)


@dataclass(slots=True)
class SimChannel:
    """One simulated channel; its fields are the snapshot every channel event carries."""

    name: str
    uniqueid: str
    linkedid: str
    state: int = STATE_DOWN
    cid_num: str = UNKNOWN
    cid_name: str = UNKNOWN
    conn_num: str = UNKNOWN
    conn_name: str = UNKNOWN
    context: str = ""
    exten: str = "s"
    priority: int = 1
    extension: str | None = None  # the agent extension of an agent leg
    bridge: Bridge | None = None
    variables: dict[str, str] = dataclasses.field(default_factory=dict)  # AMI Setvar
    member: tuple[str, str] | None = None  # a queue member's (Interface, MemberName)

    def snapshot(self, prefix: str = "") -> Pairs:
        return [
            (prefix + "Channel", self.name),
            (prefix + "ChannelState", str(self.state)),
            (prefix + "ChannelStateDesc", STATE_DESC.get(self.state, "Unknown")),
            (prefix + "CallerIDNum", self.cid_num),
            (prefix + "CallerIDName", escape_name(self.cid_name)),
            (prefix + "ConnectedLineNum", self.conn_num),
            (prefix + "ConnectedLineName", escape_name(self.conn_name)),
            (prefix + "Language", "en"),
            (prefix + "AccountCode", ""),
            (prefix + "Context", self.context),
            (prefix + "Exten", self.exten),
            (prefix + "Priority", str(self.priority)),
            (prefix + "Uniqueid", self.uniqueid),
            (prefix + "Linkedid", self.linkedid),
        ]

    def variant(self, **changes: object) -> SimChannel:
        """A copy as one event shows it (AgentCalled shows the member before DialBegin does)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(slots=True)
class Bridge:
    uniqueid: str
    members: list[SimChannel] = dataclasses.field(default_factory=list)
    kind: str = "basic"
    technology: str = "simple_bridge"

    def pairs(self) -> Pairs:
        return [
            ("BridgeUniqueid", self.uniqueid),
            ("BridgeType", self.kind),
            ("BridgeTechnology", self.technology),
            ("BridgeCreator", UNKNOWN),
            ("BridgeName", UNKNOWN),
            ("BridgeNumChannels", str(len(self.members))),
            ("BridgeVideoSourceMode", "none"),
        ]


def event(name: str, privilege: str, *parts: Pairs) -> bytes:
    pairs: Pairs = [("Event", name), ("Privilege", privilege)]
    for part in parts:
        pairs += part
    return format_frame(pairs)


def channel_event(name: str, channel: SimChannel, extra: Pairs | None = None) -> bytes:
    """Newchannel, Newstate, NewCallerid, NewConnectedLine, MusicOnHold*, Hold, ..."""
    return event(name, CALL, channel.snapshot(), extra or [])


def agent_event(name: str, channel: SimChannel, extra: Pairs) -> bytes:
    """QueueCallerJoin/Leave/Abandon: the caller's snapshot under agent privilege."""
    return event(name, AGENT, channel.snapshot(), extra)


def dial_event(
    name: str, caller: SimChannel | None, dest: SimChannel, extra: Pairs, privilege: str = CALL
) -> bytes:
    """DialBegin/State/End and Agent*: the caller and a ``Dest`` snapshot of the callee."""
    caller_part = caller.snapshot() if caller is not None else []
    return event(name, privilege, caller_part, dest.snapshot("Dest"), extra)


def newexten(channel: SimChannel, application: str, data: str) -> bytes:
    extra = [("Extension", channel.exten), ("Application", application), ("AppData", data)]
    return event("Newexten", DIALPLAN, channel.snapshot(), extra)


def var_set(channel: SimChannel, variable: str, value: str) -> bytes:
    return event("VarSet", DIALPLAN, channel.snapshot(), [("Variable", variable), ("Value", value)])


def device_state(device: str, state: str) -> bytes:
    return event("DeviceStateChange", CALL, [("Device", device), ("State", state)])


def hangup(channel: SimChannel, cause: int) -> bytes:
    text = CAUSE_TEXT.get(cause, "Unknown")
    return channel_event("Hangup", channel, [("Cause", str(cause)), ("Cause-txt", text)])


def bridge_event(name: str, bridge: Bridge, channel: SimChannel | None = None) -> bytes:
    return event(name, CALL, bridge.pairs(), channel.snapshot() if channel is not None else [])


def originate_response(
    action_id: str,
    ok: bool,
    channel: str,
    context: str,
    exten: str,
    cid: tuple[str, str, str],
    *,
    application: bool = False,
) -> bytes:
    """OriginateResponse; `cid` is (Uniqueid, number, name), the name travels unescaped.

    An Originate of an application (``application``) names it and its data where a
    dialplan one has Context and Exten (chanspy_listen); `context`, `exten` are those.
    """
    pairs: Pairs = [("Event", "OriginateResponse"), ("Privilege", CALL)]
    if action_id:
        pairs.append(("ActionID", action_id))
    where = ("Application", "Data") if application else ("Context", "Exten")
    pairs += [
        ("Response", "Success" if ok else "Failure"),
        ("Channel", channel),
        (where[0], context),
        (where[1], exten),
        ("Reason", "4" if ok else "0"),
        ("Uniqueid", cid[0]),
        ("CallerIDNum", cid[1]),
        ("CallerIDName", cid[2]),
    ]
    return format_frame(pairs)
