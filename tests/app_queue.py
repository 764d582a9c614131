"""app_queue's member table for tests: QueueAdd, QueueRemove and QueuePause answered as
Asterisk 22 answers them, with its texts and its QueueMember* event shapes.

The texts are apps/app_queue.c's (manager_add/remove/pause_queue_member) and the shapes
those of the queue_pause and queue_member_dynamic recordings; tests/unit/test_app_queue_fake.py
holds this model against both recordings. Used directly by unit tests (`AppQueueSender`)
and behind the loopback FakeAmiServer by integration tests (`serve_app_queue`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cti.agents.members import QueueMembers
from cti.ami.fake_channels import format_frame
from cti.ami.fake_server import FakeAmiServer
from cti.ami.fake_session import ActionRequest, FakeAmiConnection, Reply
from cti.ami.messages import Event, Response

Pairs = list[tuple[str, str]]
_TRUE = frozenset({"yes", "true", "y", "t", "1", "on"})  # ast_true
QUEUE_ACTIONS = ("QueueAdd", "QueueRemove", "QueuePause")


@dataclass(slots=True)
class FakeMember:
    queue: str
    interface: str
    name: str
    state_interface: str
    membership: str = "dynamic"
    penalty: str = "0"
    paused: bool = False
    reason: str = ""
    login_time: int = field(default_factory=lambda: int(time.time()))
    last_pause: int = 0

    def pairs(self, event: str) -> Pairs:
        """The event's fields in Asterisk 22's order (queue_member_dynamic.raw)."""
        return [
            ("Event", event),
            ("Privilege", "agent,all"),
            ("Queue", self.queue),
            ("MemberName", self.name),
            ("Interface", self.interface),
            ("StateInterface", self.state_interface),
            ("Membership", self.membership),
            ("Penalty", self.penalty),
            ("CallsTaken", "0"),
            ("LastCall", "0"),
            ("LastPause", str(self.last_pause)),
            ("LoginTime", str(self.login_time)),
            ("InCall", "0"),
            ("Status", "1"),
            ("Paused", "1" if self.paused else "0"),
            ("PausedReason", self.reason),
            ("Ringinuse", "0"),
            ("Wrapuptime", "0"),
        ]


class AppQueue:
    """Queues and members; ``write_allowed`` False answers like a user without `agent`."""

    def __init__(self, queues: Iterable[str]) -> None:
        self.queues = set(queues)
        self.members: dict[tuple[str, str], FakeMember] = {}
        self.write_allowed = True
        self.actions: list[tuple[str, dict[str, str]]] = []

    def static(self, queue: str, interface: str, name: str) -> FakeMember:
        """A ``member =>`` line of queues.conf."""
        member = FakeMember(queue, interface, name, interface, membership="static")
        self.members[(queue, interface)] = member
        return member

    def act(self, action: str, fields: Mapping[str, str]) -> tuple[dict[str, str], list[Pairs]]:
        """``(response fields with Response, events that follow it)``."""
        self.actions.append((action, dict(fields)))
        if not self.write_allowed:
            return _error("Permission denied"), []
        handler = {
            "queueadd": self._add,
            "queueremove": self._remove,
            "queuepause": self._pause,
        }[action.lower()]
        return handler(fields)

    def queue_status(self) -> list[Event]:
        """QueueStatus's QueueMember items (Name/Location, as Asterisk lists them)."""
        items = []
        for member in self.members.values():
            pairs = dict(member.pairs("QueueMember")[2:])
            pairs["Name"], pairs["Location"] = pairs.pop("MemberName"), pairs.pop("Interface")
            items.append(Event(headers=pairs, name="QueueMember"))
        return items

    def _add(self, fields: Mapping[str, str]) -> tuple[dict[str, str], list[Pairs]]:
        queue, interface = fields.get("Queue", ""), fields.get("Interface", "")
        if not queue:
            return _error("'Queue' not specified."), []
        if not interface:
            return _error("'Interface' not specified."), []
        if queue not in self.queues:
            return _error("Unable to add interface to queue: No such queue"), []
        if (queue, interface) in self.members:
            return _error("Unable to add interface: Already there"), []
        member = FakeMember(
            queue,
            interface,
            fields.get("MemberName") or interface,
            fields.get("StateInterface") or interface,
            penalty=fields.get("Penalty") or "0",
            paused=fields.get("Paused", "").lower() in _TRUE,
            reason=fields.get("Reason", ""),
        )
        self.members[(queue, interface)] = member
        return _ok("Added interface to queue"), [member.pairs("QueueMemberAdded")]

    def _remove(self, fields: Mapping[str, str]) -> tuple[dict[str, str], list[Pairs]]:
        queue, interface = fields.get("Queue", ""), fields.get("Interface", "")
        if not queue or not interface:
            return _error("Need 'Queue' and 'Interface' parameters."), []
        if queue not in self.queues:
            return _error("Unable to remove interface from queue: No such queue"), []
        member = self.members.get((queue, interface))
        if member is None:
            return _error("Unable to remove interface: Not there"), []
        if member.membership != "dynamic":
            return _error("Member not dynamic"), []
        del self.members[(queue, interface)]
        return _ok("Removed interface from queue"), [member.pairs("QueueMemberRemoved")]

    def _pause(self, fields: Mapping[str, str]) -> tuple[dict[str, str], list[Pairs]]:
        interface, paused_text = fields.get("Interface", ""), fields.get("Paused", "")
        if not interface or not paused_text:
            return _error("Need 'Interface' and 'Paused' parameters."), []
        paused, queue = paused_text.lower() in _TRUE, fields.get("Queue", "")
        found = [
            m for (q, i), m in self.members.items() if i == interface and (not queue or q == queue)
        ]
        if not found:
            return _error("Interface not found"), []
        for member in found:
            member.paused, member.reason = paused, fields.get("Reason", "") if paused else ""
            member.last_pause = int(time.time()) if paused else member.last_pause
        message = "Interface paused successfully" if paused else "Interface unpaused successfully"
        return _ok(message), [member.pairs("QueueMemberPause") for member in found]


def _ok(message: str) -> dict[str, str]:
    return {"Response": "Success", "Message": message}


def _error(message: str) -> dict[str, str]:
    return {"Response": "Error", "Message": message}


def as_event(pairs: Pairs) -> Event:
    return Event(headers=dict(pairs), name=pairs[0][1])


class AppQueueSender:
    """An `ActionSender` answering queue actions from `AppQueue`; the member events go to
    ``members`` before the answer returns, as if Asterisk's events had been read."""

    def __init__(self, app_queue: AppQueue, members: QueueMembers | None = None) -> None:
        self.app_queue, self.members = app_queue, members

    @property
    def sent(self) -> list[tuple[str, dict[str, str]]]:
        return self.app_queue.actions

    async def send_action(self, name: str, fields: dict[str, str]) -> Response:
        reply, events = self.app_queue.act(name, fields)
        for pairs in events:
            if self.members is not None:
                self.members.handle(as_event(pairs))
        status = reply.pop("Response")
        return Response(headers={"Response": status, **reply}, status=status)


def serve_app_queue(server: FakeAmiServer, app_queue: AppQueue) -> None:
    """Answer QueueAdd/Remove/Pause on ``server``: the response, then the member events
    (Asterisk's order); QueueStatus lists the members."""

    async def handler(conn: FakeAmiConnection, action: ActionRequest) -> Reply:
        reply, events = app_queue.act(action.name, action.headers)
        conn.respond(action, reply.pop("Response"), reply)
        await server.send_frames([format_frame(pairs) for pairs in events])
        _sync_status(server, app_queue)
        return None

    for name in QUEUE_ACTIONS:
        server.handle(name, handler)
    _sync_status(server, app_queue)


def _sync_status(server: FakeAmiServer, app_queue: AppQueue) -> None:
    table = server.queues.members
    for queue in app_queue.queues:
        table[queue] = {}
        server.queues.callers.setdefault(queue, {})
    for member in app_queue.members.values():
        server.queues.apply("QueueMemberStatus", dict(member.pairs("QueueMemberStatus")))
