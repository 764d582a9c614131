"""The interactions still open when the server stopped, read back from the records at
start, so a restart (or a crash) loses no customer: email threads and forms wait in the
queue again, in their place by arrival; a chat's visitor is gone with the old process, so
its chat is closed as the visitor having left, with its transcript kept.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cti.interactions.model import Interaction, Message
from cti.interactions.records import INTERACTION_COLUMNS
from cti.records.schema import connect

log = logging.getLogger(__name__)

OPEN_SQL = (
    f"SELECT {', '.join(INTERACTION_COLUMNS)} FROM interactions "
    "WHERE closed_at IS NULL ORDER BY arrived_at, id"
)
MESSAGES_SQL = (
    "SELECT message_id, direction, author, text, at, flags, attachments "
    "FROM interaction_messages WHERE interaction_id = ? ORDER BY at, rowid"
)


@dataclass(frozen=True, slots=True)
class Reopened:
    interaction: Interaction
    messages: tuple[Message, ...]


def open_interactions(path: Path) -> list[Reopened]:
    """Blocking (run it in a thread): every interaction the records hold as not closed,
    oldest first, with its messages; a row that cannot be read is logged and skipped."""
    if not path.exists():
        return []
    conn = connect(path)
    try:
        rows = conn.execute(OPEN_SQL).fetchall()
        return [found for row in rows if (found := _reopened(conn, row)) is not None]
    finally:
        conn.close()


def _reopened(conn: sqlite3.Connection, row: tuple[object, ...]) -> Reopened | None:
    values = dict(zip(INTERACTION_COLUMNS, row, strict=True))
    try:
        interaction = Interaction(
            interaction_id=str(values["id"]),
            channel=str(values["channel"]),
            thread_key=str(values["thread_key"]),
            arrived_at=float(values["arrived_at"]),  # type: ignore[arg-type]
            priority=int(values["priority"]),  # type: ignore[call-overload]
            subject=_text(values["subject"]),
            first_text=_text(values["first_text"]) or "",
            form=_text(values["form"]),
            contact_ids=tuple(int(i) for i in json.loads(str(values["contact_ids"]))),
            offered_at=_number(values["offered_at"]),
            first_response_at=_number(values["first_response_at"]),
        )
        messages = tuple(
            _message(interaction.interaction_id, found)
            for found in conn.execute(MESSAGES_SQL, (interaction.interaction_id,))
        )
    except (TypeError, ValueError) as exc:
        log.error("interaction %s cannot be read back (%s); left as it is", values["id"], exc)
        return None
    return Reopened(interaction, messages)


def _message(interaction_id: str, row: tuple[object, ...]) -> Message:
    message_id, direction, author, text, at, flags, attachments = row
    return Message(
        interaction_id,
        str(message_id),
        str(direction),
        _text(author),
        str(text),
        float(at),  # type: ignore[arg-type]
        frozenset(json.loads(str(flags))),
        tuple(json.loads(str(attachments))),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
