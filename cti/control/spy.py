"""Listen, whisper and barge: the supervisor's own phone rings, and once picked up it
runs Asterisk's ChanSpy on the agent's channel of the call the agent is talking on.

AMI ``Originate`` of the supervisor's device (``calls.dial_channel``) with
``Application: ChanSpy`` needs only the ``originate`` write class (manager.c lets any
application but a few listed ones through). ChanSpy takes a channel-name *prefix*;
cti gives it the exact name of the agent's leg that is in the caller's bridge, as the
call tracker knows it:

- ``PJSIP/1001-0000001a``: a bare ``PJSIP/1001`` would also match ``PJSIP/10010-…``;
- ``Local/1001@agents-00000037;1``: the ``;1`` half, which the queue bridged with the
  caller. A bare ``Local/1001@agents`` makes ChanSpy pick the first match, the ``;2``
  half (chanspy_listen recording), and a whisper into that half reaches the *caller*:
  what a Local ``;2`` writes comes out of its ``;1`` into the caller's bridge.

Options: ``q`` (no beep, no name announcement), plus ``w`` (whisper: the agent hears
the supervisor) or ``B`` (barge: both parties hear), and ``E`` so that the spy hangs
up when the agent's leg does, instead of waiting for a channel that will never return.
The spy is a call of its own (own Linkedid, never bridged): the agent's call is not
touched.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from cti.broker.commands import CommandError
from cti.calls.model import Call, Channel
from cti.control.ami import ActionSender, send
from cti.control.settings import ControlSettings
from cti.protocol import ERR_BAD_ARGS, ERR_NO_SUCH_CALL

log = logging.getLogger(__name__)

SPY_OPTIONS = {"listen": "qE", "whisper": "qwE", "barge": "qBE"}
_DOING = {"listen": "listen to", "whisper": "whisper to", "barge": "barge in on"}


class SpyControl:
    def __init__(
        self, client: ActionSender, calls: Mapping[str, Call], settings: ControlSettings
    ) -> None:
        self._client, self._calls, self.settings = client, calls, settings

    async def spy(self, supervisor: str, agent: str, mode: str) -> str:
        """Ring ``supervisor``'s phone into ChanSpy on ``agent``'s talking leg."""
        options = SPY_OPTIONS.get(mode)
        if options is None:
            raise CommandError(ERR_BAD_ARGS, f"mode must be one of {', '.join(SPY_OPTIONS)}")
        if supervisor == agent:
            raise CommandError(ERR_BAD_ARGS, "you cannot listen to your own extension")
        leg = self.talking_leg(agent)
        fields = {
            "Channel": self.settings.device_channel(supervisor),
            "Application": "ChanSpy",
            "Data": f"{leg.name},{options}",
            "CallerID": f'"{mode} {agent}" <{agent}>',
            "Async": "true",
        }
        await send(self._client, "Originate", fields)
        log.info("%s: %s spies on %s (%s, %s)", mode, supervisor, agent, leg.name, options)
        return f"your phone {supervisor} is ringing: pick it up to {_DOING[mode]} {agent}'s call"

    def talking_leg(self, extension: str) -> Channel:
        """The agent's leg in a bridge with someone, in whichever call it is."""
        for call in self._calls.values():
            for leg in call.legs_of(extension):
                if leg.bridge is not None:
                    return leg
        raise CommandError(ERR_NO_SUCH_CALL, f"{extension} is not talking on any call")
