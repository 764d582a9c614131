"""Publishing in order: the events of one call, and of one agent, never overtake each
other, while a pop waits for its contact lookup (and the agent states behind it wait
with it)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Collection, Iterable
from functools import partial

from cti.broker import BrokerMetrics
from cti.lookup import LookupService
from cti.protocol import AgentState, CallQueued, CallRinging, DomainEvent, Presence, WireEvent

log = logging.getLogger(__name__)

LOOKUP_GRACE = 0.05
"""Seconds past the lookup budget before the pop goes out without a contact anyway."""

Enriched = CallRinging | CallQueued
"""Events that carry the caller and wait for the contact lookup before they go out."""


class PopPipeline:
    """Publishes events in order; a ringing or queued caller waits for its contact.

    A call with a lookup in progress has a chain: the task of its latest event. Later
    events of that call wait for it, so a hang-up never overtakes its own pop. An agent's
    events chain the same way, by agent and behind the calls whose events caused them,
    so an agent's state never overtakes its pop nor an earlier state. Events with no
    chain to wait for are published at once.
    """

    def __init__(
        self,
        publish: Callable[[WireEvent], None],
        lookup: LookupService,
        metrics: BrokerMetrics,
    ) -> None:
        self.lookup = lookup
        self._publish_now = publish
        self._metrics = metrics
        self._tails: dict[str, asyncio.Task[None]] = {}

    def feed(self, event: WireEvent, after: Iterable[str] = ()) -> None:
        """``after``: the calls whose events came from the same AMI event as this one."""
        keys = chain_keys(event, after)
        tails = {self._tails[key] for key in keys if key in self._tails}
        if not tails and not isinstance(event, Enriched):
            self._publish(event)
            return
        task = asyncio.create_task(self._after(tails, event, time.monotonic()))
        for key in keys:
            self._tails[key] = task
        task.add_done_callback(partial(self._done, keys))

    async def close(self) -> None:
        tails = set(self._tails.values())
        for task in tails:
            task.cancel()
        await asyncio.gather(*tails, return_exceptions=True)

    def _done(self, keys: Collection[str], task: asyncio.Task[None]) -> None:
        for key in keys:
            if self._tails.get(key) is task:
                del self._tails[key]

    async def _after(
        self, previous: set[asyncio.Task[None]], event: WireEvent, queued: float
    ) -> None:
        if previous:
            await asyncio.wait(previous)
        if isinstance(event, Enriched):
            if isinstance(event, CallRinging):
                self._metrics.observe("tracker_to_lookup", time.monotonic() - queued)
            event = await self.enrich(event)
        self._publish(event)

    async def enrich(self, event: Enriched) -> Enriched:
        """The event with its contact; on failure or timeout it goes with contact null."""
        lookup = self.lookup
        started = time.monotonic()
        try:
            async with asyncio.timeout(lookup.settings.budget_seconds + LOOKUP_GRACE):
                result = await lookup.lookup(event.caller.number)
        except Exception as exc:
            log.warning("no contact for call %s, lookup failed: %r", event.call_id, exc)
            return event
        finally:
            self._metrics.observe("lookup", time.monotonic() - started)
        fields = result.pop_fields()
        e164 = result.number_e164 or event.caller.number_e164
        return dataclasses.replace(
            event,
            caller=dataclasses.replace(event.caller, number_e164=e164),
            contact=fields["contact"],
            matches=tuple(fields["matches"]),
        )

    def _publish(self, event: WireEvent) -> None:
        try:
            self._publish_now(event)
        except Exception:  # one bad event must not stop the ones after it
            log.exception("could not publish %s", event.type)


def chain_keys(event: WireEvent, after: Iterable[str] = ()) -> frozenset[str]:
    """The chains an event waits for and extends: its call, or its agent (and the calls
    that caused it)."""
    keys = set(after)
    if isinstance(event, DomainEvent):
        keys.add(event.call_id)
    elif isinstance(event, AgentState):
        keys.add(f"agent:{event.extension or event.interface}")
        if event.call_id is not None:
            keys.add(event.call_id)
    elif isinstance(event, Presence):
        keys.add(f"presence:{event.extension}")
    return frozenset(keys)
