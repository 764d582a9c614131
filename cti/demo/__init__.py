"""`cti demo` pieces: a sample contact directory and a terminal view of screen-pops."""

from cti.demo.client import ClientRefused, PopClient, watch, ws_url
from cti.demo.contacts import CallerId, build_demo_directory, fictional_numbers
from cti.demo.feed import PopFeed, PopRow
from cti.demo.view import TerminalView, plain_line

__all__ = [
    "CallerId",
    "ClientRefused",
    "PopClient",
    "PopFeed",
    "PopRow",
    "TerminalView",
    "build_demo_directory",
    "fictional_numbers",
    "plain_line",
    "watch",
    "ws_url",
]
