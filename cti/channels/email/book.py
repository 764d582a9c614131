"""Which mails make up which thread, in and out: what a reply needs to thread correctly.

A reply goes to the customer who wrote, answers a known Message-ID and names the chain of
ancestors in References (RFC 5322 §3.6.4). The fetcher notes every mail it hands over and the
sender notes every reply, so both directions share one view; `known` doubles as the
`KnownThread` lookup that puts a customer's next mail into the same thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cti.channels.inbound import Inbound, Party

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
    """In-memory: the core's store keeps history; this only has to thread replies."""

    def __init__(self) -> None:
        self._entries: dict[str, MailEntry] = {}
        self._threads: dict[str, list[str]] = {}

    def known(self, message_id: str) -> str | None:
        entry = self._entries.get(message_id)
        return entry.thread_key if entry else None

    def entry(self, message_id: str) -> MailEntry | None:
        return self._entries.get(message_id)

    def add(self, entry: MailEntry) -> None:
        if entry.message_id in self._entries:
            return
        self._entries[entry.message_id] = entry
        self._threads.setdefault(entry.thread_key, []).append(entry.message_id)

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
