"""Fetches new mail from an IMAP mailbox and hands each one, parsed, to the queue's Intake.

All IMAP, parsing and attachment writing happens in worker threads, one mail at a time, so a
first start on a mailbox of ten thousand mails never holds up the event loop (calls keep
popping). New mail is awaited with IDLE where the server offers it, else by polling. The
fetch state moves on only after a mail was handed over, so a restart refetches nothing and
misses nothing; a dropped connection is retried with a growing pause.
"""

from __future__ import annotations

import asyncio
import imaplib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cti.channels.email.attachments import AttachmentStore
from cti.channels.email.book import ThreadBook
from cti.channels.email.bookfile import ThreadBookError
from cti.channels.email.fetchstate import FetchState, load_state, save_state
from cti.channels.email.imapwire import ImapError, ImapSession, ImapSettings
from cti.channels.email.parse import ParsedMail, parse_mail
from cti.channels.email.parts import MailLimits
from cti.channels.email.threads import message_ids
from cti.channels.inbound import Attachment, Inbound, Intake

logger = logging.getLogger(__name__)

MAX_RETRY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class FetchSettings:
    imap: ImapSettings
    state_path: Path
    attachments_dir: Path
    poll_seconds: float = 60.0
    idle_seconds: float = 300.0  # below the 29 min RFC 2177 asks clients to stay under
    use_idle: bool = True
    retry_seconds: float = 2.0
    limits: MailLimits = field(default_factory=MailLimits)


@dataclass(frozen=True, slots=True)
class _Fetched:
    parsed: ParsedMail
    attachments: tuple[Attachment, ...]


class MailFetcher:
    """Run `run()` as a task; cancel it to stop (a pending IDLE is interrupted at once)."""

    def __init__(
        self,
        settings: FetchSettings,
        intake: Intake,
        book: ThreadBook,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._intake = intake
        self._book = book
        self._clock = clock
        self._store = AttachmentStore(settings.attachments_dir)
        self._state = FetchState()
        self.idling = asyncio.Event()  # set while waiting for new mail (IDLE or poll)

    async def run(self) -> None:
        """Raises FetchStateError on an unreadable state file; retries everything else."""
        self._state = await asyncio.to_thread(load_state, self._settings.state_path)
        pause = self._settings.retry_seconds
        while True:
            try:
                await self._session()
            except (OSError, ImapError, imaplib.IMAP4.error, ThreadBookError) as exc:
                logger.warning(
                    "mail fetch from %r failed (%s); retry in %.0fs",
                    self._settings.imap,
                    exc,
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_RETRY_SECONDS)

    async def _session(self) -> None:
        session = await asyncio.to_thread(ImapSession, self._settings.imap)
        try:
            uidvalidity = await asyncio.to_thread(session.select)
            if self._state.uidvalidity not in (None, uidvalidity):
                logger.warning(
                    "mailbox %r has a new UIDVALIDITY; fetching it afresh", self._settings.imap
                )
            self._state = self._state.for_mailbox(uidvalidity)
            while True:
                await self._fetch_new(session)
                await self._wait(session)
        finally:
            self.idling.clear()
            session.interrupt()
            await asyncio.to_thread(session.close)

    async def _fetch_new(self, session: ImapSession) -> None:
        uids = await asyncio.to_thread(session.new_uids, self._state.last_uid)
        if uids:
            logger.info("%d new mail(s) in %r", len(uids), self._settings.imap)
        for uid in uids:
            fetched = await asyncio.to_thread(self._read, session, uid)
            if fetched is not None:
                inbound = self._note(fetched)
                await self._book.save()  # on disk before the queue sees it: restarts thread it
                self._intake.arrived(inbound)
            self._state = replace(self._state, last_uid=uid)
            await asyncio.to_thread(save_state, self._settings.state_path, self._state)

    def _read(self, session: ImapSession, uid: int) -> _Fetched | None:
        """Worker thread: fetch, parse and save attachments (all blocking or CPU-bound)."""
        raw = session.fetch(uid)
        if raw is None:
            return None
        parsed = parse_mail(raw, self._settings.limits)
        return _Fetched(parsed, self._store.save(parsed.message_id, parsed.attachments))

    def _note(self, fetched: _Fetched) -> Inbound:
        parsed = fetched.parsed
        inbound = parsed.to_inbound(self._clock(), fetched.attachments, self._book.known)
        references = tuple(message_ids(parsed.references)) or tuple(
            message_ids(parsed.in_reply_to)[:1]
        )
        self._book.note_inbound(inbound, references)
        return inbound

    async def _wait(self, session: ImapSession) -> None:
        self.idling.set()
        try:
            if self._settings.use_idle and session.can_idle:
                await asyncio.to_thread(session.idle, self._settings.idle_seconds)
            else:
                await asyncio.sleep(self._settings.poll_seconds)
        finally:
            self.idling.clear()
