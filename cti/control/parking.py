"""Hold and resume for desk phones: park the far party, then ring the agent back into
the parking space. AMI has no Hold action, and a desk phone's own hold key is out of
reach; parking keeps the caller on music in Asterisk, wherever the agent's phone is.
Parking frees the agent's phone, so the agent's queues are paused first (`HoldPause`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from cti.broker.commands import CommandError
from cti.calls.model import Call
from cti.control.ami import ActionSender, send
from cti.control.holdpause import HoldPause
from cti.control.legs import far_parties, talking_leg
from cti.control.settings import ControlSettings
from cti.protocol import ERR_BAD_ARGS, ERR_CALL_GONE

log = logging.getLogger(__name__)


class ParkingControl:
    def __init__(
        self,
        client: ActionSender,
        calls: Mapping[str, Call],
        settings: ControlSettings,
        pause: HoldPause | None = None,
    ) -> None:
        """Without ``pause`` (no queue memberships known) hold parks and pauses nothing."""
        self._client, self._calls, self.settings = client, calls, settings
        self.pause = pause

    async def hold(self, call_id: str, extension: str) -> None:
        call = self._calls.get(call_id)
        if call is not None and call.parked_space is not None:
            raise CommandError(ERR_BAD_ARGS, "the call is already on hold")
        leg = talking_leg(call, call_id, extension)
        assert call is not None
        far = far_parties(call, leg)
        if not far:
            raise CommandError(ERR_CALL_GONE, "this call cannot be parked: nobody else is on it")
        fields = {
            "Channel": far[0].name,
            "TimeoutChannel": leg.name,  # when the park times out, Asterisk rings the agent
            "Parkinglot": self.settings.parking_lot,
            "Timeout": str(self.settings.park_timeout * 1000),
        }
        if self.pause is not None:
            await self.pause.before_park(call_id, extension)
        try:
            await send(self._client, "Park", fields)
        except CommandError as exc:
            if self.pause is not None:
                await self.pause.park_failed(call_id, extension)
            reason = exc.message.strip() or "refused"
            raise CommandError(exc.error_id, f"this call cannot be parked: {reason}") from exc
        log.info("parked %s (%s) for extension %s", call_id, far[0].name, extension)

    async def resume(self, call_id: str, extension: str) -> None:
        call = self._calls.get(call_id)
        if call is None:
            raise CommandError(ERR_CALL_GONE, f"call {call_id} has ended")
        if call.parked_space is None:
            raise CommandError(ERR_BAD_ARGS, "the call is not on hold")
        origin = call.origin
        caller_id = ""
        if origin is not None and origin.cid_num:
            caller_id = f'"{origin.cid_name.replace(chr(34), "")}" <{origin.cid_num}>'
        fields = {
            "Channel": self.settings.device_channel(extension),
            "Context": self.settings.parking_context,
            "Exten": call.parked_space,
            "Priority": "1",
            "CallerID": caller_id,
            "Async": "true",
        }
        await send(self._client, "Originate", fields)
        log.info("retrieving %s from space %s for %s", call_id, call.parked_space, extension)
