"""The journal answers 'what did this agent miss', or says it no longer knows."""

from __future__ import annotations

import pytest

from cti.broker.journal import Journal


def filled(size: int, count: int) -> Journal:
    journal = Journal(size)
    for seq in range(1, count + 1):
        journal.append(seq, f"frame{seq}")
    return journal


def test_since_returns_every_frame_after_last_seq_in_order() -> None:
    assert filled(10, 5).since(2) == ["frame3", "frame4", "frame5"]


def test_since_current_seq_is_empty_not_none() -> None:
    assert filled(10, 5).since(5) == []
    assert Journal(3).since(0) == []


def test_since_older_than_held_is_none() -> None:
    journal = filled(3, 10)  # holds 8, 9, 10
    assert journal.since(7) == ["frame8", "frame9", "frame10"]
    assert journal.since(6) is None


def test_since_ahead_or_negative_is_none() -> None:
    assert filled(3, 2).since(3) is None
    assert filled(3, 2).since(-1) is None


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Journal(0)


def test_a_seq_that_skips_one_keeps_only_the_frames_it_can_number() -> None:
    journal = filled(10, 3)
    journal.append(5, "frame5")
    assert journal.since(4) == ["frame5"]
    assert journal.since(3) is None
