"""What the request handlers share, stored on the app under one typed key."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from cti.broker.auth import AgentIdentity, FailureThrottle
from cti.broker.commands import CommandService
from cti.broker.hub import Broker
from cti.broker.metrics import BrokerMetrics
from cti.broker.settings import BrokerSettings


class Directory(Protocol):
    """Contact lookup for the REST API; served by cti/lookup when the app wires it."""

    async def lookup(self, number: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class BrokerContext:
    settings: BrokerSettings
    broker: Broker
    commands: CommandService
    throttle: FailureThrottle
    metrics: BrokerMetrics
    directory: Directory | None

    async def authenticate(self, token: str, address: str) -> AgentIdentity | None:
        """Check a token; an address with recent failures waits longer for every answer."""
        delay = self.throttle.delay(address)
        if delay > 0:
            await asyncio.sleep(delay)
        identity = self.broker.agents.authenticate(token)
        if identity is None:
            self.metrics.auth_failures += 1
            self.throttle.failed(address)
        else:
            self.throttle.succeeded(address)
        return identity


BROKER_CONTEXT = web.AppKey("broker_context", BrokerContext)


def peer_address(request: web.Request) -> str:
    return request.remote or "unknown"
