"""Blind and attended transfer over AMI.

Blind: ``BlindTransfer`` of the agent's channel; when Asterisk cannot (``Transfer
invalid``/``failed``, or an Asterisk without the action) the far party is sent to the
target with ``Redirect`` instead. Attended: ``Atxfer`` starts the consultation like the
phone's transfer key; AMI has no action to finish it, so *complete* hangs up the
transferer (Asterisk then hands the caller to the target) and *cancel* hangs up the
target (the transferer is back with the caller), as in Asterisk 22's attended transfer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from cti.broker.commands import CommandError
from cti.calls.model import Call, Channel
from cti.control.ami import ActionSender, send
from cti.control.legs import far_parties, talking_leg
from cti.control.settings import ControlSettings
from cti.protocol import ERR_BAD_ARGS, ERR_CALL_GONE, ERR_FAILED

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Consultation:
    """An Atxfer this server started: who transfers, and who was talking to them."""

    extension: str
    transferer: str  # Uniqueid of the agent's channel
    far: frozenset[str]  # Uniqueids of the parties being transferred


class TransferControl:
    def __init__(
        self, client: ActionSender, calls: Mapping[str, Call], settings: ControlSettings
    ) -> None:
        self._client, self._calls, self.settings = client, calls, settings
        self._consultations: dict[str, Consultation] = {}

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
        call = self._calls.get(call_id)
        leg = talking_leg(call, call_id, extension)
        assert call is not None
        far = frozenset(channel.uniqueid for channel in far_parties(call, leg))
        fields = {"Channel": leg.name, "Exten": to, "Context": self.settings.dial_context}
        await send(self._client, "Atxfer", fields)
        self._forget_ended()
        self._consultations[call_id] = Consultation(extension, leg.uniqueid, far)

    async def complete(self, call_id: str, extension: str) -> None:
        call, consultation = self._consultation(call_id, extension)
        transferer = call.channels.get(consultation.transferer)
        if transferer is None:
            raise CommandError(ERR_CALL_GONE, "your leg of the transfer has ended")
        await send(self._client, "Hangup", {"Channel": transferer.name})
        self._consultations.pop(call_id, None)

    async def cancel(self, call_id: str, extension: str) -> None:
        call, consultation = self._consultation(call_id, extension)
        targets = self._targets(call, consultation)
        if not targets:
            raise CommandError(ERR_CALL_GONE, "the transfer target has already left")
        await send(self._client, "Hangup", {"Channel": targets[0].name})
        self._consultations.pop(call_id, None)

    def _consultation(self, call_id: str, extension: str) -> tuple[Call, Consultation]:
        call = self._calls.get(call_id)
        consultation = self._consultations.get(call_id)
        if call is None:
            self._consultations.pop(call_id, None)
            raise CommandError(ERR_CALL_GONE, f"call {call_id} has ended")
        if consultation is None or consultation.extension != extension:
            raise CommandError(ERR_BAD_ARGS, "no attended transfer of yours is in progress")
        return call, consultation

    @staticmethod
    def _targets(call: Call, consultation: Consultation) -> list[Channel]:
        """Channels of the call that are neither the transferer nor the transferred side."""
        far = [call.channels[uid] for uid in consultation.far if uid in call.channels]
        far_bridges = {channel.bridge for channel in far if channel.bridge is not None}
        return [
            channel
            for channel in call.channels.values()
            if channel.uniqueid != consultation.transferer
            and channel.uniqueid not in consultation.far
            and (channel.bridge is None or channel.bridge not in far_bridges)
        ]

    def _forget_ended(self) -> None:
        for call_id in [key for key in self._consultations if key not in self._calls]:
            del self._consultations[call_id]
