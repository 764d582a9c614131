"""Who an agent is, from the token it presents; and slowing down token guessing."""

from __future__ import annotations

import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

Role = Literal["agent", "supervisor"]


@dataclass(frozen=True, slots=True)
class AgentIdentity:
    agent_id: str
    extension: str
    role: Role = "agent"

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


class AgentDirectory:
    """Token → identity. Every lookup compares against every token in constant time.

    Comparing all tokens (no early exit, no dict lookup) keeps the response time
    independent of how close a guess was and of which token matched.
    """

    def __init__(self, tokens: dict[str, AgentIdentity]) -> None:
        if any(not token for token in tokens):
            raise ValueError("agent tokens must not be empty")
        self._entries = [(token.encode(), identity) for token, identity in tokens.items()]

    def identities(self) -> list[AgentIdentity]:
        return [identity for _, identity in self._entries]

    def authenticate(self, token: str) -> AgentIdentity | None:
        # surrogatepass: a token with a lone surrogate matches no configured token (those
        # are valid UTF-8) and must be refused like any other bad token, not crash.
        presented = token.encode("utf-8", "surrogatepass")
        found: AgentIdentity | None = None
        for known, identity in self._entries:
            if hmac.compare_digest(known, presented):
                found = identity
        return found


@dataclass(slots=True)
class _Failures:
    count: int
    last: float


class FailureThrottle:
    """Per-address count of bad tokens, turned into a growing delay of the failure answers.

    Memory is bounded: at most `max_addresses` entries, oldest evicted first, and an
    address is forgotten `window` seconds after its last failure.
    """

    def __init__(
        self,
        base_delay: float,
        max_delay: float,
        window: float,
        max_addresses: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base = base_delay
        self._max = max_delay
        self._window = window
        self._max_addresses = max_addresses
        self._clock = clock
        self._failures: OrderedDict[str, _Failures] = OrderedDict()

    def __len__(self) -> int:
        return len(self._failures)

    def delay(self, address: str) -> float:
        """Seconds to wait before answering this address; 0 when it has no failures."""
        entry = self._failures.get(address)
        if entry is None:
            return 0.0
        if self._clock() - entry.last > self._window:
            del self._failures[address]
            return 0.0
        return float(min(self._max, self._base * 2 ** (entry.count - 1)))

    def failed(self, address: str) -> None:
        entry = self._failures.pop(address, None)
        count = 1 if entry is None else entry.count + 1
        self._failures[address] = _Failures(count, self._clock())
        self._evict()
        log.warning("bad token from %s (%d recent)", address, count)

    def _evict(self) -> None:
        now = self._clock()
        while self._failures:
            oldest = next(iter(self._failures.values()))
            if len(self._failures) <= self._max_addresses and now - oldest.last <= self._window:
                break
            self._failures.popitem(last=False)
