"""The directory side of the desktop: contacts and after-call notes over the broker's REST
API. Cards and the dial bar call these methods and listen to the signals; the
controller owns one and lends it the board, the API client and its task spawner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from desktop.api import ApiError, BrokerApi, ContactDraft
from desktop.board import CallBoard

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None]], None]


class Directory(QObject):
    call_changed = pyqtSignal(str, str)  # call_id, what changed (contact.chosen, ...)
    contact_saved = pyqtSignal(str, bool, str)  # call_id, ok, text
    note_saved = pyqtSignal(str, bool, str)  # call_id, ok, text
    search_done = pyqtSignal(list, str)  # contacts, error text ("" when fine)

    def __init__(
        self,
        board: Callable[[], CallBoard],
        api: Callable[[], BrokerApi | None],
        spawn: Spawn,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._board, self._api, self._spawn = board, api, spawn

    def _require_api(self) -> BrokerApi:
        api = self._api()
        if api is None:
            raise ApiError("not-connected", "the desktop is not started")
        return api

    def choose_contact(self, call_id: str, contact: dict[str, Any]) -> None:
        """The agent picked one of several matches: show it, then load its history."""
        record = self._board().get(call_id)
        if record is None:
            return
        record.chosen_contact = contact
        self.call_changed.emit(call_id, "contact.chosen")
        contact_id = contact.get("id")
        if isinstance(contact_id, int):
            self._spawn(self._load_contact(call_id, contact_id))

    async def _load_contact(self, call_id: str, contact_id: int) -> None:
        api = self._api()
        if api is None:
            return
        try:
            full = await api.contact(contact_id)
        except ApiError as exc:
            log.info("could not load contact %s: %s", contact_id, exc.error)
            return
        record = self._board().get(call_id)
        if record is not None and full:
            record.chosen_contact = full
            self.call_changed.emit(call_id, "contact.loaded")

    def create_contact(self, call_id: str, draft: ContactDraft) -> None:
        self._spawn(self._create_contact(call_id, draft))

    async def _create_contact(self, call_id: str, draft: ContactDraft) -> None:
        try:
            contact = await self._require_api().create_contact(draft)
        except ApiError as exc:
            self.contact_saved.emit(call_id, False, f"Contact not saved: {exc}")
            return
        record = self._board().get(call_id)
        if record is not None:
            record.chosen_contact = contact
            self.call_changed.emit(call_id, "contact.created")
        self.contact_saved.emit(call_id, True, f"Contact {contact.get('name', '')} saved")

    def save_note(self, call_id: str, disposition: str, notes: str) -> None:
        self._spawn(self._save_note(call_id, disposition, notes))

    async def _save_note(self, call_id: str, disposition: str, notes: str) -> None:
        record = self._board().get(call_id)
        contact = record.contact if record is not None else None
        contact_id = contact.get("id") if contact is not None else None
        try:
            await self._require_api().save_interaction(
                call_id, disposition, notes, contact_id if isinstance(contact_id, int) else None
            )
        except ApiError as exc:
            self.note_saved.emit(call_id, False, f"Note not saved: {exc}")
            return
        if record is not None:
            record.note_saved = True
        self.note_saved.emit(call_id, True, "Note saved")

    def load_contact(self, contact_id: int) -> None:
        """Fetch one contact with its numbers (click-to-dial); answers on `search_done`."""
        self._spawn(self._load_for_dial(contact_id))

    async def _load_for_dial(self, contact_id: int) -> None:
        try:
            contact = await self._require_api().contact(contact_id)
        except ApiError as exc:
            self.search_done.emit([], f"Could not load the contact: {exc}")
            return
        self.search_done.emit([contact], "")

    def search(self, query: str) -> None:
        self._spawn(self._search(query))

    async def _search(self, query: str) -> None:
        try:
            found = await self._require_api().search(query)
        except ApiError as exc:
            self.search_done.emit([], f"Search failed: {exc}")
            return
        self.search_done.emit(found, "")
