"""Blind and attended transfer over AMI.

Blind: ``BlindTransfer`` of the agent's channel; when Asterisk cannot (``Transfer
invalid``/``failed``, or an Asterisk without the action) the far party is sent to the
target with ``Redirect`` instead.

Attended: Asterisk 22's ``Atxfer`` queues the atxfer feature code and the target's
digits as DTMF, and the feature then collects digits after a ``pbx-transfer`` prompt;
without the prompt the consultation never starts, and queued digits get lost. With
``TRANSFER_EXTEN`` set on the transferer's channel (bridge_basic.c, grab_transfer)
Asterisk dials that extension at once; Atxfer's ``Context`` becomes TRANSFER_CONTEXT
(manager.c, action_atxfer). The start succeeds only once the tracker shows the
consultation leg this Atxfer created. AMI has no action to finish it: *complete* hangs
up the transferer (Asterisk hands the caller to the target), *cancel* hangs up exactly
that consultation leg (the transferer is back with the caller).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping

from cti.broker.commands import CommandError
from cti.calls.changes import CallChanges
from cti.calls.model import Call, Channel, Consultation
from cti.control.ami import ActionSender, send
from cti.control.legs import far_parties, talking_leg
from cti.control.settings import ControlSettings
from cti.protocol import ERR_BAD_ARGS, ERR_CALL_GONE, ERR_FAILED

log = logging.getLogger(__name__)

TRANSFER_EXTEN = "TRANSFER_EXTEN"
LATE_WATCH = 60.0
"""Seconds a failed start is watched: a consultation that still appears is cancelled."""


class TransferControl:
    def __init__(
        self,
        client: ActionSender,
        calls: Mapping[str, Call],
        settings: ControlSettings,
        changes: CallChanges,
    ) -> None:
        self._client, self._calls, self.settings = client, calls, settings
        self._changes = changes
        self._late: dict[str, tuple[Channel, float]] = {}  # call_id -> (transferer, until)
        self._tasks: set[asyncio.Task[None]] = set()
        changes.subscribe(self._cancel_late)

    async def blind(self, call_id: str, extension: str, to: str) -> str:
        """Returns the route taken: ``blind``, or ``redirect`` after a refused BlindTransfer."""
        call = self._calls.get(call_id)
        leg = talking_leg(call, call_id, extension)
        assert call is not None
        far = far_parties(call, leg)
        context = self.settings.dial_context
        fields = {"Channel": leg.name, "Exten": to, "Context": context}
        try:
            await send(self._client, "BlindTransfer", fields)
        except CommandError as exc:
            if exc.error_id != ERR_FAILED or not far:
                raise
            log.info("BlindTransfer refused (%s); redirecting %s instead", exc.message, call_id)
            redirect = {"Channel": far[0].name, "Exten": to, "Context": context, "Priority": "1"}
            await send(self._client, "Redirect", redirect)
            return "redirect"
        return "blind"

    async def attended(self, call_id: str, extension: str, to: str) -> None:
        """Start the consultation; returns once its leg exists, else fails and undoes."""
        call = self._calls.get(call_id)
        leg = talking_leg(call, call_id, extension)
        assert call is not None
        if call.consultation is not None:
            raise CommandError(ERR_BAD_ARGS, "an attended transfer of this call is in progress")
        context = self.settings.dial_context
        atxfer = {"Channel": leg.name, "Exten": to, "Context": context}
        outcome = StartWatch(call, leg)
        watch = self._changes.watch(outcome.settled)  # before Atxfer: a quick end is seen too
        try:
            await self._set_exten(leg, to)
            await send(self._client, "Atxfer", atxfer)
            await self._changes.settle(watch, outcome.settled, self.settings.consult_timeout)
        finally:
            watch.cancel()
            await self._set_exten(leg, "")  # a later transfer key press must ask again
        consultation = call.consultation
        if not outcome.started() or consultation is None or consultation.target is None:
            if not outcome.began:  # it may still come: cancel it then
                self._late[call_id] = (leg, time.monotonic() + LATE_WATCH)
            why = (
                f"the PBX called {to}, but that call ended at once"
                if outcome.began
                else f"the PBX did not call {to}: it gave the caller back at once "
                f"(is {to} an extension of {context}?)"
                if outcome.given_back
                else f"the PBX did not call {to}: no consultation within "
                f"{self.settings.consult_timeout:g} s"
            )
            log.warning(
                "attended transfer of %s from %s to %s@%s failed: %s",
                call_id, leg.name, to, context, why,
            )  # fmt: skip
            raise CommandError(ERR_FAILED, f"{why}; the caller is still with you")
        log.info(
            "attended transfer of %s started: %s consults %s on %s",
            call_id, leg.name, to, consultation.target.name,
        )  # fmt: skip

    async def complete(self, call_id: str, extension: str) -> None:
        call, consultation, _ = self._consultation(call_id, extension)
        transferer = consultation.transferer
        if transferer.uniqueid not in call.channels:
            raise CommandError(ERR_CALL_GONE, "your leg of the transfer has ended")
        await send(self._client, "Hangup", {"Channel": transferer.name})
        log.info(
            "attended transfer of %s completed: hung up transferer %s, caller goes to %s",
            call_id, transferer.name, consultation.target_number,
        )  # fmt: skip

    async def cancel(self, call_id: str, extension: str) -> None:
        _, consultation, target = self._consultation(call_id, extension)
        consultation.cancelling = True
        try:
            await send(self._client, "Hangup", {"Channel": target.name})
        except CommandError:
            consultation.cancelling = False
            raise
        log.info(
            "attended transfer of %s cancelled: hung up consultation leg %s, %s has the caller",
            call_id, target.name, consultation.transferer.name,
        )  # fmt: skip

    def _consultation(self, call_id: str, extension: str) -> tuple[Call, Consultation, Channel]:
        """The agent's consultation with a known leg; refuses (touching nothing) without."""
        call = self._calls.get(call_id)
        if call is None:
            raise CommandError(ERR_CALL_GONE, f"call {call_id} has ended")
        consultation = call.consultation
        if consultation is None or consultation.transferer_extension != extension:
            raise CommandError(ERR_BAD_ARGS, "no attended transfer of yours is in progress")
        target = consultation.target
        if target is None or target.uniqueid not in call.channels:
            raise CommandError(ERR_BAD_ARGS, "the transfer has no consultation call (yet)")
        return call, consultation, target

    async def _set_exten(self, leg: Channel, value: str) -> None:
        fields = {"Channel": leg.name, "Variable": TRANSFER_EXTEN, "Value": value}
        if value:
            await send(self._client, "Setvar", fields)
            return
        try:
            await send(self._client, "Setvar", fields)
        except CommandError as exc:  # the channel may be gone: nothing left to clear
            log.debug("could not clear %s on %s: %s", TRANSFER_EXTEN, leg.name, exc.message)

    def _cancel_late(self) -> None:
        """A consultation that shows up after its start was reported failed would ring
        the target behind the agent's back: hang it up (tracker listener, so sync)."""
        now = time.monotonic()
        for call_id, (transferer, until) in list(self._late.items()):
            call = self._calls.get(call_id)
            if call is None or now > until:
                del self._late[call_id]
            elif _consulting(call, transferer) and call.consultation is not None:
                del self._late[call_id]
                task = asyncio.create_task(self._hang_up_late(call_id, call.consultation))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _hang_up_late(self, call_id: str, consultation: Consultation) -> None:
        target = consultation.target
        assert target is not None
        consultation.cancelling = True
        log.warning("attended transfer of %s: late consultation %s hung up", call_id, target.name)
        try:
            await send(self._client, "Hangup", {"Channel": target.name})
        except CommandError as exc:
            log.warning("could not hang up late consultation %s: %s", target.name, exc.message)


class StartWatch:
    """What followed an Atxfer: its consultation leg, or Asterisk holding the caller
    and giving it straight back (no such extension in the transfer context: Asterisk
    logs "Override extension ... does not exist" and, with no prompt, gives up)."""

    def __init__(self, call: Call, transferer: Channel) -> None:
        self.call, self.transferer = call, transferer
        self.held = self.given_back = False
        self.began = False  # a consultation leg was seen, even if it is gone again

    def started(self) -> bool:
        return _consulting(self.call, self.transferer)

    def settled(self) -> bool:
        """Checked after each event: started, or held then resumed without one."""
        if self.started():
            self.began = True
            return True
        if self.call.held:
            self.held = True
        elif self.held:
            self.given_back = True
        return self.given_back


def _consulting(call: Call, transferer: Channel) -> bool:
    consultation = call.consultation
    return (
        consultation is not None
        and consultation.transferer is transferer
        and consultation.target is not None
    )
