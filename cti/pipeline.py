"""AMI events → call tracker → agent board: the one composition `cti serve` (cti.app)
and `cti replay` (cti.replay) share, so a replayed recording produces exactly what the
server would publish.

Each AMI event gives its call events first, then the agent and presence events they
and the AMI event caused. After every (re)connect `resync` reads what Asterisk has
live: device states and hints, the channels, the queues (members and waiting callers).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping

from cti.agents.board import AgentBoard
from cti.agents.devices import DeviceBook
from cti.agents.interfaces import AgentInterfaces
from cti.agents.members import QueueMembers
from cti.agents.roster import AgentProfile, AgentRoster
from cti.ami.messages import Event
from cti.calls.extensions import ExtensionRules
from cti.calls.resync import ListActionSender, resync_calls
from cti.calls.tracker import CallTracker
from cti.protocol import WireEvent

log = logging.getLogger(__name__)


class EventPipeline:
    def __init__(self, tracker: CallTracker, board: AgentBoard) -> None:
        self.tracker = tracker
        self.board = board

    @property
    def handled_events(self) -> frozenset[str]:
        """The AMI events worth parsing (see `AmiClient`'s ``events``)."""
        return self.tracker.handled_events | self.board.handled_events

    def handle(self, event: Event) -> list[WireEvent]:
        calls = self.tracker.handle(event)
        try:
            agents = self.board.handle(event, calls)
        except Exception:  # one odd event must never stop the calls' own events
            log.exception("agent board could not handle %s event", event.name)
            agents = []
        return [*calls, *agents]

    async def resync(self, client: ListActionSender) -> list[WireEvent]:
        """After a (re)connect: the call events of what changed meanwhile, then every
        agent's state and presence that differ from what was last sent."""
        devices = await _list_items(client, "DeviceStateList")
        hints = await _list_items(client, "ExtensionStateList")
        self.board.reload_devices(devices, hints)
        calls = await resync_calls(client, self.tracker, self.board.reload_members)
        return [*calls, *self.board.resynced(calls)]


def event_pipeline(
    rules: ExtensionRules,
    *,
    default_region: str | None = None,
    devices: Mapping[str, str] | None = None,
    profiles: Iterable[AgentProfile] = (),
    clock: Callable[[], float] = time.time,
) -> EventPipeline:
    """``devices`` maps agent extensions to their devices (``calls.dial_channel``), for
    member interfaces the channel patterns cannot read; ``profiles`` are the agents the
    config names (none for a replay: agents are learned from the events)."""
    interfaces = AgentInterfaces(rules, devices or {})
    tracker = CallTracker(rules, default_region=default_region, clock=clock)
    board = AgentBoard(
        QueueMembers(interfaces.extension_of),
        DeviceBook(interfaces.extension_of),
        AgentRoster(profiles),
        clock,
    )
    return EventPipeline(tracker, board)


async def _list_items(client: ListActionSender, action: str) -> list[Event]:
    """A list action's items; none when Asterisk refuses it (no permission, no module)."""
    try:
        response, items = await client.send_list_action(action)
    except Exception as exc:  # presence then starts from the events alone
        log.info("%s unavailable after connect: %s", action, exc)
        return []
    if not response.ok:
        log.info("%s refused by Asterisk: %s", action, response.message or response.status)
        return []
    return items
