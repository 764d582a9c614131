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
    PbxLink,
)
from desktop.api import BrokerApi
from desktop.board import CallBoard, CallRecord
from desktop.centredesk import CentreDesk
from desktop.connection import BrokerConnection, CommandOutcome, LinkState, cancel_quietly
from desktop.controls import CONTROL_LABELS
from desktop.directory import Directory
from desktop.interactiondesk import InteractionDesk
from desktop.phone import PhoneBridge
from desktop.welcome import Welcome

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0  # seconds to open a connection to the server


def describe(outcome: CommandOutcome) -> str:
    """One line for the window; a refusal always reads as a failure, with the server's
    own explanation (its error id only when it gave none: the id goes to the log)."""
    label = CONTROL_LABELS.get(outcome.name, outcome.name)
    if outcome.ok:
        return f"{label}: done" + (f" - {outcome.message}" if outcome.message else "")
    return f"{label} failed: {outcome.message or f'no reason given ({outcome.error})'}"


class DesktopController(QObject):
    link_changed = pyqtSignal(str, str)  # LinkState value, detail
    welcomed = pyqtSignal()
    board_reset = pyqtSignal()
    call_changed = pyqtSignal(str, str)  # call_id, event type
    command_done = pyqtSignal(str, str, bool, str)  # call_id ("" for dial), name, ok, text
    pbx_changed = pyqtSignal(bool)  # whether the server has its AMI link to the PBX

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
        self.pbx_up = True  # the server's AMI link, as the welcome and pbx.link events say
        self.pbx_since: str | None = None
        self.directory = Directory(lambda: self.board, lambda: self.api, self._spawn, self)
        self.directory.call_changed.connect(self.call_changed)
        self.phone = PhoneBridge(lambda: self.board, self)
        self.phone.leg_changed.connect(lambda call_id: self.call_changed.emit(call_id, "softphone"))
        self.phone.command_done.connect(self.command_done)
        self.centre = CentreDesk(self._command, self._spawn, self)
        self.interactions = InteractionDesk(
            self._command, self._spawn, lambda: self.api, lambda: self.centre.clock, self
        )

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
                self.server_url,
                self._token,
                self,
                session,
                clock=self.centre.clock,
                **self._options,
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
        self.centre.reset()
        self.interactions.clear()
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
        self._set_pbx(welcome.pbx_connected, welcome.pbx_since)
        self.centre.load(welcome, fresh)
        self.interactions.load(welcome, fresh)
        if fresh:
            self.board.rebuild(welcome.extension, welcome.calls)
            for record in self.board:
                self.phone.pop_changed(record)
            self.board_reset.emit()
        self.welcomed.emit()

    def on_event(self, kind: str, data: Mapping[str, Any]) -> None:
        if kind == PbxLink.type:
            self._pbx_link(data)
            return
        if self.interactions.apply(kind, data):
            return
        call_id = data.get("call_id")
        waiting = self.centre.waits(call_id)
        if self.centre.apply(kind, data):
            return
        if waiting and self.board.get(str(call_id)) is None:
            return  # a waiting caller answered or gone: never a call of this desktop
        record = self.board.apply(kind, data)
        if record is not None:
            self.phone.pop_changed(record)
            self.call_changed.emit(record.call_id, kind)

    def _pbx_link(self, data: Mapping[str, Any]) -> None:
        connected, since = data.get("connected"), data.get("since")
        if not isinstance(connected, bool):
            log.warning("ignoring a pbx.link event without a connected flag")
            return
        self._set_pbx(connected, since if isinstance(since, str) else None)

    def _set_pbx(self, up: bool, since: str | None) -> None:
        changed = up is not self.pbx_up
        self.pbx_up, self.pbx_since = up, since
        if changed:
            log.info("the server's PBX link is %s", "up" if up else "down")
        self.pbx_changed.emit(up)

    # -- commands ------------------------------------------------------------------------

    def send(self, name: str, args: dict[str, Any], call_id: str = "") -> None:
        """To the softphone when the call is on its SIP leg, else to the server."""
        if self.phone.takes(name, call_id):
            self.phone.run(name, call_id)
            return
        self._spawn(self._send(name, args, call_id))

    async def _command(self, name: str, args: dict[str, Any]) -> CommandOutcome:
        if self.connection is None:
            return CommandOutcome(name, False, "not-connected", "not connected to the server")
        return await self.connection.command(name, args)

    async def _send(self, name: str, args: dict[str, Any], call_id: str) -> None:
        mark = self.board.transfers_over(call_id)
        outcome = await self._command(name, args)
        log.info("command %s: ok=%s error=%s", name, outcome.ok, outcome.error)
        if outcome.ok and name == CMD_TRANSFER:
            self._transfer_step(call_id, args, mark)
        if not outcome.ok and name == CMD_DIAL:
            self.phone.expect_callback(None)
        self.command_done.emit(call_id, name, outcome.ok, describe(outcome))

    def _transfer_step(self, call_id: str, args: dict[str, Any], mark: int) -> None:
        """An attended transfer the broker started: offer complete and cancel until it ends."""
        starting = args.get("action", "start") == "start" and args.get("mode") == "attended"
        if starting:
            record = self.board.consultation_started(call_id, str(args.get("to")), mark)
        else:
            record = self.board.consultation_finished(call_id)
        if record is not None:
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

    def forget(self, call_id: str) -> CallRecord | None:
        record = self.board.get(call_id)
        self.board.forget(call_id)
        return record
