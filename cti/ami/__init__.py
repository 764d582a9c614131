"""Asterisk Manager Interface: typed messages, sans-I/O parser, asyncio client, fake server."""

from cti.ami.actions import AmiDisconnected, AmiError, AmiTimeout, encode_action
from cti.ami.client import AmiClient, AmiSettings
from cti.ami.messages import MULTI_VALUE_KEYS, AmiMessage, Banner, Event, Message, Response
from cti.ami.parser import AmiParser, parse_buffer, parse_frame

__all__ = [
    "MULTI_VALUE_KEYS",
    "AmiClient",
    "AmiDisconnected",
    "AmiError",
    "AmiMessage",
    "AmiParser",
    "AmiSettings",
    "AmiTimeout",
    "Banner",
    "Event",
    "Message",
    "Response",
    "encode_action",
    "parse_buffer",
    "parse_frame",
]
