"""After every (re)connect, bring the tracker in line with what Asterisk has live.

Events lost while the connection was down are gone for good; CoreShowChannels (and
QueueStatus for the queue of waiting callers) tell what is live now. The tracker ends
the calls that vanished and learns the ones that appeared, without popping twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from cti.ami.messages import Event, Response
from cti.calls.tracker import CallTracker
from cti.protocol import DomainEvent

log = logging.getLogger(__name__)


class ListActionSender(Protocol):
    async def send_list_action(
        self,
        name: str,
        fields: Mapping[str, str | Sequence[str]] | None = None,
        *,
        timeout: float | None = None,
    ) -> tuple[Response, list[Event]]: ...


async def resync_calls(
    client: ListActionSender,
    tracker: CallTracker,
    on_queue_status: Callable[[list[Event]], None] | None = None,
) -> list[DomainEvent]:
    """``on_queue_status`` gets QueueStatus's items (queue members too) before the
    tracker is reconciled, so whoever follows the tracker sees current memberships."""
    known_before = tracker.begin_resync()
    try:
        response, items = await client.send_list_action("CoreShowChannels")
    except Exception as exc:  # a failed resync must not stop the event stream
        log.warning("call resync failed: CoreShowChannels: %s", exc)
        return []
    if not response.ok:
        log.warning(
            "call resync refused by Asterisk (%s): give the AMI user read and write "
            "'system,call,reporting' so live calls survive a reconnect",
            response.message or response.status,
        )
        return []
    channels = [item for item in items if item.name == "CoreShowChannel"]
    queue_items = await _queue_status(client)
    if on_queue_status is not None and queue_items is not None:
        on_queue_status(queue_items)
    entries = [item for item in queue_items or () if item.name == "QueueEntry"]
    return tracker.reconcile(known_before, channels, entries)


async def _queue_status(client: ListActionSender) -> list[Event] | None:
    """QueueStatus's items, or None when it failed (then nothing is replaced)."""
    try:
        response, items = await client.send_list_action("QueueStatus")
    except Exception as exc:
        log.info("QueueStatus unavailable during resync: %s", exc)
        return None
    if not response.ok:
        return None
    return items
