"""The broker's contact book: REST lookups, searches and the desktop's writes.

Lookups go through the same `LookupService` as the pops. Writes go to the built-in
store and then drop the cached lookups of the numbers concerned, so the very next
pop of that number shows the new contact or note.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from cti.lookup.records import normalise_phones
from cti.lookup.service import LookupService
from cti.lookup.store import ContactStore

log = logging.getLogger(__name__)


class ContactDirectory:
    """`service` and `store` are swapped together by the app when the lookup is reloaded."""

    def __init__(self, service: LookupService, store: ContactStore) -> None:
        self.service = service
        self.store = store

    async def lookup(self, number: str) -> list[dict[str, Any]]:
        result = await self.service.lookup(number)
        return [dict(contact) for contact in result.matches]

    def search(self, text: str, limit: int) -> list[dict[str, Any]]:
        return self.store.search_contacts(text, limit)

    def contact(self, contact_id: int, history: int) -> dict[str, Any] | None:
        contact = self.store.get_contact(contact_id)
        if contact is not None and history > 0:
            contact["history"] = self.store.history(contact_id, history)
        return contact

    def create_contact(
        self, name: str, phones: list[tuple[str, str | None]], details: dict[str, Any]
    ) -> dict[str, Any]:
        """Numbers go to E.164 in the PBX's region; ValueError names the first bad one."""
        region = self.service.settings.default_region
        rows: dict[str, tuple[str, str, str | None]] = {}
        for index, (raw, label) in enumerate(phones):
            normal = normalise_phones([(raw, label)], region)
            if isinstance(normal, str):
                raise ValueError(f"phones[{index}].number: {normal}")
            rows.setdefault(normal[0].e164, (normal[0].raw, normal[0].e164, normal[0].label))
        contact_id = self.store.add_contact(name, rows.values(), **details)
        self._forget(rows)
        contact = self.store.get_contact(contact_id)
        assert contact is not None
        return contact

    def add_interaction(self, contact_id: int, record: dict[str, Any]) -> dict[str, Any]:
        """Store a note; raises LookupError when the contact does not exist."""
        contact = self.store.get_contact(contact_id)
        if contact is None:
            raise LookupError(f"no contact {contact_id}")
        interaction_id = self.store.add_interaction(contact_id, **record)
        self._forget(phone["e164"] for phone in contact["phones"])
        interaction = self.store.interaction(interaction_id)
        assert interaction is not None
        return interaction

    def _forget(self, numbers: Iterable[str]) -> None:
        for e164 in numbers:
            self.service.invalidate(e164)
