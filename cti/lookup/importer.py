"""Importing a contact file into the store: all good rows in one transaction, or nothing.

Rows with errors are rejected and reported with their line number; the rest is imported.
A file that is unreadable, binary, or neither CSV nor vCard (for CSV: no ``name`` and
``phone`` columns) raises `ContactFileError` before the database is touched, and any
error while writing rolls the whole import back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from cti.lookup.csvfile import parse_csv
from cti.lookup.records import ContactFileError, ContactRecord, Rejection
from cti.lookup.store import ContactStore, ProgressCallback
from cti.lookup.vcard import parse_vcard

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    format: str = ""


def read_contact_file(path: Path) -> tuple[str, str]:
    """(format, text) of a contact file; raises `ContactFileError` if it is neither."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContactFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise ContactFileError("binary file, not CSV or vCard")
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return ("vcard" if first.upper() == "BEGIN:VCARD" else "csv"), text


def parse_contact_file(path: Path, region: str) -> tuple[str, list[ContactRecord | Rejection]]:
    """Everything in the file, parsed up front so a fatal error cannot leave a half import."""
    kind, text = read_contact_file(path)
    parser = parse_vcard if kind == "vcard" else parse_csv
    return kind, list(parser(text, region))


def import_contacts(
    store: ContactStore,
    path: Path,
    region: str,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import `path` into `store` atomically; see the module docstring for the rules."""
    kind, items = parse_contact_file(path, region)
    records = [item for item in items if isinstance(item, ContactRecord)]
    report = ImportReport(format=kind)
    report.rejected = [item for item in items if isinstance(item, Rejection)]
    report.imported = store.bulk_insert(records, progress)
    log.info(
        "imported %d contacts from %s (%s), rejected %d",
        report.imported,
        path,
        kind,
        len(report.rejected),
    )
    return report


async def import_off_loop(
    db_path: Path, path: Path, region: str, tail_length: int = 9
) -> ImportReport:
    """For the server: import in a worker thread on its own connection (sqlite3 objects
    stay in their thread), so the loop keeps serving lookups; WAL lets them read meanwhile."""

    def work() -> ImportReport:
        store = ContactStore(db_path, tail_length)
        try:
            return import_contacts(store, path, region)
        finally:
            store.close()

    return await asyncio.to_thread(work)


class ProgressBar:
    """A one-line progress bar on a TTY, throttled; silent when the stream is not a TTY."""

    def __init__(self, stream: TextIO, label: str = "importing", interval: float = 0.1) -> None:
        self.stream = stream
        self.label = label
        self.interval = interval
        self.enabled = stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < self.interval:
            return
        self._last = now
        pct = 100 * done // total if total else 100
        bar = "#" * (pct // 5)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{bar:<20}] {done}/{total} ({pct}%){end}")
        self.stream.flush()
