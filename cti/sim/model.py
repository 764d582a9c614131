"""What the simulated PBX knows: its calls, their channels, and how ids are made.

Ids follow Asterisk's shapes: Uniqueid ``<epoch>.<counter>``, channel names
``PJSIP/<endpoint>-<8 hex>`` from one global sequence, bridge ids as UUID4, all
drawn from counters and a seeded ``random.Random`` so runs repeat exactly.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cti.sim.frames import STATE_DOWN, STATE_RING, UNKNOWN, Bridge, SimChannel

if TYPE_CHECKING:
    from cti.sim.scripts import CallPlan

TRUNK = "trunk"
AGENT_CONTEXT = "sip-phones"
INBOUND_CONTEXT = "from-trunk"


class IdAllocator:
    """Uniqueids, channel-name suffixes and bridge ids in Asterisk's formats."""

    def __init__(self, epoch: int, rng: random.Random) -> None:
        self.epoch = epoch
        self._counter = 0
        self._sequence = 0
        self._rng = rng

    def uniqueid(self) -> str:
        self._counter += 1
        return f"{self.epoch}.{self._counter}"

    def channel_name(self, endpoint: str) -> str:
        self._sequence += 1
        return f"PJSIP/{endpoint}-{self._sequence:08x}"

    def local_name(self, exten: str, context: str) -> str:
        """A Local channel pair's name without its ``;1``/``;2`` half."""
        self._sequence += 1
        return f"Local/{exten}@{context}-{self._sequence:08x}"

    def bridge_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


@dataclass(slots=True, eq=False)
class Consultation:
    """An attended transfer (AMI Atxfer): the transferer in a bridge of its own with the
    target's Local channel (``;1``), whose other half (``;2``) dials the agent."""

    transferer: SimChannel
    target: SimChannel
    dialer: SimChannel
    agent: SimChannel | None  # the target agent's phone leg (None: no such agent)
    bridge: Bridge  # the consultation bridge: transferer and target
    second: Bridge | None = None  # dialer and agent, once the agent answered
    exten: str = ""
    answered: bool = False
    blond: bool = False  # the transferer hung up before the target answered
    done: bool = False  # ended without a transfer


@dataclass(eq=False)
class SimCall:
    """One call: the channel that started it (its Uniqueid is the Linkedid) and its legs."""

    origin: SimChannel
    queue: str | None = None
    #: legs the origin dialled (agents, or the outside party of a click-to-dial), by name
    legs: dict[str, SimChannel] = field(default_factory=dict)
    bridge: Bridge | None = None
    held: bool = False
    started: float = 0.0  # simulated seconds, for HoldTime and TalkTime
    ringing_since: float | None = None  # when the queue last rang members (RingTime)
    answered: float | None = None  # when an agent answered (TalkTime)
    plan: CallPlan | None = None  # how a queue call goes once members ring for it
    consultation: Consultation | None = None
    #: after an attended transfer the caller talks to the target through its Local pair
    handover: Consultation | None = None
    parked_at: tuple[int, int, float] | None = None  # (space, timeout, since) while parked
    parkee: SimChannel | None = None  # the parked channel (the caller, or a dialled party)
    ended: bool = False
    task: asyncio.Task[None] | None = None

    @property
    def call_id(self) -> str:
        return self.origin.linkedid

    def channels(self) -> Iterator[SimChannel]:
        yield self.origin
        yield from self.legs.values()

    def ringing_legs(self) -> list[SimChannel]:
        return [leg for leg in self.legs.values() if leg.bridge is None]

    def agent_in_bridge(self) -> SimChannel | None:
        """The agent side of the conversation: the one who hangs up when talk time is over."""
        if self.bridge is None:
            return None
        return next((ch for ch in self.bridge.members if ch.extension is not None), None)


class PbxState:
    """Live calls and channels; the only place channels are created or forgotten."""

    def __init__(self, ids: IdAllocator, agent_names: dict[str, str]) -> None:
        self.ids = ids
        self.agent_names = agent_names
        self.calls: dict[str, SimCall] = {}
        self.channels: dict[str, tuple[SimCall, SimChannel]] = {}
        self.busy: set[str] = set()

    def new_caller(
        self, number: str, name: str, exten: str, endpoint: str = TRUNK, context: str = ""
    ) -> SimCall:
        uniqueid = self.ids.uniqueid()
        channel = SimChannel(
            name=self.ids.channel_name(endpoint),
            uniqueid=uniqueid,
            linkedid=uniqueid,
            cid_num=number,
            cid_name=name,
            context=context or INBOUND_CONTEXT,
            exten=exten,
            extension=endpoint if endpoint in self.agent_names else None,
        )
        call = SimCall(origin=channel)
        self.calls[call.call_id] = call
        self.channels[channel.name] = (call, channel)
        if channel.extension is not None:
            self.busy.add(channel.extension)
        return call

    def new_leg(self, call: SimCall, endpoint: str) -> SimChannel:
        """A channel the call's origin dials: an agent phone or the trunk (outside party)."""
        is_agent = endpoint in self.agent_names
        channel = SimChannel(
            name=self.ids.channel_name(endpoint),
            uniqueid=self.ids.uniqueid(),
            linkedid=call.call_id,
            cid_num=endpoint if is_agent else UNKNOWN,
            cid_name=self.agent_names[endpoint] if is_agent else UNKNOWN,
            context=AGENT_CONTEXT if is_agent else TRUNK,
            extension=endpoint if is_agent else None,
        )
        call.legs[channel.name] = channel
        self.channels[channel.name] = (call, channel)
        if is_agent:
            self.busy.add(endpoint)
        return channel

    def new_local_pair(
        self, call: SimCall, exten: str, context: str
    ) -> tuple[SimChannel, SimChannel]:
        """``Local/<exten>@<context>`` halves with the call's Linkedid (not legs of it)."""
        name = self.ids.local_name(exten, context)
        halves = []
        for half, state in ((";1", STATE_DOWN), (";2", STATE_RING)):
            channel = SimChannel(
                name=name + half,
                uniqueid=self.ids.uniqueid(),
                linkedid=call.call_id,
                state=state,
                context=context,
                exten=exten,
            )
            self.channels[channel.name] = (call, channel)
            halves.append(channel)
        return halves[0], halves[1]

    def new_consult_leg(self, call: SimCall, exten: str) -> SimChannel | None:
        """The target agent's phone leg of a consultation, or None for no such agent."""
        if exten not in self.agent_names:
            return None
        channel = SimChannel(
            name=self.ids.channel_name(exten),
            uniqueid=self.ids.uniqueid(),
            linkedid=call.call_id,
            cid_num=exten,
            cid_name=self.agent_names[exten],
            context=AGENT_CONTEXT,
            exten=exten,
            extension=exten,
        )
        self.channels[channel.name] = (call, channel)
        self.busy.add(exten)
        return channel

    def forget(self, call: SimCall, channel: SimChannel) -> None:
        """A channel hung up."""
        self.channels.pop(channel.name, None)
        call.legs.pop(channel.name, None)
        if channel.extension is not None:
            self.busy.discard(channel.extension)
        if channel is call.origin:
            call.ended = True
        if call.ended and not call.legs:
            self.calls.pop(call.call_id, None)

    def adopt(self, call: SimCall, other: SimCall) -> None:
        """`other`'s first channel joins `call` (a parked-call pickup) and `other` is gone."""
        channel = other.origin
        self.calls.pop(other.call_id, None)
        channel.linkedid = call.call_id
        call.legs[channel.name] = channel
        self.channels[channel.name] = (call, channel)

    def free_agents(self, candidates: list[str]) -> list[str]:
        return [ext for ext in candidates if ext not in self.busy]

    def new_bridge(self) -> Bridge:
        return Bridge(self.ids.bridge_id())
