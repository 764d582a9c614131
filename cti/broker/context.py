"""What the request handlers share, stored on the app under one typed key."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from cti.broker.auth import AgentIdentity, FailureThrottle
from cti.broker.commands import CommandService
from cti.broker.hub import Broker
from cti.broker.interaction_commands import InteractionDesk
from cti.broker.metrics import BrokerMetrics
from cti.broker.pending import PendingHellos
from cti.broker.sessions import WriteBatch
from cti.broker.settings import BrokerSettings
from cti.reports.service import ReportBook

log = logging.getLogger(__name__)


class Directory(Protocol):
    """Contact lookup for the REST API; served by cti/lookup when the app wires it."""

    async def lookup(self, number: str) -> list[dict[str, Any]]: ...


class ContactBook(Directory, Protocol):
    """The contact store behind the REST contact routes; served by cti/lookup.

    Writes also forget cached lookups of the numbers concerned, so the next pop shows them.
    """

    def search(self, text: str, limit: int) -> list[dict[str, Any]]: ...

    def contact(self, contact_id: int, history: int) -> dict[str, Any] | None:
        """The contact with its phones and its newest `history` interactions."""
        ...

    def create_contact(
        self, name: str, phones: list[tuple[str, str | None]], details: dict[str, Any]
    ) -> dict[str, Any]:
        """Raises ValueError naming the field when a number is not a phone number."""
        ...

    def add_interaction(self, contact_id: int, record: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class CallNote:
    """An after-call note just saved (POST /api/interactions), for who listens to notes."""

    call_id: str
    disposition: str
    notes: str | None


@dataclass(frozen=True, slots=True)
class BrokerContext:
    settings: BrokerSettings
    broker: Broker
    commands: CommandService
    throttle: FailureThrottle
    metrics: BrokerMetrics
    directory: Directory | None
    pending: PendingHellos
    contacts: ContactBook | None = None
    reports: ReportBook | None = None
    """The call records' reports (`GET /api/reports/...`); None answers not-configured."""
    interactions: InteractionDesk | None = None
    """The universal queue (`interaction.*` commands); None answers not-configured."""
    note_listeners: list[Callable[[CallNote], None]] = field(default_factory=list)
    """Told every note saved (POST /api/interactions): it ends a wrap-up, the records
    keep its disposition."""
    writes: WriteBatch = field(default_factory=WriteBatch)
    """Every session's frames of one turn of the event loop, written at its end."""

    def note_saved(self, note: CallNote) -> None:
        """A listener that fails is logged; the note itself is saved already."""
        for listener in self.note_listeners:
            try:
                listener(note)
            except Exception:
                log.exception("note listener failed for call %s", note.call_id)

    async def authenticate(self, token: str, address: str) -> AgentIdentity | None:
        """Check a token at once; only a bad one waits, longer after each recent failure.

        Agents behind one NAT share an address: someone else's guessing must not hold up
        their correct tokens. A success does not forget the address's failures, so a
        holder of one valid token cannot reset the slow-down while guessing others.
        """
        identity = self.broker.agents.authenticate(token)
        if identity is not None:
            return identity
        self.metrics.auth_failures += 1
        delay = self.throttle.delay(address)
        self.throttle.failed(address)
        if delay > 0:
            await asyncio.sleep(delay)
        return None


BROKER_CONTEXT = web.AppKey("broker_context", BrokerContext)


def peer_address(request: web.Request) -> str:
    return request.remote or "unknown"
