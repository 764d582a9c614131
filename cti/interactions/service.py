"""The universal queue of one server: the `InteractionCentre`, its records, and the
channels the config turns on (email over IMAP/SMTP, the chat widget's visitor endpoint,
signed web forms), mounted on the broker's web app.

`CtiApp` builds one from its `Config` and the agent board, mounts its routes on the
broker, and starts and stops it with itself. Contacts are found by email address first,
then by phone number, in the built-in store; the history a contact shows gains a row
for each interaction that ends, so a call pop and an interaction card show every channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from cti.channels.chat.service import ChatService, add_chat_routes
from cti.channels.chat.widget import add_widget_routes
from cti.channels.email.book import ThreadBook
from cti.channels.email.bookfile import open_book
from cti.channels.email.fetch import MailFetcher
from cti.channels.email.send import EmailReplies
from cti.channels.email.settings import EmailChannelSettings, email_channel_settings
from cti.channels.inbound import Inbound
from cti.channels.webform import WebFormReceiver, add_webform_routes
from cti.config.chat_options import chat_settings
from cti.config.model import Config
from cti.config.webform_options import webform_setup
from cti.interactions.centre import InteractionCentre, Publish
from cti.interactions.model import Interaction
from cti.interactions.notifier import InteractionNotifier
from cti.interactions.records import InteractionWriter
from cti.interactions.reload import open_interactions
from cti.interactions.router import InteractionRouter
from cti.interactions.settings import interaction_settings
from cti.interactions.staff import Board, board_staff
from cti.lookup.directory import ContactDirectory
from cti.numbers import to_e164

log = logging.getLogger(__name__)

HISTORY_NOTE_CHARS = 200  # of the subject or first text, in the contact's history row


class UniversalQueue:
    def __init__(
        self,
        config: Config,
        board: Board,
        publish: Publish,
        directory: ContactDirectory,
        agent_ids: Mapping[str, str],
        records_path: Path,
        history_limit: int,
    ) -> None:
        """``agent_ids``: extension → agent id; ``directory``'s store may be swapped by a
        reload, so it is read at each use."""
        self._directory = directory
        self._agent_ids = agent_ids
        self._region = config.numbers.default_region
        self._history_limit = history_limit
        self._records_path = records_path
        settings = interaction_settings(config.interactions)
        self.writer = InteractionWriter(records_path, config.records.keep_days)
        router = InteractionRouter(settings.rules, lambda: board_staff(board))
        notifier = InteractionNotifier(agent_ids.get, settings.first_response)
        self.centre = InteractionCentre(
            settings,
            router,
            notifier,
            publish,
            writer=self.writer,
            find_contacts=self.find_contacts,
        )
        self.centre.end_listeners.append(self._into_history)
        self.chat = self._chat(config)
        forms, limits = webform_setup(config)
        self.webforms = WebFormReceiver(forms, self.centre, limits) if forms else None
        self._email = email_channel_settings(config) if config.email.enabled else None
        self._book: ThreadBook | None = None
        self._fetch: asyncio.Task[None] | None = None

    def _chat(self, config: Config) -> ChatService | None:
        if not config.chat.enabled:
            return None
        chat = ChatService(self.centre, chat_settings(config.chat), typing_sink=self.centre)
        self.centre.register_replies("chat", chat)
        return chat

    def mount(self, app: web.Application) -> None:
        """The channels' endpoints on the broker's web app (before it starts)."""
        if self.chat is not None:
            add_chat_routes(app, self.chat)
            add_widget_routes(app, self.chat.settings.demo_page)
        if self.webforms is not None:
            add_webform_routes(app, self.webforms)

    async def start(self) -> None:
        reopened = await asyncio.to_thread(open_interactions, self._records_path)
        self.writer.start()
        for found in reopened:
            interaction = found.interaction
            interaction.contact = self._contact_of(interaction.contact_ids)
            self.centre.reopen(interaction, found.messages)
        if reopened:
            log.info("universal queue: %d interactions open before the restart", len(reopened))
        self.centre.start()
        self.centre.dispatch()
        if self._email is not None:
            await self._start_email(self._email)
        log.info(
            "universal queue: email %s, chat %s, web forms %s",
            "on" if self._email else "off",
            "on" if self.chat else "off",
            ", ".join(sorted(self.webforms.forms)) if self.webforms else "none",
        )

    async def _start_email(self, email: EmailChannelSettings) -> None:
        self._book = await asyncio.to_thread(open_book, email.book_path)
        self.centre.register_replies("email", EmailReplies(email.smtp, self._book))
        fetcher = MailFetcher(email.fetch, self.centre, self._book)
        self._fetch = asyncio.create_task(fetcher.run(), name="mail-fetch")

    async def aclose(self) -> None:
        if self._fetch is not None:
            self._fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._fetch
        await self.centre.aclose()
        if self.chat is not None:
            await self.chat.close_all()
        if self._book is not None:
            await self._book.save()
            self._book.close()
        await asyncio.to_thread(self.writer.close)

    # -- contacts ----------------------------------------------------------------------

    def find_contacts(self, inbound: Inbound) -> list[dict[str, Any]]:
        """The stored contacts of the sender: by email address, else by phone number; a
        single match carries its history, as a call pop's contact does."""
        store = self._directory.store
        sender = inbound.sender
        found = store.find_by_email(sender.email) if sender.email else []
        if not found and sender.phone:
            e164 = to_e164(sender.phone, self._region)
            found = store.find(e164) if e164 else []
        if len(found) == 1 and "id" in found[0]:
            found[0]["history"] = store.history(int(found[0]["id"]), self._history_limit)
        return found

    def _contact_of(self, contact_ids: tuple[int, ...]) -> dict[str, Any] | None:
        if len(contact_ids) != 1:
            return None
        return self._directory.contact(contact_ids[0], self._history_limit)

    def _into_history(self, interaction: Interaction, holder: str | None) -> None:
        """An ended interaction joins its contact's history (one contact only: a sender
        matching several is linked from the card first)."""
        if len(interaction.contact_ids) != 1:
            return
        text = interaction.subject or interaction.first_text
        record = {
            "channel": interaction.channel,
            "direction": "in",
            "outcome": interaction.disposition or interaction.end_reason,
            "notes": " ".join(text.split())[:HISTORY_NOTE_CHARS] or None,
            "agent": self._agent_ids.get(holder or interaction.extension or ""),
        }
        try:
            self._directory.add_interaction(interaction.contact_ids[0], record)
        except LookupError:
            log.info(
                "contact %s of %s is gone", interaction.contact_ids[0], interaction.interaction_id
            )
