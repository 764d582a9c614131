"""The FastAGI listener: a thin asyncio transport around `AgiSession`.

Connections are bounded by ``max_connections``. When the server is full, a connection
that has not sent its ``agi_*`` block within ``evict_after_seconds`` gives way: the oldest
such session is closed (outcome ``evicted``) and the new connection takes its slot.
Asterisk sends the block as soon as it connects, so silent or stalled clients cannot
crowd out real calls. Only when no session is evictable is the new connection closed at
once (Asterisk then continues the dialplan with nothing set). A flood costs a socket
each, never memory or time on the loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cti.agi.session import AgiSession, CallerLookup
from cti.agi.settings import AgiSettings

log = logging.getLogger(__name__)

SHED_LOG_INTERVAL = 5.0
"""Seconds between two warnings about connections that sent no ``agi_*`` block (closed at
the budget, evicted or refused): a flood of them must not flood the log."""
SHED = ("idle", "evicted", "refused")


@dataclass
class AgiStats:
    """Sessions by outcome (``exact``, ``none``, ``timeout``, ``hangup``...) and their time."""

    outcomes: Counter[str] = field(default_factory=Counter)
    refused: int = 0  # closed at once: full, and no session evictable
    seconds_total: float = 0.0
    seconds_max: float = 0.0

    def record(self, outcome: str, seconds: float) -> None:
        self.outcomes[outcome] += 1
        self.seconds_total += seconds
        self.seconds_max = max(self.seconds_max, seconds)

    @property
    def sessions(self) -> int:
        return sum(self.outcomes.values())

    def prometheus_lines(self) -> list[str]:
        """These counters in Prometheus text format, for GET /metrics."""
        by_outcome = sorted(self.outcomes.items())
        return [
            "# HELP cti_agi_sessions_total FastAGI sessions served, by outcome.",
            "# TYPE cti_agi_sessions_total counter",
            *(f'cti_agi_sessions_total{{outcome="{o}"}} {n}' for o, n in by_outcome),
            "# HELP cti_agi_refused_total FastAGI connections closed at once (max_connections).",
            "# TYPE cti_agi_refused_total counter",
            f"cti_agi_refused_total {self.refused}",
            "# HELP cti_agi_session_seconds_total Time FastAGI sessions held their calls.",
            "# TYPE cti_agi_session_seconds_total counter",
            f"cti_agi_session_seconds_total {self.seconds_total!r}",
            "# HELP cti_agi_session_seconds_max Longest FastAGI session so far.",
            "# TYPE cti_agi_session_seconds_max gauge",
            f"cti_agi_session_seconds_max {self.seconds_max!r}",
        ]


class AgiServer:
    """Listens for ``AGI(agi://host:port/lookup)``; `start()`, then `stop()`.

    ``lookup`` is called for each session, so a reloaded lookup service is picked up.
    """

    def __init__(self, settings: AgiSettings, lookup: Callable[[], CallerLookup]) -> None:
        self.settings = settings
        self.stats = AgiStats()
        self.port: int | None = None
        self._lookup = lookup
        self._server: asyncio.Server | None = None
        self._sessions: dict[AgiSession, None] = {}  # oldest first
        self._shed = Counter[str]()  # idle, evicted and refused since the last warning
        self._last_shed_log = float("-inf")

    @property
    def open_sessions(self) -> int:
        return len(self._sessions)

    async def start(self) -> None:
        settings = self.settings
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._new_session, settings.host, settings.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("FastAGI listening on agi://%s:%d/lookup", settings.host, self.port)

    async def stop(self) -> None:
        """Stop listening and end the sessions in progress (Asterisk sees them close)."""
        if self._server is None:
            return
        self._server.close()
        sessions = list(self._sessions)
        lookups = [s.lookup_task for s in sessions if s.lookup_task is not None]
        for session in sessions:
            session.finish("stopped")
        await asyncio.gather(*lookups, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None
        log.info("FastAGI stopped")

    def _new_session(self) -> asyncio.Protocol:
        if len(self._sessions) >= self.settings.max_connections and not self._evict_one():
            return _Refused(self._refused)
        session = AgiSession(self.settings, self._lookup(), self._session_done)
        self._sessions[session] = None
        return session

    def _evict_one(self) -> bool:
        """Close the oldest session still without its ``agi_*`` block after the grace."""
        cutoff = asyncio.get_running_loop().time() - self.settings.evict_after_seconds
        for session in self._sessions:
            if session.started > cutoff:
                return False  # this one and every later one are too young
            if session.may_give_way():
                session.finish("evicted")
                return True
        return False

    def _session_done(self, session: AgiSession, outcome: str) -> None:
        self._sessions.pop(session, None)
        elapsed = asyncio.get_running_loop().time() - session.started
        self.stats.record(outcome, elapsed)
        if outcome in SHED:
            self._shed_one(outcome)

    def _refused(self) -> None:
        self.stats.refused += 1
        self._shed_one("refused")

    def _shed_one(self, how: str) -> None:
        self._shed[how] += 1
        now = time.monotonic()
        if now - self._last_shed_log < SHED_LOG_INTERVAL:
            return
        log.warning(*self._shed_message())
        self._shed.clear()
        self._last_shed_log = now

    def _shed_message(self) -> tuple[Any, ...]:
        """The warning's format and arguments, naming only what happened."""
        settings, shed = self.settings, self._shed
        parts: list[str] = []
        args: list[Any] = []
        if shed["idle"]:
            parts.append("%d sent no agi_ block within the %.0f ms budget")
            args += [shed["idle"], settings.budget_seconds * 1000]
        if shed["evicted"]:
            parts.append("%d without one were closed to make room for new ones")
            args.append(shed["evicted"])
        if shed["refused"]:
            parts.append("%d were refused")
            args.append(shed["refused"])
        if shed["evicted"] or shed["refused"]:
            parts[-1] += " (agi.max_connections %d reached)"
            args.append(settings.max_connections)
        return ("FastAGI connections: " + "; ".join(parts), *args)


class _Refused(asyncio.Protocol):
    """A connection over the limit: closed as soon as it is made, nothing read."""

    def __init__(self, refused: Callable[[], None]) -> None:
        self._refused = refused

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()
        self._refused()
