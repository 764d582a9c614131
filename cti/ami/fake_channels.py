"""What the fake AMI server knows about live channels and queues.

Built only from the events the server has sent, so a replayed recording answers
CoreShowChannels and QueueStatus the way Asterisk would have at that moment. The
field sets and their order are copied from Asterisk 22 (actions_responses.raw).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

#: Channel snapshot fields every channel event carries, in Asterisk's order.
SNAPSHOT_KEYS = (
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
)
#: QueueMember fields of a QueueStatus answer, and where QueueMemberStatus keeps them.
MEMBER_KEYS = (
    ("Name", "MemberName"),
    ("Location", "Interface"),
    ("StateInterface", "StateInterface"),
    ("Membership", "Membership"),
    ("Penalty", "Penalty"),
    ("CallsTaken", "CallsTaken"),
    ("LastCall", "LastCall"),
    ("LastPause", "LastPause"),
    ("LoginTime", "LoginTime"),
    ("InCall", "InCall"),
    ("Status", "Status"),
    ("Paused", "Paused"),
    ("PausedReason", "PausedReason"),
    ("Wrapuptime", "Wrapuptime"),
)

Pairs = list[tuple[str, str]]


def format_frame(pairs: Iterable[tuple[str, str]]) -> bytes:
    """``Key: value`` lines and the blank line that ends an AMI frame."""
    return "".join(f"{key}: {value}\r\n" for key, value in pairs).encode() + b"\r\n"


def list_frames(
    action_id: str, message: str, complete: str, items: list[Pairs], *, item_id_last: bool
) -> list[bytes]:
    """The three-part answer of a list action: start, one event per item, completion."""
    tag: Pairs = [("ActionID", action_id)] if action_id else []
    start = [("Response", "Success"), *tag, ("EventList", "start"), ("Message", message)]
    frames = [format_frame(start)]
    for event, *fields in items:
        frames.append(
            format_frame([event, *fields, *tag] if item_id_last else [event, *tag, *fields])
        )
    done = [("Event", complete), *tag, ("EventList", "Complete"), ("ListItems", str(len(items)))]
    frames.append(format_frame(done))
    return frames


class ChannelTable:
    """Live channels keyed by Uniqueid; Newchannel adds, Hangup removes."""

    def __init__(self) -> None:
        self.channels: dict[str, dict[str, str]] = {}
        self._born: dict[str, float] = {}

    def apply(self, name: str, headers: Mapping[str, str]) -> None:
        uniqueid = headers.get("Uniqueid")
        if uniqueid is None or "ChannelState" not in headers:
            return  # not a channel snapshot (OriginateResponse, LocalBridge, ...)
        if name == "Hangup":
            self.channels.pop(uniqueid, None)
            self._born.pop(uniqueid, None)
            return
        channel = self.channels.get(uniqueid)
        if channel is None:
            if name != "Newchannel":
                return  # late event of a channel already gone (NewCallerid after Hangup)
            channel = self.channels[uniqueid] = {"Application": "", "ApplicationData": ""}
            channel["BridgeId"] = ""
            self._born[uniqueid] = time.monotonic()
        channel.update((key, headers[key]) for key in SNAPSHOT_KEYS if key in headers)
        if name == "Newexten":
            channel["Application"] = headers.get("Application", "")
            channel["ApplicationData"] = headers.get("AppData", "")
        elif name == "BridgeEnter":
            channel["BridgeId"] = headers.get("BridgeUniqueid", "")
        elif name == "BridgeLeave":
            channel["BridgeId"] = ""

    def core_show_channels(self, action_id: str) -> list[bytes]:
        items = [self._item(uniqueid, channel) for uniqueid, channel in self.channels.items()]
        return list_frames(
            action_id,
            "Channels will follow",
            "CoreShowChannelsComplete",
            items,
            item_id_last=False,
        )

    def _item(self, uniqueid: str, channel: dict[str, str]) -> Pairs:
        seconds = int(time.monotonic() - self._born[uniqueid])
        duration = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        pairs: Pairs = [("Event", "CoreShowChannel")]
        pairs += [(key, channel.get(key, "")) for key in SNAPSHOT_KEYS]
        pairs += [
            ("Application", channel["Application"]),
            ("ApplicationData", channel["ApplicationData"]),
            ("Duration", duration),
            ("BridgeId", channel["BridgeId"]),
        ]
        return pairs


class QueueTable:
    """Queue callers (QueueCallerJoin/Leave/Abandon) and members (QueueMemberStatus)."""

    def __init__(self) -> None:
        self.callers: dict[str, dict[str, dict[str, str]]] = {}
        self.members: dict[str, dict[str, dict[str, str]]] = {}
        self._joined: dict[str, float] = {}

    def apply(self, name: str, headers: Mapping[str, str]) -> None:
        queue = headers.get("Queue")
        if queue is None:
            return
        if name == "QueueCallerJoin":
            self.callers.setdefault(queue, {})[headers.get("Uniqueid", "")] = dict(headers)
            self._joined[headers.get("Uniqueid", "")] = time.monotonic()
            self.members.setdefault(queue, {})
        elif name in ("QueueCallerLeave", "QueueCallerAbandon"):
            self.callers.get(queue, {}).pop(headers.get("Uniqueid", ""), None)
        elif name == "QueueMemberStatus":
            self.members.setdefault(queue, {})[headers.get("Interface", "")] = dict(headers)
            self.callers.setdefault(queue, {})

    def queue_status(self, action_id: str, only: str = "") -> list[bytes]:
        items: list[Pairs] = []
        for queue in sorted(set(self.callers) | set(self.members)):
            if only and queue != only:
                continue
            callers = self.callers.get(queue, {})
            items.append(self._params(queue, len(callers)))
            members = self.members.get(queue, {})
            for _, member in sorted(members.items()):
                items.append(
                    [("Event", "QueueMember"), ("Queue", queue)]
                    + [(key, member.get(source, "")) for key, source in MEMBER_KEYS]
                )
            for position, (uniqueid, caller) in enumerate(callers.items(), start=1):
                items.append(self._entry(queue, position, uniqueid, caller))
        return list_frames(
            action_id, "Queue status will follow", "QueueStatusComplete", items, item_id_last=True
        )

    @staticmethod
    def _params(queue: str, calls: int) -> Pairs:
        zeros = ("Holdtime", "TalkTime", "Completed", "Abandoned", "ServiceLevel")
        return [
            ("Event", "QueueParams"),
            ("Queue", queue),
            ("Max", "0"),
            ("Strategy", "ringall"),
            ("Calls", str(calls)),
            *((key, "0") for key in zeros),
            ("ServicelevelPerf", "0.0"),
            ("ServicelevelPerf2", "0.0"),
            ("Weight", "0"),
        ]

    def _entry(self, queue: str, position: int, uniqueid: str, caller: dict[str, str]) -> Pairs:
        wait = int(time.monotonic() - self._joined.get(uniqueid, time.monotonic()))
        keys = ("CallerIDNum", "CallerIDName", "ConnectedLineNum", "ConnectedLineName")
        return [
            ("Event", "QueueEntry"),
            ("Queue", queue),
            ("Position", str(position)),
            ("Channel", caller.get("Channel", "")),
            ("Uniqueid", uniqueid),
            *((key, caller.get(key, "")) for key in keys),
            ("Wait", str(wait)),
            ("Priority", "0"),
        ]
