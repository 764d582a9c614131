"""The base types of the wire protocol: parties, the event classes' roots, timestamps.

Split from `cti.protocol` (which re-exports all of it) so the call events and the
contact-centre events (`cti.protocol_centre`) can share them; like `cti.protocol`, it
imports nothing from the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Party:
    """The external party of a call: the caller on inbound calls, the callee on outbound."""

    number: str | None
    name: str | None
    number_e164: str | None = None
    anonymous: bool = False

    def data(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "number_e164": self.number_e164,
            "name": self.name,
            "anonymous": self.anonymous,
        }


@dataclass(frozen=True, slots=True)
class Called:
    """What the caller dialled: the extension/queue reached and the DID it came in on."""

    number: str | None
    did: str | None

    def data(self) -> dict[str, Any]:
        return {"number": self.number, "did": self.did}


@dataclass(frozen=True, slots=True, kw_only=True)
class WireEvent:
    """Base of every event pushed to desktops.

    `audience` is the set of agent extensions the event is meant for; it drives
    routing in the broker and never travels on the wire. An event type with
    `everyone` set goes to every agent and supervisor whatever its audience.
    """

    type: ClassVar[str] = ""
    everyone: ClassVar[bool] = False
    audience: frozenset[str] = field(default=frozenset(), compare=False)

    def data(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent(WireEvent):
    """An event about one call; `call_id` is the call's Linkedid."""

    call_id: str

    def data(self) -> dict[str, Any]:
        return {"call_id": self.call_id}


def utc_timestamp() -> str:
    """ISO-8601 UTC with milliseconds, as used in the event envelope."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_utc(seconds: float) -> str:
    """Unix seconds as ISO-8601 UTC with milliseconds, the form of every time on the wire."""
    when = datetime.fromtimestamp(seconds, UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
