"""Options of the `chat` section: the visitor chat endpoint ``/chat/ws`` and its widget.

Chat is off unless enabled, and no website may open chats until it is listed in
``chat.allowed_origins`` (``"*"`` lets any site): a chat costs an agent's attention, so
a site must be chosen, not assumed. The demo page is off unless asked for (`cti demo`
turns it on for itself). Behind a reverse proxy every visitor seems to come from the
proxy, so the per-address limits would lump them together; ``chat.trusted_proxies``
names the proxies whose ``X-Forwarded-For`` is believed, and no one else's is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cti.config.option import Option, Rule
from cti.config.types import Bool, Float, Int, InvalidValue, StrList

if TYPE_CHECKING:
    from cti.channels.chat.service import ChatSettings
    from cti.config.model import ChatConfig

CHAT_SECTION = (
    "The visitor chat: the WebSocket `/chat/ws` a website's widget opens, the widget's "
    "files `/chat/widget.js` and `/chat/widget.css`, who may open chats and how fast."
)

ANY_ORIGIN = "*"


@dataclass(frozen=True, slots=True)
class OriginList(StrList):
    """Browser origins (``https://www.example.com``), or the single entry ``"*"``."""

    @property
    def label(self) -> str:
        return "list of origins such as https://www.example.com, or ['*'] for any site"

    def parse(self, value: object) -> tuple[str, ...]:
        origins = StrList.parse(self, value)
        if ANY_ORIGIN in origins and len(origins) > 1:
            raise InvalidValue.single(
                "'*' allows every site, so it must be the only entry", "remove the other ones"
            )
        return origins

    def check_item(self, item: str) -> None:
        if item == ANY_ORIGIN:
            return
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidValue.single(
                "is not an origin", "scheme and host, such as https://www.example.com", item
            )
        if parts.path or parts.query or parts.fragment:
            raise InvalidValue.single(
                "is not an origin: it has a path",
                f"write {parts.scheme}://{parts.netloc} (no trailing slash)",
                item,
            )


@dataclass(frozen=True, slots=True)
class NetworkList(StrList):
    """IP addresses or networks (``10.0.0.5``, ``10.0.0.0/24``, ``::1``)."""

    @property
    def label(self) -> str:
        return "list of IP addresses or networks (10.0.0.5, 10.0.0.0/24, ::1)"

    def check_item(self, item: str) -> None:
        try:
            ipaddress.ip_network(item, strict=True)
        except ValueError:
            hint = "an address such as 10.0.0.5 or a network such as 10.0.0.0/24"
            if "/" in item:
                hint = "a network's host bits must be zero, e.g. 10.0.0.0/24 not 10.0.0.5/24"
            raise InvalidValue.single("is not an IP address or network", hint, item) from None


def _address_budget_covers_a_chat(values: Mapping[str, object]) -> bool:
    chat, address = values["chat.messages_per_second"], values["chat.address_messages_per_second"]
    return isinstance(chat, float) and isinstance(address, float) and chat <= address


ADDRESS_BUDGET_RULE = Rule(
    "chat.messages_per_second",
    ("chat.address_messages_per_second",),
    _address_budget_covers_a_chat,
    "must not be greater than chat.address_messages_per_second",
    "one address's chats share the address budget, so it must allow at least one chat's rate",
)

CHAT_OPTIONS: tuple[Option, ...] = (
    Option(
        "chat.enabled",
        Bool(),
        False,
        "Serve the visitor chat (`/chat/ws`, `/chat/widget.js`, `/chat/widget.css`).",
    ),
    Option(
        "chat.allowed_origins",
        OriginList(),
        (),
        "Websites (browser origins) whose pages may open chats. Empty: none may, so "
        "list each site that embeds the widget; `'*'` alone lets any site.",
    ),
    Option(
        "chat.demo_page",
        Bool(),
        False,
        "Serve `/chat/demo`, a page that embeds the widget, to try the chat. List the "
        "broker's own origin in `chat.allowed_origins` for it to connect.",
    ),
    Option(
        "chat.trusted_proxies",
        NetworkList(),
        (),
        "Reverse proxies whose `X-Forwarded-For` header names the visitor's address (for "
        "the per-address limits). From any other peer the header is ignored.",
    ),
    Option(
        "chat.hello_timeout",
        Float(above=0),
        10.0,
        "Seconds a new visitor socket may stay silent before its hello.",
    ),
    Option(
        "chat.max_frame_bytes",
        Int(1024, 1048576),
        8192,
        "Largest frame a visitor may send, in bytes; a bigger one closes the socket.",
    ),
    Option(
        "chat.max_text_chars",
        Int(1, 100000),
        2000,
        "Longest message a visitor may send, in characters; a longer one is refused.",
    ),
    Option(
        "chat.messages_per_second",
        Float(above=0),
        1.0,
        "Steady rate of messages one chat may send, after its burst.",
    ),
    Option("chat.message_burst", Int(minimum=1), 5, "Messages one chat may send at once."),
    Option(
        "chat.address_messages_per_second",
        Float(above=0),
        3.0,
        "Steady rate of messages all chats from one address may send together.",
    ),
    Option(
        "chat.address_message_burst",
        Int(minimum=1),
        15,
        "Messages all chats from one address may send at once.",
    ),
    Option(
        "chat.chats_per_minute",
        Float(above=0),
        6.0,
        "Steady rate of new chats one address may open, after its burst.",
    ),
    Option("chat.chat_burst", Int(minimum=1), 6, "Chats one address may open at once."),
)


def chat_settings(chat: ChatConfig) -> ChatSettings:
    """The chat service's settings from the `chat` section."""
    from cti.channels.chat.limits import ChatLimits
    from cti.channels.chat.service import ChatSettings

    origins = chat.allowed_origins
    return ChatSettings(
        hello_timeout=chat.hello_timeout,
        max_frame_bytes=chat.max_frame_bytes,
        max_text_chars=chat.max_text_chars,
        allowed_origins=None if origins == (ANY_ORIGIN,) else frozenset(origins),
        demo_page=chat.demo_page,
        trusted_proxies=tuple(ipaddress.ip_network(item) for item in chat.trusted_proxies),
        limits=ChatLimits(
            messages_per_second=chat.messages_per_second,
            message_burst=chat.message_burst,
            address_messages_per_second=chat.address_messages_per_second,
            address_message_burst=chat.address_message_burst,
            chats_per_minute=chat.chats_per_minute,
            chat_burst=chat.chat_burst,
        ),
    )
