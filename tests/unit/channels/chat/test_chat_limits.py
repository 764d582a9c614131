"""Visitor flood limits: bursts, refill over time, and a bounded table of addresses."""

from __future__ import annotations

from cti.channels.chat.limits import ChatLimits, TokenBucket, VisitorLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_refills_at_its_rate() -> None:
    bucket = TokenBucket(rate=1.0, burst=2)
    assert [bucket.take(0.0) for _ in range(3)] == [True, True, False]
    assert bucket.take(0.5) is False
    assert bucket.take(1.0) is True


def test_new_chats_per_address_are_limited_but_other_addresses_are_not() -> None:
    clock = Clock()
    limiter = VisitorLimiter(ChatLimits(chats_per_minute=6, chat_burst=2), clock)
    assert [limiter.may_open("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert limiter.may_open("10.0.0.2") is True
    clock.now += 10
    assert limiter.may_open("10.0.0.1") is True


def test_address_table_forgets_idle_addresses_when_full() -> None:
    clock = Clock()
    limiter = VisitorLimiter(ChatLimits(chats_per_minute=60, chat_burst=1), clock, max_addresses=3)
    for index in range(3):
        limiter.may_open(f"10.0.0.{index}")
    clock.now += 5  # every bucket has refilled: nothing worth remembering
    assert limiter.may_open("10.0.0.9") is True
    assert len(limiter._chats) == 1
