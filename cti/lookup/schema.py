"""Schema and migrations of the contact store, versioned by ``PRAGMA user_version``."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlite_utils

log = logging.getLogger(__name__)

CONTACT_COLUMNS = ("id", "name", "company", "email", "notes", "tags", "crm_id")


def _v1(db: sqlite_utils.Database) -> None:
    db.table("contacts").create(
        {
            "id": int,
            "name": str,
            "company": str,
            "email": str,
            "notes": str,
            "tags": str,
            "crm_id": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null=["name"],
    )
    db.table("phones").create(
        {
            "id": int,
            "contact_id": int,
            "number_raw": str,
            "number_e164": str,
            "digits_tail": str,
            "label": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null=["contact_id", "number_e164", "digits_tail"],
    )
    db.table("phones").create_index(["number_e164"])
    db.table("phones").create_index(["digits_tail"])
    db.table("phones").create_index(["contact_id"])
    db.table("interactions").create(
        {
            "id": int,
            "contact_id": int,
            "ts": str,
            "channel": str,
            "direction": str,
            "call_id": str,
            "outcome": str,
            "notes": str,
            "agent": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id")],
        not_null=["contact_id", "ts", "channel"],
    )
    db.table("interactions").create_index(["contact_id", "ts"])
    db.table("meta").create({"key": str, "value": str}, pk="key")


def _v2(db: sqlite_utils.Database) -> None:
    """An index on the lower-cased address, so an arriving email finds its sender's contact
    without a table scan (issue 13)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_contacts_email_lower ON contacts (lower(email))")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_v1, _v2)


def migrate(db: sqlite_utils.Database) -> None:
    """Bring the file up to the newest schema, one transaction per step."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number}")
        log.info("contact store migrated to schema %d", number)


def sync_tail_length(db: sqlite_utils.Database, length: int) -> None:
    """Re-key the suffix index when `match_last_digits` changed since the last run."""
    row = db.execute("SELECT value FROM meta WHERE key = 'digits_tail_length'").fetchone()
    if row is not None and int(row[0]) == length:
        return
    with db.atomic():
        db.execute(
            "UPDATE phones SET digits_tail = substr(replace(number_e164, '+', ''), ?)",
            (-length,),
        )
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('digits_tail_length', ?)",
            (str(length),),
        )
    if row is not None:
        log.info("suffix index re-keyed from %s to %d digits", row[0], length)
