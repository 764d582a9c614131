"""Where contacts come from: every source answers one question, "who has this number?".

Model: wazo-dird's reverse lookup. A *local* source is in-process and never suspends (the
SQLite index, a CSV file in memory), so the service runs it inline; remote ones (HTTP CRM)
run as tasks under the time budget.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import Any, Protocol

from cti.lookup.importer import parse_contact_file
from cti.lookup.records import ContactRecord
from cti.lookup.store import ContactStore, digits_tail

log = logging.getLogger(__name__)

Contact = dict[str, Any]


class ContactSource(Protocol):
    """One place to look a number up in."""

    name: str
    local: bool

    async def lookup(self, e164: str, raw: str) -> list[Contact]:
        """Contacts with this number, each with ``match`` set to "exact" or "suffix"."""
        ...


class StoreSource:
    """The built-in SQLite store; a single match also carries its recent history."""

    local = True

    def __init__(self, store: ContactStore, history_limit: int = 5, name: str = "sqlite") -> None:
        self.store = store
        self.history_limit = history_limit
        self.name = name

    async def lookup(self, e164: str, raw: str) -> list[Contact]:
        found = self.store.find(e164)
        for contact in found:
            contact["source"] = self.name
        if len(found) == 1:
            found[0]["history"] = self.store.history(found[0]["id"], self.history_limit)
        return found


class CsvSource:
    """A CSV (or vCard) file held in memory, indexed by E.164 and by the last N digits."""

    local = True

    def __init__(self, records: list[ContactRecord], tail_length: int, name: str) -> None:
        self.name = name
        self.tail_length = tail_length
        self._exact: dict[str, list[ContactRecord]] = defaultdict(list)
        self._tail: dict[str, list[ContactRecord]] = defaultdict(list)
        for record in records:
            for e164 in dict.fromkeys(phone.e164 for phone in record.phones):
                self._exact[e164].append(record)
                self._tail[digits_tail(e164, tail_length)].append(record)

    @classmethod
    def load(cls, path: Path, region: str, tail_length: int, name: str = "csv") -> CsvSource:
        """Read the file now (call it off-loop); bad rows are logged, not fatal."""
        _, items = parse_contact_file(path, region)
        records = [item for item in items if isinstance(item, ContactRecord)]
        for item in items:
            if not isinstance(item, ContactRecord):
                log.warning("contact source %s: %s: %s", name, path, item)
        return cls(records, tail_length, name)

    async def lookup(self, e164: str, raw: str) -> list[Contact]:
        match, found = "exact", self._exact.get(e164)
        tail = digits_tail(e164, self.tail_length)
        if not found and len(tail) == self.tail_length:
            match, found = "suffix", self._tail.get(tail)
        return [record.as_contact(self.name) | {"match": match} for record in found or ()]
