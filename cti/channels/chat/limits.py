"""Flood limits for visitors: token buckets per chat and per client address.

A visitor may open few chats per address and send a short burst then a steady trickle of
messages; one address with many chats shares one message budget, so opening more
tabs does not buy a bigger flood.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class TokenBucket:
    rate: float  # tokens per second
    burst: float
    tokens: float = -1.0
    stamp: float = 0.0

    def take(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens, self.stamp = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def full(self, now: float) -> bool:
        return self.tokens < 0 or self.tokens + (now - self.stamp) * self.rate >= self.burst


@dataclass(frozen=True, slots=True)
class ChatLimits:
    messages_per_second: float = 1.0
    message_burst: int = 5
    address_messages_per_second: float = 3.0
    address_message_burst: int = 15
    chats_per_minute: float = 6.0
    chat_burst: int = 6


@dataclass
class VisitorLimiter:
    """Answers "may this address open a chat / may this chat send now?"."""

    limits: ChatLimits
    clock: Callable[[], float] = time.monotonic
    max_addresses: int = 100_000
    _chats: dict[str, TokenBucket] = field(default_factory=dict)
    _messages: dict[str, TokenBucket] = field(default_factory=dict)

    def may_open(self, address: str) -> bool:
        rate = self.limits.chats_per_minute / 60.0
        return self._bucket(self._chats, address, rate, self.limits.chat_burst)

    def may_send(self, address: str, chat: TokenBucket) -> bool:
        """Both the chat's own budget and its address's shared one must allow it."""
        now = self.clock()
        if not chat.take(now):
            return False
        rate, burst = self.limits.address_messages_per_second, self.limits.address_message_burst
        return self._bucket(self._messages, address, rate, burst)

    def chat_bucket(self) -> TokenBucket:
        return TokenBucket(self.limits.messages_per_second, self.limits.message_burst)

    def _bucket(self, table: dict[str, TokenBucket], key: str, rate: float, burst: int) -> bool:
        now = self.clock()
        if key not in table and len(table) >= self.max_addresses:
            self._forget_full(table, now)
        bucket = table.setdefault(key, TokenBucket(rate, burst))
        return bucket.take(now)

    @staticmethod
    def _forget_full(table: dict[str, TokenBucket], now: float) -> None:
        """A refilled bucket holds no memory worth keeping; drop them to stay bounded."""
        for key in [key for key, bucket in table.items() if bucket.full(now)]:
            del table[key]
