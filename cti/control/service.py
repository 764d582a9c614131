"""Call control over AMI: the broker's `CallControl`, one method per button.

The broker has already checked that the agent may act on the call; this side finds the
agent's channels in the tracker, picks the route DESIGN.md gives for the button and the
agent's device, and turns AMI refusals into the protocol's error ids.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping

from cti.agents import QueueMembers
from cti.broker.commands import CommandError
from cti.calls.changes import CallChanges
from cti.calls.model import Call
from cti.control.ami import ActionSender, send
from cti.control.holdpause import HoldPause
from cti.control.legs import legs_or_gone, ringing_leg
from cti.control.parking import ParkingControl
from cti.control.settings import ControlSettings
from cti.control.transfer import TransferControl
from cti.protocol import ERR_NO_SUCH_EXTENSION, ERR_NOT_SUPPORTED

log = logging.getLogger(__name__)


class AmiCallControl:
    """Every call-control button for the broker, over one shared AMI client.

    ``extensions`` are the agents' extensions: dialling from another one, or a transfer
    or dial to a number of the same length that is none of them, is refused with
    `no-such-extension` before Asterisk is asked.
    """

    def __init__(
        self,
        client: ActionSender,
        calls: Mapping[str, Call],
        settings: ControlSettings | None = None,
        extensions: Collection[str] = (),
        changes: CallChanges | None = None,
        members: QueueMembers | None = None,
    ) -> None:
        """``changes`` is the tracker's (`CallTracker.changes`): an attended transfer
        waits on it for its consultation leg, the hold pause follows parked calls on it.
        ``members`` are the queue memberships a hold pauses (none without)."""
        self._client = client
        self._calls = calls
        self.settings = settings or ControlSettings()
        self.extensions = frozenset(extensions)
        changes = changes or CallChanges()
        self.transfers = TransferControl(client, calls, self.settings, changes)
        pause = None if members is None else HoldPause(client, calls, members, changes)
        self.parking = ParkingControl(client, calls, self.settings, pause)

    def capabilities(self, extension: str) -> list[str]:
        return self.settings.commands_for(extension)

    async def hangup(self, call_id: str, extension: str) -> None:
        """Hang up the agent's own leg; a parked (held) call hangs up the parked party."""
        call = self._calls.get(call_id)
        parkee = None if call is None else call.channels.get(call.parkee or "")
        if parkee is not None and not (call and call.legs_of(extension)):
            await send(self._client, "Hangup", {"Channel": parkee.name})
            return
        for leg in legs_or_gone(call, call_id, extension):
            await send(self._client, "Hangup", {"Channel": leg.name})
        log.info("hung up %s for extension %s", call_id, extension)

    async def dial(self, extension: str, number: str) -> None:
        """Ring the agent's device first; when it answers, Asterisk dials ``number``."""
        number = self._target(number)
        self._known(extension)
        fields = {
            "Channel": self.settings.device_channel(extension),
            "Exten": number,
            "Context": self.settings.dial_context,
            "Priority": "1",
            "CallerID": extension,
            "Async": "true",
        }
        await send(self._client, "Originate", fields)
        log.info("originate from extension %s", extension)

    async def transfer(self, call_id: str, extension: str, to: str, mode: str) -> str:
        """Start a transfer; returns the route: ``blind``, ``redirect`` or ``attended``."""
        to = self._target(to)
        if mode == "attended":
            await self.transfers.attended(call_id, extension, to)
            return "attended"
        return await self.transfers.blind(call_id, extension, to)

    async def complete_transfer(self, call_id: str, extension: str) -> None:
        await self.transfers.complete(call_id, extension)

    async def cancel_transfer(self, call_id: str, extension: str) -> None:
        await self.transfers.cancel(call_id, extension)

    async def hold(self, call_id: str, extension: str) -> None:
        await self.parking.hold(call_id, extension)

    async def resume(self, call_id: str, extension: str) -> None:
        await self.parking.resume(call_id, extension)

    async def answer(self, call_id: str, extension: str) -> None:
        """Make a ringing desk phone go off-hook with a NOTIFY it understands."""
        endpoint = self.settings.endpoint_of(extension)
        if not self.settings.can_answer(extension) or endpoint is None:
            raise CommandError(ERR_NOT_SUPPORTED, "this phone cannot be answered remotely")
        ringing_leg(self._calls.get(call_id), call_id, extension)
        event = self.settings.answer_notify_event
        await send(
            self._client, "PJSIPNotify", {"Endpoint": endpoint, "Variable": f"Event={event}"}
        )
        log.info("answer NOTIFY sent to %s for %s", endpoint, call_id)

    def _target(self, number: str) -> str:
        cleaned = self.settings.checked_number(number)
        if cleaned.isdigit() and len(cleaned) in {len(ext) for ext in self.extensions}:
            self._known(cleaned)  # as long as the agents' extensions: meant as one
        return cleaned

    def _known(self, extension: str) -> None:
        if self.extensions and extension not in self.extensions:
            raise CommandError(ERR_NO_SUCH_EXTENSION, f"no agent has extension {extension}")
