"""Interactions in a real records file, written by the real `InteractionWriter` (its
thread, its upsert), as the universal queue writes them in `cti serve`."""

from __future__ import annotations

from pathlib import Path

from cti.interactions.model import ACTIVE, CLOSED, Interaction
from cti.interactions.records import InteractionWriter


def interaction(
    ident: str,
    channel: str,
    arrived: float,
    *,
    accepted: float | None = None,
    replied: float | None = None,
    closed: float | None = None,
    reason: str | None = None,
    agent: str | None = "1001",
) -> Interaction:
    """Times are seconds after ``arrived`` (unix seconds); None: did not happen (yet)."""

    def at(offset: float | None) -> float | None:
        return None if offset is None else arrived + offset

    return Interaction(
        interaction_id=ident,
        channel=channel,
        thread_key=f"thread-{ident}",
        arrived_at=arrived,
        first_text="hello",
        status=CLOSED if closed is not None else ACTIVE,
        extension=agent,
        offered_at=arrived + 1.0,
        accepted_at=at(accepted),
        first_response_at=at(replied),
        closed_at=at(closed),
        disposition="solved" if closed is not None and accepted is not None else None,
        end_reason=None if closed is None else (reason or "closed"),
    )


def write_interactions(path: Path, *interactions: Interaction) -> None:
    """Through the writer's thread into ``path`` (made by `make_records`), committed."""
    writer = InteractionWriter(path, keep_days=100_000, commit_every=0.01)
    writer.start()
    try:
        for one in interactions:
            writer.save(one)
        assert writer.wait_written(30.0), "the interaction writer did not commit in 30 s"
    finally:
        writer.close()
