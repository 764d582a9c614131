"""Copy the channel snapshot an AMI event carries onto our Channel.

Asterisk's channel-snapshot events share one header set; Dial and Agent events carry
a second snapshot with a ``Dest`` prefix, transfer events use other prefixes.
"""

from __future__ import annotations

from collections.abc import Mapping

from cti.calls.model import Channel

_TEXT_FIELDS = (
    ("CallerIDNum", "cid_num"),
    ("CallerIDName", "cid_name"),
    ("ConnectedLineNum", "connected_num"),
    ("ConnectedLineName", "connected_name"),
    ("Context", "context"),
    ("Exten", "exten"),
)


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
    for key, attribute in _TEXT_FIELDS:
        value = headers.get(prefix + key)
        if value is not None:
            setattr(channel, attribute, value)
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
