"""Web chat: the visitor endpoint ``/chat/ws``, its flood limits and the widget."""

from cti.channels.chat.limits import ChatLimits
from cti.channels.chat.service import ChatGone, ChatService, ChatSettings, add_chat_routes

__all__ = ["ChatGone", "ChatLimits", "ChatService", "ChatSettings", "add_chat_routes"]
