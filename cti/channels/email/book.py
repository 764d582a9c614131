"""Which mails make up which thread, in and out: what a reply needs to thread correctly.

A reply goes to the customer who wrote, answers a known Message-ID and names the chain of
ancestors in References (RFC 5322 §3.6.4). The fetcher notes every mail it hands over and the
sender notes every reply, so both directions share one view; `known` doubles as the
`KnownThread` lookup that puts a customer's next mail into the same thread.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from cti.channels.inbound import Inbound, Party

if TYPE_CHECKING:
    from cti.channels.email.bookfile import BookFile

logger = logging.getLogger(__name__)

Direction = Literal["in", "out"]
MAX_REFERENCES = 20  # root + the newest ancestors: enough to thread, short enough to send


@dataclass(frozen=True, slots=True)
class MailEntry:
    message_id: str
    thread_key: str
    references: tuple[str, ...]  # the ancestors this mail named, root first
    party: Party  # in: who wrote it; out: the customer it went to
    subject: str | None
    direction: Direction
    raw: bytes | None = None  # out: the message exactly as sent


class ThreadBook:
    """Lookups from memory; with a `BookFile` (see `open_book`) new entries are also written
    to disk by `save`, so threads survive a restart. The core's store keeps the history."""

    def __init__(self, file: BookFile | None = None) -> None:
        self._entries: dict[str, MailEntry] = {}
        self._threads: dict[str, list[str]] = {}
        self._file = file
        self._unsaved: list[MailEntry] = []

    def known(self, message_id: str) -> str | None:
        entry = self._entries.get(message_id)
        return entry.thread_key if entry else None

    def entry(self, message_id: str) -> MailEntry | None:
        return self._entries.get(message_id)

    def add(self, entry: MailEntry) -> None:
        if self.remember(entry) and self._file is not None:
            self._unsaved.append(entry)

    def remember(self, entry: MailEntry) -> bool:
        """Into memory only (loading from disk); False when the id was known already."""
        if entry.message_id in self._entries:
            return False
        self._entries[entry.message_id] = entry
        self._threads.setdefault(entry.thread_key, []).append(entry.message_id)
        return True

    async def save(self) -> None:
        """Writes what was added since the last save, in a worker thread. On failure
        (ThreadBookError) the entries stay unsaved and the next save tries them again."""
        if self._file is None or not self._unsaved:
            return
        batch, self._unsaved = self._unsaved, []
        try:
            await asyncio.to_thread(self._file.append, batch)
        except BaseException:
            self._unsaved[:0] = batch
            raise

    @property
    def unsaved(self) -> int:
        return len(self._unsaved)

    def close(self) -> None:
        if self._file is not None:
            if self._unsaved:
                logger.warning("%d email thread entries not saved at close", len(self._unsaved))
            self._file.close()

    def note_inbound(self, inbound: Inbound, references: tuple[str, ...]) -> None:
        self.add(
            MailEntry(
                message_id=inbound.message_id,
                thread_key=inbound.thread_key,
                references=references,
                party=inbound.sender,
                subject=inbound.subject,
                direction="in",
            )
        )

    def thread(self, thread_key: str) -> list[MailEntry]:
        return [self._entries[i] for i in self._threads.get(thread_key, [])]

    def latest_inbound(self, thread_key: str) -> MailEntry | None:
        incoming = [e for e in self.thread(thread_key) if e.direction == "in"]
        return incoming[-1] if incoming else None


def chain_for_reply(parent: MailEntry) -> tuple[str, ...]:
    """The parent's References plus the parent itself, trimmed to the root and newest ones."""
    chain = tuple(dict.fromkeys((*parent.references, parent.message_id)))
    if len(chain) <= MAX_REFERENCES:
        return chain
    return (chain[0], *chain[-(MAX_REFERENCES - 1) :])
