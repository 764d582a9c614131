"""The only place that creates the universal queue's outgoing events.

Each interaction event's audience is the one agent it is offered to or handled by (the
broker adds supervisors to every event); the queue's wallboard lines have none, so only
supervisors get them, per channel at most once a second and only when they changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from cti.interactions.model import CHANNELS, Interaction, Offer
from cti.interactions.queue import InteractionQueue
from cti.protocol import (
    OFFER_TEXT_LIMIT,
    InteractionAccepted,
    InteractionEnded,
    InteractionMessage,
    InteractionOffered,
    InteractionsQueue,
    iso_utc,
)

AgentIdOf = Callable[[str], str | None]  # extension → its agent id in broker.agents


def _to(extension: str | None) -> frozenset[str]:
    return frozenset((extension,)) if extension else frozenset()


class InteractionNotifier:
    def __init__(
        self,
        agent_id_of: AgentIdOf,
        targets: Mapping[str, int],
        clock: Callable[[], float] = time.time,
        min_interval: float = 1.0,
    ) -> None:
        """``targets``: first-response target in seconds per channel."""
        self._agent_id_of = agent_id_of
        self._targets = targets
        self._clock = clock
        self._min_interval = min_interval
        self._lines: dict[str, tuple[InteractionsQueue, float]] = {}  # channel → last, when

    def offered(self, interaction: Interaction, offer: Offer) -> InteractionOffered:
        return InteractionOffered(
            audience=_to(offer.extension),
            interaction_id=interaction.interaction_id,
            extension=offer.extension,
            channel=interaction.channel,
            contact=interaction.contact,
            subject=interaction.subject,
            text=interaction.first_text[:OFFER_TEXT_LIMIT],
            priority=interaction.priority,
            arrived_at=iso_utc(interaction.arrived_at),
            offer_expires_at=iso_utc(offer.expires_at),
        )

    def accepted(self, interaction: Interaction) -> InteractionAccepted:
        extension = interaction.extension or ""
        return InteractionAccepted(
            audience=_to(extension),
            interaction_id=interaction.interaction_id,
            agent=self._agent_id_of(extension),
            extension=extension,
        )

    def message(
        self,
        interaction: Interaction,
        *,
        message_id: str,
        direction: str,
        author: str | None,
        text: str,
        at: float,
        attachments: Iterable[Mapping[str, object]] = (),
    ) -> InteractionMessage | None:
        """None while nobody handles it: the offer carries the first text, and the
        thread is sent in full with the accept (later step: the card's history)."""
        if interaction.extension is None:
            return None
        return InteractionMessage(
            audience=_to(interaction.extension),
            interaction_id=interaction.interaction_id,
            message_id=message_id,
            direction=direction,
            author=author,
            text=text,
            at=iso_utc(at),
            attachments=tuple(
                {k: v for k, v in a.items() if k != "stored_path"} for a in attachments
            ),
        )

    def ended(self, interaction: Interaction, previous_extension: str | None) -> InteractionEnded:
        """``previous_extension``: who held it before it closed (None: it was waiting)."""
        return InteractionEnded(
            audience=_to(previous_extension),
            interaction_id=interaction.interaction_id,
            reason=interaction.end_reason or "closed",
            disposition=interaction.disposition,
        )

    def lapsed(self, interaction: Interaction, extension: str) -> InteractionEnded:
        """The offer to `extension` ran out: its desktop drops the offer (reason
        ``expired``) while the interaction goes back to the queue for someone else."""
        return InteractionEnded(
            audience=_to(extension), interaction_id=interaction.interaction_id, reason="expired"
        )

    def queue_lines(self, queue: InteractionQueue) -> list[InteractionsQueue]:
        """The channels' wallboard lines that changed, each at most once a second."""
        now = self._clock()
        out: list[InteractionsQueue] = []
        for channel in CHANNELS:
            line = self._line(queue, channel, now)
            last = self._lines.get(channel)
            if last is not None and (last[0] == line or now - last[1] < self._min_interval):
                continue
            self._lines[channel] = (line, now)
            out.append(line)
        return out

    def current_lines(self, queue: InteractionQueue) -> list[InteractionsQueue]:
        """Every channel's line as it is now (a supervisor's welcome)."""
        now = self._clock()
        return [self._line(queue, channel, now) for channel in CHANNELS]

    def _line(self, queue: InteractionQueue, channel: str, now: float) -> InteractionsQueue:
        oldest = queue.oldest(channel)
        waited = 0 if oldest is None else max(0, int(now - oldest.arrived_at))
        return InteractionsQueue(
            channel=channel,
            waiting=queue.waiting(channel),
            oldest_seconds=waited,
            target=self._targets.get(channel, 0),
        )
