"""Copy the channel snapshot an AMI event carries onto our Channel.

Asterisk's channel-snapshot events share one header set; Dial and Agent events carry
a second snapshot with a ``Dest`` prefix, transfer events use other prefixes.
"""

from __future__ import annotations

from collections.abc import Mapping

from cti.calls.model import Channel


def parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def apply_snapshot(channel: Channel, headers: Mapping[str, str], prefix: str = "") -> None:
    state = parse_int(headers.get(prefix + "ChannelState"))
    if state is not None:
        channel.state = state
    value = headers.get(prefix + "CallerIDNum")
    if value is not None:
        channel.cid_num = value
    value = headers.get(prefix + "CallerIDName")
    if value is not None:
        channel.cid_name = value
    value = headers.get(prefix + "ConnectedLineNum")
    if value is not None:
        channel.connected_num = value
    value = headers.get(prefix + "ConnectedLineName")
    if value is not None:
        channel.connected_name = value
    value = headers.get(prefix + "Context")
    if value is not None:
        channel.context = value
    value = headers.get(prefix + "Exten")
    if value is not None:
        channel.exten = value
    if channel.did is None and channel.uniqueid == channel.linkedid:
        _learn_did(channel)


def _learn_did(channel: Channel) -> None:
    """The number the caller dialled, as the caller's channel first shows it.

    A trunk channel has it from the start. A Local channel created by Originate starts
    in its own creation context, so the DID is where it goes next.
    """
    if not channel.exten:
        return
    if channel.is_local and channel.context == channel.created_context:
        return
    channel.did = channel.exten
