"""`CallRecord` ↔ the rows of `calls`, `call_agents` and `call_transfers`, and their SQL.

A `RecordRows` is an immutable snapshot: the recorder hands it to the writer thread,
and a read of a call not yet committed is served from it by the same conversion as a
read from the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cti.records.model import AgentLeg, CallRecord, Transfer

CALL_COLUMNS = (
    "call_id",
    "direction",
    "queue",
    "caller_number",
    "caller_e164",
    "caller_name",
    "called_number",
    "did",
    "arrived_at",
    "answered_at",
    "answered_by",
    "ended_at",
    "waited_seconds",
    "held_seconds",
    "abandoned",
    "cause",
    "cause_text",
    "contact_ids",
    "talk_seconds",
    "wrapup_seconds",
    "disposition",
    "note",
    "source",
)
LEG_COLUMNS = ("call_id", "leg", "extension", "rang_at", "answered_at", "ended_at", "outcome")
TRANSFER_COLUMNS = ("call_id", "seq", "at", "from_extension", "to_extension", "mode")


def _upsert(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


UPSERT_CALL = _upsert("calls", CALL_COLUMNS, ("call_id",))
UPSERT_LEG = _upsert("call_agents", LEG_COLUMNS, ("call_id", "leg"))
UPSERT_TRANSFER = _upsert("call_transfers", TRANSFER_COLUMNS, ("call_id", "seq"))
SELECT_CALL = f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE call_id = ?"
SELECT_LEGS = f"SELECT {', '.join(LEG_COLUMNS)} FROM call_agents WHERE call_id = ? ORDER BY leg"
SELECT_TRANSFERS = (
    f"SELECT {', '.join(TRANSFER_COLUMNS)} FROM call_transfers WHERE call_id = ? ORDER BY seq"
)

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class RecordRows:
    call: Row
    legs: tuple[Row, ...]
    transfers: tuple[Row, ...]

    @property
    def call_id(self) -> str:
        return str(self.call[0])


def to_rows(record: CallRecord) -> RecordRows:
    call_id = record.call_id
    call = (
        call_id,
        record.direction,
        record.queue,
        record.caller_number,
        record.caller_e164,
        record.caller_name,
        record.called_number,
        record.did,
        record.arrived_at,
        record.answered_at,
        record.answered_by,
        record.ended_at,
        record.waited_seconds,
        record.held_seconds,
        int(record.abandoned),
        record.cause,
        record.cause_text,
        f"[{','.join(map(str, record.contact_ids))}]",  # JSON; json.dumps costs 5x
        record.talk_seconds,
        record.wrapup_seconds,
        record.disposition,
        record.note,
        record.source,
    )
    legs = tuple(
        (call_id, n, leg.extension, leg.rang_at, leg.answered_at, leg.ended_at, leg.outcome)
        for n, leg in enumerate(record.legs)
    )
    transfers = tuple(
        (call_id, n, t.at, t.from_extension, t.to, t.mode) for n, t in enumerate(record.transfers)
    )
    return RecordRows(call, legs, transfers)


def from_rows(rows: RecordRows) -> CallRecord:
    values = dict(zip(CALL_COLUMNS, rows.call, strict=True))
    values["waited"] = values.pop("waited_seconds")  # as written: derived, or call.ended's
    values["talk"] = values.pop("talk_seconds")  # likewise: derived, or queue_log's
    values["abandoned"] = bool(values["abandoned"])
    values["contact_ids"] = _contact_ids(values["contact_ids"])
    record = CallRecord(**values)
    record.legs = [AgentLeg(*row[2:]) for row in rows.legs]
    record.transfers = [Transfer(*row[2:]) for row in rows.transfers]
    return record


def _contact_ids(text: str | None) -> tuple[int, ...]:
    """The stored JSON list; anything else (a hand-edited file) reads as no contacts."""
    try:
        found = json.loads(text or "[]")
    except ValueError:
        return ()
    if not isinstance(found, list):
        return ()
    return tuple(item for item in found if type(item) is int)
