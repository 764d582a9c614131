"""Writes the universal queue's interactions and their messages to the records file on a
thread of its own, so the event loop never waits for the disk (as `RecordWriter` does
for calls).

An interaction is handed over as a snapshot at each change and only its newest waits;
messages are appended and inserted once (a channel that delivers one twice, e.g. an IMAP
re-fetch, leaves one row). Each batch is one transaction, at most every `COMMIT_EVERY`
seconds; a failed commit is logged once per outage and retried every `RETRY_SECONDS`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from cti.interactions.model import Interaction, Message
from cti.records.batching import BatchWriter

INTERACTION_COLUMNS = (
    "id",
    "channel",
    "thread_key",
    "form",
    "contact_ids",
    "subject",
    "first_text",
    "priority",
    "arrived_at",
    "offered_at",
    "accepted_at",
    "first_response_at",
    "closed_at",
    "agent",
    "disposition",
    "end_reason",
)
UPSERT_INTERACTION = (  # an update in place: a REPLACE would delete the row its messages need
    f"INSERT INTO interactions ({', '.join(INTERACTION_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in INTERACTION_COLUMNS)}) ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in INTERACTION_COLUMNS[1:])
)
INSERT_MESSAGE = (
    "INSERT OR IGNORE INTO interaction_messages (interaction_id, message_id, direction, "
    "author, text, at, flags, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
PRUNE_SQL = (  # the messages first: they refer to their interaction
    "DELETE FROM interaction_messages WHERE interaction_id IN "
    "(SELECT id FROM interactions WHERE arrived_at < ?)",
    "DELETE FROM interactions WHERE arrived_at < ?",
)

Row = tuple[object, ...]


def interaction_row(interaction: Interaction) -> Row:
    """The `interactions` row of an interaction as it stands; `agent` is the extension
    that accepted it (an offer not taken leaves none)."""
    agent = interaction.extension if interaction.accepted_at is not None else None
    return (
        interaction.interaction_id,
        interaction.channel,
        interaction.thread_key,
        interaction.form,
        json.dumps(list(interaction.contact_ids)),
        interaction.subject,
        interaction.first_text,
        interaction.priority,
        interaction.arrived_at,
        interaction.offered_at,
        interaction.accepted_at,
        interaction.first_response_at,
        interaction.closed_at,
        agent,
        interaction.disposition,
        interaction.end_reason,
    )


def message_row(message: Message) -> Row:
    return (
        message.interaction_id,
        message.message_id,
        message.direction,
        message.author,
        message.text,
        message.at,
        json.dumps(sorted(message.flags)),
        json.dumps(list(message.attachments)),
    )


@dataclass(slots=True)
class _Batch:
    interactions: dict[str, Row] = field(default_factory=dict)
    messages: list[Row] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.interactions) + len(self.messages)

    def merged_under(self, newer: _Batch) -> _Batch:
        """This (failed) batch with what came meanwhile on top: newer snapshots win."""
        return _Batch({**self.interactions, **newer.interactions}, self.messages + newer.messages)


class InteractionWriter(BatchWriter[_Batch]):
    """`start()`, then `save()` / `add_message()` from the loop's thread, `close()` to drain."""

    label = "interaction records"
    unit = "interaction row(s)"

    def save(self, interaction: Interaction) -> None:
        key, row = interaction.interaction_id, interaction_row(interaction)
        self._hand_over(lambda batch: batch.interactions.__setitem__(key, row))

    def add_message(self, message: Message) -> None:
        row = message_row(message)
        self._hand_over(lambda batch: batch.messages.append(row))

    def _empty(self) -> _Batch:
        return _Batch()

    def _size(self, batch: _Batch) -> int:
        return len(batch)

    def _merged(self, failed: _Batch, newer: _Batch) -> _Batch:
        return failed.merged_under(newer)

    def _commit(self, conn: sqlite3.Connection, batch: _Batch) -> None:
        conn.executemany(UPSERT_INTERACTION, list(batch.interactions.values()))
        conn.executemany(INSERT_MESSAGE, batch.messages)

    def _delete_old(self, conn: sqlite3.Connection, cutoff: float) -> None:
        for sql in PRUNE_SQL:
            conn.execute(sql, (cutoff,))
