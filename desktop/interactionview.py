"""What an interaction card, the agent bar's channel count and the wallboard's universal
queue show, computed without Qt (a presenter).

Customer text (names, subjects, messages, file names) passes through `visible_text`
here, and the widgets also set plain-text format: an email's `<img src=...>` shows as
those characters, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from desktop.calltime import clock_text
from desktop.interactions import (
    FileInfo,
    Interaction,
    InteractionBoard,
    QueueLine,
    Status,
    ThreadMessage,
    channel_order,
)
from desktop.popview import CONTACT_FIELDS, history_line
from desktop.servertime import ServerClock
from desktop.text import visible_text

CHANNEL_TEXT = {"email": "Email", "chat": "Chat", "webform": "Web form"}
END_TEXT = {
    "closed": "Closed",
    "visitor_left": "The visitor left the chat",
    "expired": "The offer lapsed: it went to another agent",
    "declined": "Declined: it goes to another agent",
}
UNKNOWN_SENDER = "Unknown sender"


@dataclass(frozen=True, slots=True)
class SavedFile:
    """An attachment the server kept: the agent may save it (`index` names it)."""

    message_id: str
    index: int
    filename: str


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    header: str  # who and when
    text: str
    files: tuple[str, ...] = ()
    outgoing: bool = False
    saved: tuple[SavedFile, ...] = ()


@dataclass(frozen=True, slots=True)
class CardView:
    interaction_id: str
    channel: str
    title: str
    subject: str
    status: str
    offered: bool
    countdown: str  # "Accept within 0:25" while offered
    preview: str  # the first text, shown with the offer
    ended: bool
    contact: list[tuple[str, str]]
    unknown: bool  # no contact: the card offers to link or create one
    sender: str  # the customer's name or address from the thread
    history: list[str]
    thread: list[ThreadEntry] = field(default_factory=list)
    dispositions: tuple[str, ...] = ()
    can_reply: bool = False
    customer_typing: str = ""  # "Visitor is typing..." while a chat visitor types

    @property
    def tab_text(self) -> str:
        prefix = "Offer: " if self.offered else ""
        return f"{prefix}{CHANNEL_TEXT.get(self.channel, self.channel)} - {self.title}"


def size_text(size: int) -> str:
    """1.2 MB, 34 KB, 512 B: enough to judge an attachment."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} KB"
    return f"{size} B"


def file_line(info: FileInfo) -> str:
    kind = visible_text(info.content_type)
    line = f"{visible_text(info.filename)} ({size_text(info.size)}, {kind})"
    return f"{line} - not saved: {visible_text(info.refused)}" if info.refused else line


def safe_filename(name: str) -> str:
    """A customer's file name as a plain name to suggest in the save dialog: no folder
    part (`../../x` suggests `x`), no control characters, never empty or a dot name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return kept or "attachment"


def moment_text(at: float | None) -> str:
    if at is None:
        return ""
    return datetime.fromtimestamp(at, UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def thread_entry(message: ThreadMessage, channel: str) -> ThreadEntry:
    who = visible_text(message.author) or ("Customer" if message.direction == "in" else "Agent")
    when = moment_text(message.at)
    return ThreadEntry(
        header=f"{who}  {when}".strip(),
        text=visible_text(message.text, multiline=True),
        files=tuple(file_line(info) for info in message.attachments),
        outgoing=message.direction == "out",
        saved=tuple(
            SavedFile(message.message_id, info.index, info.filename)
            for info in message.attachments
            if info.refused is None
        ),
    )


def _history(contact: dict[str, Any] | None) -> list[dict[str, Any]]:
    items = (contact or {}).get("history")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def phones_text(contact: dict[str, Any]) -> str:
    phones = contact.get("phones")
    if not isinstance(phones, list):
        return ""
    numbers = (p.get("e164") or p.get("raw") for p in phones if isinstance(p, dict))
    return ", ".join(visible_text(n) for n in numbers if n)


def contact_rows(contact: dict[str, Any] | None) -> list[tuple[str, str]]:
    """Name, company, email and phones: who this is, as the call pop shows it."""
    if not contact:
        return []
    rows = [
        (label, visible_text(contact.get(key), multiline=key == "notes"))
        for key, label in CONTACT_FIELDS
        if contact.get(key)
    ]
    phones = phones_text(contact)
    return [*rows, ("Phone", phones)] if phones else rows


def card_title(interaction: Interaction) -> str:
    contact = interaction.contact or {}
    if contact.get("name"):
        return visible_text(contact["name"])
    return visible_text(interaction.sender) or UNKNOWN_SENDER


def status_text(interaction: Interaction) -> str:
    if interaction.status is Status.OFFERED:
        return "Offered to you"
    if interaction.status is Status.ACTIVE:
        return "Yours: reply, then close it with a disposition"
    text = END_TEXT.get(interaction.end_reason or "", visible_text(interaction.end_reason))
    if interaction.disposition:
        text += f" ({visible_text(interaction.disposition)})"
    return text


def card_view(
    interaction: Interaction, clock: ServerClock, dispositions: tuple[str, ...] = ()
) -> CardView:
    offered = interaction.status is Status.OFFERED
    contact = interaction.contact
    countdown = ""
    if offered and interaction.offer_expires_at is not None:
        countdown = f"Accept within {clock_text(clock.until(interaction.offer_expires_at))}"
    return CardView(
        interaction_id=interaction.interaction_id,
        channel=interaction.channel,
        title=card_title(interaction),
        subject=visible_text(interaction.subject),
        status=status_text(interaction),
        offered=offered,
        countdown=countdown,
        preview=visible_text(interaction.text, multiline=True),
        ended=interaction.status is Status.ENDED,
        contact=contact_rows(contact),
        unknown=contact is None,
        sender=visible_text(interaction.sender),
        history=[history_line(item) for item in _history(contact)],
        thread=[thread_entry(m, interaction.channel) for m in interaction.messages],
        dispositions=dispositions,
        can_reply=interaction.status is Status.ACTIVE,
        customer_typing="Visitor is typing..." if interaction.customer_typing else "",
    )


def held_text(board: InteractionBoard) -> str:
    """ "chat 2 · email 1": what the agent holds now, per channel; "" for nothing."""
    counts = board.held_per_channel()
    return " · ".join(
        f"{CHANNEL_TEXT.get(channel, visible_text(channel)).lower()} {counts[channel]}"
        for channel in sorted(counts, key=channel_order)
    )


@dataclass(frozen=True, slots=True)
class ChannelRow:
    channel: str
    waiting: str
    oldest: str
    target: str
    late: bool  # the oldest waits longer than the channel's first-response target


def target_text(seconds: int) -> str:
    """Targets run from seconds (chat) to hours (email): say them in the unit that fits."""
    if seconds <= 0:
        return "-"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0 and seconds >= 60:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def channel_row(line: QueueLine, clock: ServerClock) -> ChannelRow:
    """The oldest keeps ticking between the lines the broker sends (at most 1 a second)."""
    oldest = line.oldest_seconds + clock.since(line.received) if line.waiting else 0.0
    return ChannelRow(
        channel=CHANNEL_TEXT.get(line.channel, visible_text(line.channel)),
        waiting=str(line.waiting),
        oldest=clock_text(oldest) if line.waiting else "",
        target=target_text(line.target),
        late=line.waiting > 0 and 0 < line.target < oldest,
    )


def channel_rows(board: InteractionBoard, clock: ServerClock) -> list[ChannelRow]:
    return [
        channel_row(board.queue[channel], clock)
        for channel in sorted(board.queue, key=channel_order)
    ]
