"""The bridge between the plain-Python client and the widgets (qutebrowser's message
bridge model): network and state live here and in `BrokerConnection`/`CallBoard`;
widgets only connect to these signals and call these methods."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from typing import Any

import aiohttp
from PyQt6.QtCore import QObject, pyqtSignal

from cti.protocol import (
    CMD_ANSWER,
    CMD_DIAL,
    CMD_HANGUP,
    CMD_HOLD,
    CMD_RESUME,
    CMD_TRANSFER,
)
from desktop.api import ApiError, BrokerApi, ContactDraft
from desktop.board import CallBoard, CallRecord
from desktop.connection import BrokerConnection, CommandOutcome, LinkState, cancel_quietly
from desktop.controls import CONTROL_LABELS
from desktop.phone import PhoneBridge
from desktop.welcome import Welcome

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0  # seconds to open a connection to the server


def describe(outcome: CommandOutcome) -> str:
    """One line for the window; a refusal always reads as a failure, with the reason."""
    label = CONTROL_LABELS.get(outcome.name, outcome.name)
    if outcome.ok:
        return f"{label}: done" + (f" - {outcome.message}" if outcome.message else "")
    reason = outcome.message or "no reason given"
    return f"{label} failed: {reason} [{outcome.error}]"


class DesktopController(QObject):
    link_changed = pyqtSignal(str, str)  # LinkState value, detail
    welcomed = pyqtSignal()
    board_reset = pyqtSignal()
    call_changed = pyqtSignal(str, str)  # call_id, event type
    command_done = pyqtSignal(str, str, bool, str)  # call_id ("" for dial), name, ok, text
    contact_saved = pyqtSignal(str, bool, str)  # call_id, ok, text
    note_saved = pyqtSignal(str, bool, str)  # call_id, ok, text
    search_done = pyqtSignal(list, str)  # contacts, error text ("" when fine)

    def __init__(
        self, server_url: str, token: str, parent: QObject | None = None, **options: Any
    ) -> None:
        super().__init__(parent)
        self.server_url = server_url
        self._token = token
        self._options = options
        self.board = CallBoard()
        self.welcome: Welcome | None = None
        self.link_state = LinkState.STOPPED
        self.link_detail = ""
        self.connection: BrokerConnection | None = None
        self.api: BrokerApi | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.phone = PhoneBridge(lambda: self.board, self)
        self.phone.leg_changed.connect(lambda call_id: self.call_changed.emit(call_id, "softphone"))
        self.phone.command_done.connect(self.command_done)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start connecting; needs the qasync loop set as the current event loop."""
        if self._run_task is None:
            self._run_task = asyncio.get_event_loop().create_task(self._main())

    async def _main(self) -> None:
        # No overall deadline (the socket lives for hours); connecting gets one.
        timeout = aiohttp.ClientTimeout(total=None, connect=CONNECT_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            self.connection = BrokerConnection(
                self.server_url, self._token, self, session, **self._options
            )
            self.api = BrokerApi(self.connection.rest_url, self._token, session)
            try:
                await self.connection.run()
            finally:
                self.api = None

    def sign_in_as(self, server_url: str, token: str) -> None:
        """Drop the current connection and state, then connect with new credentials."""
        self._spawn(self._restart(server_url, token))

    async def _restart(self, server_url: str, token: str) -> None:
        if self._run_task is not None:
            await cancel_quietly(self._run_task)
            self._run_task = None
        self.server_url, self._token = server_url, token
        self.welcome = None
        self.board = CallBoard()
        self.board_reset.emit()
        self.start()

    async def stop(self) -> None:
        self.phone.close()
        tasks = list(self._tasks)
        if self._run_task is not None:
            tasks.append(self._run_task)
            self._run_task = None
        for task in tasks:
            await cancel_quietly(task)

    @property
    def connected(self) -> bool:
        return self.link_state is LinkState.CONNECTED

    @property
    def capabilities(self) -> frozenset[str] | None:
        return self.welcome.capabilities if self.welcome is not None else frozenset()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_event_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("desktop task failed", exc_info=task.exception())

    # -- BrokerListener --------------------------------------------------------------------

    def on_link(self, state: LinkState, detail: str) -> None:
        self.link_state, self.link_detail = state, detail
        self.link_changed.emit(state.value, detail)

    def on_welcome(self, welcome: Welcome, fresh: bool) -> None:
        self.welcome = welcome
        if fresh:
            self.board.rebuild(welcome.extension, welcome.calls)
            for record in self.board:
                self.phone.pop_changed(record)
            self.board_reset.emit()
        self.welcomed.emit()

    def on_event(self, kind: str, data: Mapping[str, Any]) -> None:
        record = self.board.apply(kind, data)
        if record is not None:
            self.phone.pop_changed(record)
            self.call_changed.emit(record.call_id, kind)

    # -- commands ------------------------------------------------------------------------

    def send(self, name: str, args: dict[str, Any], call_id: str = "") -> None:
        """To the softphone when the call is on its SIP leg, else to the server."""
        if self.phone.takes(name, call_id):
            self.phone.run(name, call_id)
            return
        self._spawn(self._send(name, args, call_id))

    async def _send(self, name: str, args: dict[str, Any], call_id: str) -> None:
        if self.connection is None:
            outcome = CommandOutcome(name, False, "not-connected", "not connected to the server")
        else:
            outcome = await self.connection.command(name, args)
        log.info("command %s: ok=%s error=%s", name, outcome.ok, outcome.error)
        if outcome.ok and name == CMD_TRANSFER:
            self._transfer_step(call_id, args)
        if not outcome.ok and name == CMD_DIAL:
            self.phone.expect_callback(None)
        self.command_done.emit(call_id, name, outcome.ok, describe(outcome))

    def _transfer_step(self, call_id: str, args: dict[str, Any]) -> None:
        """An attended transfer the broker started: offer complete and cancel until it ends."""
        record = self.board.get(call_id)
        if record is None:
            return
        starting = args.get("action", "start") == "start" and args.get("mode") == "attended"
        if starting and record.active:
            record.consulting = str(args.get("to"))
        else:
            record.consulting = None
        self.call_changed.emit(call_id, "transfer.step")

    def answer(self, call_id: str) -> None:
        self.send(CMD_ANSWER, {"call_id": call_id}, call_id)

    def hangup(self, call_id: str) -> None:
        self.send(CMD_HANGUP, {"call_id": call_id}, call_id)

    def hold(self, call_id: str) -> None:
        self.send(CMD_HOLD, {"call_id": call_id}, call_id)

    def resume(self, call_id: str) -> None:
        self.send(CMD_RESUME, {"call_id": call_id}, call_id)

    def transfer(self, call_id: str, target: str, mode: str) -> None:
        self.send(CMD_TRANSFER, {"call_id": call_id, "to": target, "mode": mode}, call_id)

    def transfer_step(self, call_id: str, action: str) -> None:
        """``complete`` or ``cancel`` the attended transfer started on this call."""
        self.send(CMD_TRANSFER, {"call_id": call_id, "action": action}, call_id)

    def dial(self, number: str) -> None:
        self.phone.expect_callback(self.welcome.extension if self.welcome else None)
        self.send(CMD_DIAL, {"number": number})

    # -- directory -----------------------------------------------------------------------

    def choose_contact(self, call_id: str, contact: dict[str, Any]) -> None:
        """The agent picked one of several matches: show it, then load its history."""
        record = self.board.get(call_id)
        if record is None:
            return
        record.chosen_contact = contact
        self.call_changed.emit(call_id, "contact.chosen")
        contact_id = contact.get("id")
        if isinstance(contact_id, int):
            self._spawn(self._load_contact(call_id, contact_id))

    async def _load_contact(self, call_id: str, contact_id: int) -> None:
        if self.api is None:
            return
        try:
            full = await self.api.contact(contact_id)
        except ApiError as exc:
            log.info("could not load contact %s: %s", contact_id, exc.error)
            return
        record = self.board.get(call_id)
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
        record = self.board.get(call_id)
        if record is not None:
            record.chosen_contact = contact
            self.call_changed.emit(call_id, "contact.created")
        self.contact_saved.emit(call_id, True, f"Contact {contact.get('name', '')} saved")

    def save_note(self, call_id: str, disposition: str, notes: str) -> None:
        self._spawn(self._save_note(call_id, disposition, notes))

    async def _save_note(self, call_id: str, disposition: str, notes: str) -> None:
        record = self.board.get(call_id)
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

    def _require_api(self) -> BrokerApi:
        if self.api is None:
            raise ApiError("not-connected", "the desktop is not started")
        return self.api

    def forget(self, call_id: str) -> CallRecord | None:
        record = self.board.get(call_id)
        self.board.forget(call_id)
        return record
