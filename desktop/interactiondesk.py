"""The universal queue's side of the controller: it keeps the `InteractionBoard` up to date
from the welcome and the `interaction.*` events, and sends the agent's accept, decline,
reply, typing and close, and links or creates the customer's contact over REST.

Widgets connect to the signals and call these methods; the network stays in the
controller's connection (`command`) and the REST client (`api`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from cti.protocol import (
    CMD_INTERACTION_ACCEPT,
    CMD_INTERACTION_CLOSE,
    CMD_INTERACTION_DECLINE,
    CMD_INTERACTION_REPLY,
    CMD_INTERACTION_TYPING,
)
from desktop.api import ApiError, BrokerApi, ContactDraft
from desktop.connection import CommandOutcome
from desktop.interactions import INTERACTION_KINDS, InteractionBoard
from desktop.interactionview import SavedFile
from desktop.servertime import ServerClock
from desktop.welcome import Welcome

log = logging.getLogger(__name__)

Command = Callable[[str, dict[str, Any]], Awaitable[CommandOutcome]]
Spawn = Callable[[Coroutine[Any, Any, None]], None]
LABELS = {
    CMD_INTERACTION_ACCEPT: "Accept",
    CMD_INTERACTION_DECLINE: "Decline",
    CMD_INTERACTION_REPLY: "Send",
    CMD_INTERACTION_CLOSE: "Close",
    CMD_INTERACTION_TYPING: "Typing",
}
LINK = "link"  # the `done` name of linking a contact (REST, not a command)
SAVE = "save"  # the `done` name of saving an attachment


def outcome_text(outcome: CommandOutcome) -> str:
    label = LABELS.get(outcome.name, outcome.name)
    if outcome.ok:
        return f"{label}: done"
    return f"{label} failed: {outcome.message or f'no reason given ({outcome.error})'}"


class InteractionDesk(QObject):
    changed = pyqtSignal(str)  # interaction_id; "" for the wallboard's queue lines
    reset = pyqtSignal()  # a fresh welcome rebuilt the board
    done = pyqtSignal(str, str, bool, str)  # interaction_id, command name, ok, text
    contacts_found = pyqtSignal(str, list, str)  # interaction_id, contacts, error ("" fine)

    def __init__(
        self,
        command: Command,
        spawn: Spawn,
        api: Callable[[], BrokerApi | None],
        clock: Callable[[], ServerClock],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._command, self._spawn, self._api, self._clock = command, spawn, api, clock
        self.board = InteractionBoard()

    def clear(self) -> None:
        """Signed in anew: nothing known carries over."""
        self.board = InteractionBoard()
        self.reset.emit()

    def load(self, welcome: Welcome, fresh: bool) -> None:
        """Every welcome lists the open interactions whole: the board follows it, so a
        reconnect rebuilds the offers and cards (an offer that lapsed meanwhile goes)."""
        del fresh  # the list is complete in every welcome, replayed or not
        self.board.load(
            welcome.extension,
            welcome.supervisor,
            welcome.interactions,
            welcome.interactions_queue,
            self._clock().now(),
        )
        self.reset.emit()

    def apply(self, kind: str, data: Mapping[str, Any]) -> bool:
        """Take an event in; True when it is one of the universal queue's."""
        if kind not in INTERACTION_KINDS:
            return False
        changed = self.board.apply(kind, data, self._clock().now())
        if changed is not None:
            self.changed.emit(changed)
        return True

    # -- commands ------------------------------------------------------------------------

    def accept(self, interaction_id: str) -> None:
        self._send(CMD_INTERACTION_ACCEPT, interaction_id, {})

    def decline(self, interaction_id: str) -> None:
        self._send(CMD_INTERACTION_DECLINE, interaction_id, {})

    def reply(self, interaction_id: str, text: str) -> None:
        self._send(CMD_INTERACTION_REPLY, interaction_id, {"text": text})

    def typing(self, interaction_id: str, on: bool) -> None:
        self._send(CMD_INTERACTION_TYPING, interaction_id, {"on": on})

    def close(self, interaction_id: str, disposition: str) -> None:
        self._send(CMD_INTERACTION_CLOSE, interaction_id, {"disposition": disposition})

    def _send(self, name: str, interaction_id: str, args: dict[str, Any]) -> None:
        self._spawn(self._run(name, {"interaction_id": interaction_id, **args}))

    async def _run(self, name: str, args: dict[str, Any]) -> None:
        outcome = await self._command(name, args)
        interaction_id = str(args["interaction_id"])
        log.info("interaction command %s: ok=%s error=%s", name, outcome.ok, outcome.error)
        if outcome.ok and name == CMD_INTERACTION_DECLINE:
            self.board.declined(interaction_id)
            self.changed.emit(interaction_id)
        if name != CMD_INTERACTION_TYPING or not outcome.ok:
            self.done.emit(interaction_id, name, outcome.ok, outcome_text(outcome))

    # -- the customer's contact ----------------------------------------------------------

    def search(self, interaction_id: str, query: str) -> None:
        self._spawn(self._search(interaction_id, query))

    async def _search(self, interaction_id: str, query: str) -> None:
        try:
            contacts = await self._require_api().search(query)
        except ApiError as exc:
            self.contacts_found.emit(interaction_id, [], exc.message)
            return
        self.contacts_found.emit(interaction_id, contacts, "")

    def link(self, interaction_id: str, contact_id: int) -> None:
        self._spawn(self._link(interaction_id, contact_id, "Contact linked"))

    def create(self, interaction_id: str, draft: ContactDraft) -> None:
        """A new contact from the card, then linked: two requests, each may fail alone."""
        self._spawn(self._create(interaction_id, draft))

    async def _create(self, interaction_id: str, draft: ContactDraft) -> None:
        try:
            contact = await self._require_api().create_contact(draft)
        except ApiError as exc:
            self.done.emit(interaction_id, LINK, False, f"Create contact failed: {exc.message}")
            return
        contact_id = contact.get("id")
        if not isinstance(contact_id, int):
            self.done.emit(interaction_id, LINK, False, "The server did not number the contact")
            return
        await self._link(interaction_id, contact_id, "Contact created and linked")

    async def _link(self, interaction_id: str, contact_id: int, success: str) -> None:
        try:
            contact = await self._require_api().link_interaction(interaction_id, contact_id)
        except ApiError as exc:
            self.done.emit(interaction_id, LINK, False, f"Link contact failed: {exc.message}")
            return
        self.board.set_contact(interaction_id, contact)
        self.changed.emit(interaction_id)
        self.done.emit(interaction_id, LINK, True, success)

    # -- attachments ---------------------------------------------------------------------

    def save_attachment(self, saved: SavedFile, interaction_id: str, target: Path) -> None:
        """Download a kept attachment to `target`, chosen by the agent; it is never opened."""
        self._spawn(self._save_attachment(saved, interaction_id, target))

    async def _save_attachment(self, saved: SavedFile, interaction_id: str, target: Path) -> None:
        try:
            data = await self._require_api().attachment(
                interaction_id, saved.message_id, saved.index
            )
            await asyncio.to_thread(target.write_bytes, data)
        except ApiError as exc:
            self.done.emit(interaction_id, SAVE, False, f"Save failed: {exc.message}")
            return
        except OSError as exc:
            self.done.emit(interaction_id, SAVE, False, f"Save failed: {exc.strerror or exc}")
            return
        self.done.emit(interaction_id, SAVE, True, f"Saved {target.name} ({len(data)} bytes)")

    def _require_api(self) -> BrokerApi:
        api = self._api()
        if api is None:
            raise ApiError("not-connected", "the desktop is not started")
        return api
