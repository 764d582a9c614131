"""Which channels of a tracked call a command acts on."""

from __future__ import annotations

from cti.broker.commands import CommandError
from cti.calls.model import Call, Channel
from cti.protocol import ERR_CALL_GONE


def legs_or_gone(call: Call | None, call_id: str, extension: str) -> list[Channel]:
    legs = [] if call is None else call.legs_of(extension)
    if not legs:
        raise CommandError(ERR_CALL_GONE, f"extension {extension} has no leg in {call_id}")
    return legs


def talking_leg(call: Call | None, call_id: str, extension: str) -> Channel:
    """The agent's leg that is in a bridge with someone: the one a transfer or hold moves."""
    for leg in legs_or_gone(call, call_id, extension):
        if leg.bridge is not None:
            return leg
    raise CommandError(ERR_CALL_GONE, f"extension {extension} is not talking in {call_id}")


def far_parties(call: Call, leg: Channel) -> list[Channel]:
    """The others in the agent's bridge (the customer, usually one channel)."""
    return [
        channel
        for channel in call.channels.values()
        if channel is not leg
        and channel.bridge == leg.bridge
        and channel.extension != leg.extension
    ]


def ringing_leg(call: Call | None, call_id: str, extension: str) -> Channel:
    for leg in legs_or_gone(call, call_id, extension):
        if leg.ringing and not leg.answered:
            return leg
    raise CommandError(ERR_CALL_GONE, f"extension {extension} is not ringing in {call_id}")
