"""Tokens map to identities; guessing from one address gets slower and slower."""

from __future__ import annotations

import pytest

from cti.broker.auth import AgentDirectory, AgentIdentity, FailureThrottle

ALICE = AgentIdentity("alice", "1001")
SUE = AgentIdentity("sue", "1900", "supervisor")


def test_authenticate_finds_the_identity_of_each_token() -> None:
    agents = AgentDirectory({"a-token": ALICE, "s-token": SUE})
    assert agents.authenticate("a-token") == ALICE
    assert agents.authenticate("s-token") == SUE
    assert agents.authenticate("a-toke") is None
    assert agents.authenticate("") is None
    assert agents.authenticate("ünïcode") is None
    assert SUE.is_supervisor and not ALICE.is_supervisor


def test_empty_token_is_refused_at_construction() -> None:
    with pytest.raises(ValueError):
        AgentDirectory({"": ALICE})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_delay_doubles_per_failure_up_to_the_maximum() -> None:
    throttle = FailureThrottle(0.5, 3.0, 600.0, 100, Clock())
    assert throttle.delay("10.0.0.1") == 0.0
    delays = []
    for _ in range(5):
        throttle.failed("10.0.0.1")
        delays.append(throttle.delay("10.0.0.1"))
    assert delays == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert throttle.delay("10.0.0.2") == 0.0


def test_time_forgets_failures() -> None:
    clock = Clock()
    throttle = FailureThrottle(0.5, 3.0, 60.0, 100, clock)
    throttle.failed("b")
    clock.now += 61
    assert throttle.delay("b") == 0.0
    assert len(throttle) == 0


def test_memory_is_bounded_by_evicting_the_oldest_address() -> None:
    throttle = FailureThrottle(0.5, 3.0, 600.0, 3, Clock())
    for index in range(10):
        throttle.failed(f"10.0.0.{index}")
    assert len(throttle) == 3
    assert throttle.delay("10.0.0.0") == 0.0
    assert throttle.delay("10.0.0.9") == 0.5
