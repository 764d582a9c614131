"""Device states of the simulated PBX, derived from its channels as Asterisk does.

A phone's state is chan_pjsip_devicestate's: no channel is NOT_INUSE, otherwise the
aggregate (devicestate.c) of its channels' states (Down NOT_INUSE, Ring and Up INUSE,
Ringing RINGING; RINGING with INUSE is RINGINUSE) or ONHOLD for a channel that was
told to hold (the far side of a phone's Hold, sip_queue_sip_agents_hold: the trunk).
States are cached: only a change is announced (DeviceStateChange), then the hint
(ExtensionStatus), then app_queue's view of each member on that phone
(QueueMemberStatus) and its ``Queue:<queue>_avail`` device, in the order of the
recordings. Local channels are not followed (their device states are not cached by
Asterisk, and no simulated agent is a Local channel).

`DeviceWatch.observe` reads the frames the simulator sends, so every scene (queue,
transfer, park, ChanSpy) reports its devices without knowing about them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cti.ami.fake_channels import format_frame
from cti.ami.messages import Event
from cti.sim.frames import CALL, device_state
from cti.sim.members import STATUS_OF, QueueBook, SimMember, sip_interface
from cti.sim.model import AGENT_CONTEXT

_CHANNEL_STATE = {0: "NOT_INUSE", 4: "INUSE", 5: "RINGING", 6: "INUSE"}
_ORDER = {  # devicestate.c ast_devstate_aggregate_add's state_order
    "UNKNOWN": 1,
    "NOT_INUSE": 3,
    "INUSE": 6,
    "BUSY": 7,
    "INVALID": 0,
    "UNAVAILABLE": 2,
    "RINGING": 5,
    "RINGINUSE": 8,
    "ONHOLD": 4,
}
_HINT = {  # pbx.c ast_devstate_to_extenstate and extension_states[]
    "NOT_INUSE": (0, "Idle"),
    "UNKNOWN": (0, "Idle"),
    "INUSE": (1, "InUse"),
    "BUSY": (2, "Busy"),
    "UNAVAILABLE": (4, "Unavailable"),
    "INVALID": (4, "Unavailable"),
    "RINGING": (8, "Ringing"),
    "RINGINUSE": (9, "InUse&Ringing"),
    "ONHOLD": (16, "Hold"),
}


def aggregate(states: Iterable[str]) -> str:
    """Several channels' device states as one (ast_devstate_aggregate_*)."""
    result, ringing, inuse = "INVALID", False, False
    for state in states:
        ringing = ringing or state == "RINGING"
        inuse = inuse or state in ("INUSE", "ONHOLD", "BUSY")
        if ringing and inuse:
            result = "RINGINUSE"
        elif _ORDER[state] > _ORDER[result]:
            result = state
    return result


def phone_device(channel: str) -> str | None:
    """``PJSIP/1001-0000000b`` → ``PJSIP/1001``; None for a channel of no phone."""
    if not channel.startswith("PJSIP/") or "-" not in channel:
        return None
    return channel.rsplit("-", 1)[0]


class DeviceCache:
    """Each device's last announced state: DeviceStateChange only for a change."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}

    def set(self, device: str, state: str) -> list[bytes]:
        if self.states.get(device) == state:
            return []
        self.states[device] = state
        return [device_state(device, state)]

    def get(self, device: str, default: str = "NOT_INUSE") -> str:
        return self.states.get(device, default)

    def list_items(self) -> list[list[tuple[str, str]]]:
        """DeviceStateList's items, every device known (the ActionID goes second)."""
        return [
            [("Event", "DeviceStateChange"), ("Device", device), ("State", state)]
            for device, state in self.states.items()
        ]


@dataclass(slots=True)
class _Channel:
    device: str
    state: str
    held: bool = False


class DeviceWatch:
    def __init__(
        self,
        cache: DeviceCache,
        book: QueueBook,
        phones: Iterable[str],
        on_free: Callable[[str], None] = lambda extension: None,
    ) -> None:
        """``phones`` are the simulated phones (agents, supervisors), each with a hint;
        ``on_free(extension)`` is told when an agent phone goes back to NOT_INUSE."""
        self.cache, self.book, self.on_free = cache, book, on_free
        self.hinted = list(phones)
        self._channels: dict[str, _Channel] = {}  # by Uniqueid
        self._by_device: dict[str, set[str]] = {}  # device -> Uniqueids
        self._bridges: dict[str, set[str]] = {}  # bridge id -> Uniqueids
        self._bridge_of: dict[str, str] = {}  # Uniqueid -> bridge id
        for phone in self.hinted:
            cache.set(sip_interface(phone), "NOT_INUSE")

    def prime(self) -> None:
        """The devices Asterisk has cached before anyone connects: the trunk, each
        member's pause device and each queue's availability (nobody is told)."""
        self.cache.set("PJSIP/trunk", "NOT_INUSE")
        for member in self.book.members():
            state = "INUSE" if member.paused else "NOT_INUSE"
            self.cache.set(f"Queue:{member.queue}_pause_{member.interface}", state)
        for queue in self.book.queues():
            self.availability(queue)

    def observe(self, event: Event) -> list[bytes]:
        """Frames to send right after `event` (a device of its channel changed)."""
        name, uniqueid = event.name, event.get("Uniqueid")
        if name in ("BridgeEnter", "BridgeLeave"):
            self._bridge(name, event.get("BridgeUniqueid"), uniqueid)
            return []
        if name in ("Hold", "Unhold"):
            return self._hold(uniqueid, name == "Hold")
        if name == "Newchannel":
            device = phone_device(event.get("Channel"))
            if device is None:
                return []
            self._channels[uniqueid] = _Channel(device, self._state_of(event))
            self._by_device.setdefault(device, set()).add(uniqueid)
            return []  # Asterisk looks again at a state change (ast_setstate), not before
        channel = self._channels.get(uniqueid)
        if channel is None:
            return []
        if name == "Newstate":
            channel.state = self._state_of(event)
        elif name == "Hangup":
            self._forget(uniqueid, channel)
        else:
            return []
        return self.refresh(channel.device)

    def refresh(self, device: str) -> list[bytes]:
        """Announce `device`'s state if it changed, with what follows from it."""
        channels = [self._channels[uniqueid] for uniqueid in self._by_device.get(device, ())]
        states = ["ONHOLD" if ch.held else ch.state for ch in channels]
        state = aggregate(states) if states else "NOT_INUSE"
        changed = self.cache.set(device, state)
        if not changed:
            return []
        extension = device.partition("/")[2]
        members = self.book.of_extension(extension)
        out = [*self._hint(extension, state), *changed]
        for member in members:
            out += self.member_status(member, STATUS_OF[state])
        if state == "NOT_INUSE" and members:
            self.on_free(extension)
        return out

    def member_status(self, member: SimMember, status: int) -> list[bytes]:
        """QueueMemberStatus for a member whose phone changed, then its queue's
        availability device."""
        member.status = status
        return [member.event("QueueMemberStatus"), *self.availability(member.queue)]

    def availability(self, queue: str) -> list[bytes]:
        """``Queue:<queue>_avail``: NOT_INUSE while some member could be rung."""
        free = any(member.available for member in self.book.members(queue))
        return self.cache.set(f"Queue:{queue}_avail", "NOT_INUSE" if free else "INUSE")

    def phone_status(self, extension: str | None) -> int:
        """A member's Status for the phone it rings (INVALID: no such phone)."""
        if extension is None:
            return STATUS_OF["INVALID"]
        return STATUS_OF[self.cache.get(sip_interface(extension))]

    def hint_items(self) -> list[list[tuple[str, str]]]:
        """ExtensionStateList's items: one hint per simulated phone (ActionID second)."""
        return [self._hint_pairs(phone) for phone in self.hinted]

    # -- internals -----------------------------------------------------------------------

    @staticmethod
    def _state_of(event: Event) -> str:
        try:
            return _CHANNEL_STATE.get(int(event.get("ChannelState")), "INUSE")
        except ValueError:
            return "INUSE"

    def _forget(self, uniqueid: str, channel: _Channel) -> None:
        del self._channels[uniqueid]
        mine = self._by_device[channel.device]
        mine.discard(uniqueid)
        if not mine:
            del self._by_device[channel.device]
        self._bridge("BridgeLeave", self._bridge_of.get(uniqueid, ""), uniqueid)

    def _bridge(self, name: str, bridge: str, uniqueid: str) -> None:
        if name == "BridgeEnter":
            self._bridges.setdefault(bridge, set()).add(uniqueid)
            self._bridge_of[uniqueid] = bridge
            return
        members = self._bridges.get(bridge)
        if members is not None:
            members.discard(uniqueid)
            if not members:
                del self._bridges[bridge]
        if self._bridge_of.get(uniqueid) == bridge:
            del self._bridge_of[uniqueid]

    def _hold(self, holder: str, on: bool) -> list[bytes]:
        """The phone that holds tells the far side of its bridge to hold (chan_pjsip's
        hold flag is on the channel that is told, not the one that asked)."""
        out: list[bytes] = []
        bridge = self._bridge_of.get(holder)
        for uniqueid in sorted(self._bridges.get(bridge or "", set()) - {holder}):
            channel = self._channels.get(uniqueid)
            if channel is not None:
                channel.held = on
                out += self.refresh(channel.device)
        return out

    def _hint(self, extension: str, state: str) -> list[bytes]:
        if extension not in self.hinted:
            return []
        status, text = _HINT[state]
        pairs = [("Event", "ExtensionStatus"), ("Privilege", CALL)]
        pairs += [("Exten", extension), ("Context", AGENT_CONTEXT)]
        pairs += [("Hint", sip_interface(extension))]
        return [format_frame([*pairs, ("Status", str(status)), ("StatusText", text)])]

    def _hint_pairs(self, extension: str) -> list[tuple[str, str]]:
        status, text = _HINT[self.cache.get(sip_interface(extension))]
        return [
            ("Event", "ExtensionStatus"),
            ("Exten", extension),
            ("Context", AGENT_CONTEXT),
            ("Hint", sip_interface(extension)),
            ("Status", str(status)),
            ("StatusText", text),
        ]
