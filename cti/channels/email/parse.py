"""Raw mail bytes to a `ParsedMail` and then an `Inbound`: no I/O, nothing trusted.

Nothing is lost: a mail that cannot be parsed keeps its raw bytes, shows them as lossy text
and carries the flag `unparsed`. Mail that must never get an automatic answer (auto-replies,
bounces, lists) is flagged `auto` so the core cannot start a reply storm.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import email.policy
import hashlib
import logging
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from cti.channels.email.parts import AttachmentPart, MailLimits, read_body
from cti.channels.email.threads import KnownThread, message_ids, thread_key
from cti.channels.inbound import Attachment, Inbound, Party

logger = logging.getLogger(__name__)

_LOST_CONTENT = ("StartBoundaryNotFoundDefect", "NoBoundaryInMultipartDefect")
_AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post")
_DAEMONS = ("mailer-daemon@", "postmaster@")


@dataclass(frozen=True, slots=True)
class ParsedMail:
    raw: bytes
    message_id: str
    in_reply_to: str | None
    references: str | None
    subject: str | None
    sender: Party
    text: str
    attachments: tuple[AttachmentPart, ...]
    flags: frozenset[str]
    sent_at: float | None

    def to_inbound(
        self, received_at: float, attachments: tuple[Attachment, ...], known: KnownThread
    ) -> Inbound:
        """`attachments`: this mail's parts once saved (or refused) by the attachment store."""
        key = thread_key(self.message_id, self.in_reply_to, self.references, known)
        return Inbound(
            channel="email",
            thread_key=key,
            message_id=self.message_id,
            sender=self.sender,
            text=self.text,
            received_at=received_at,
            subject=self.subject,
            attachments=attachments,
            flags=self.flags,
        )


def parse_mail(raw: bytes, limits: MailLimits | None = None) -> ParsedMail:
    limits = limits or MailLimits()
    if len(raw) > limits.max_message_bytes:
        return _unparsed(raw, limits, "too-big")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
        if any(type(d).__name__ in _LOST_CONTENT for d in _defects(message)):
            return _unparsed(raw, limits, "bad-mime", message)
        return _parsed(raw, message, limits)
    except Exception:  # the stdlib parser has many ways to fail on hostile input
        logger.warning("mail of %d bytes could not be parsed; kept raw", len(raw), exc_info=True)
        return _unparsed(raw, limits, "bad-mime")


def _parsed(raw: bytes, message: Message, limits: MailLimits) -> ParsedMail:
    body = read_body(message, limits)
    text = body.text(limits)
    return ParsedMail(
        raw=raw,
        message_id=_message_id(message, raw),
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        subject=_header(message, "Subject"),
        sender=_sender(message),
        text=text,
        attachments=tuple(body.attachments),
        flags=frozenset(body.flags) | _loop_flags(message),
        sent_at=_date(message),
    )


def _unparsed(
    raw: bytes, limits: MailLimits, why: str, message: Message | None = None
) -> ParsedMail:
    """The raw mail as lossy text; headers kept where they could be read."""
    text = raw[: limits.max_text_chars].decode("utf-8", errors="replace")
    has = message is not None
    return ParsedMail(
        raw=raw,
        message_id=_message_id(message, raw) if has else _synthetic_id(raw),
        in_reply_to=_header(message, "In-Reply-To") if has else None,
        references=_header(message, "References") if has else None,
        subject=_header(message, "Subject") if has else None,
        sender=_sender(message) if has else Party(),
        text=text,
        attachments=(),
        flags=frozenset({"unparsed", why}) | (_loop_flags(message) if has else frozenset()),
        sent_at=None,
    )


def _defects(message: Message) -> list[object]:
    found: list[object] = []
    for part in message.walk():
        found.extend(part.defects)
    return found


def _header(message: Message | None, name: str) -> str | None:
    """A header decoded (RFC 2047) where possible, else as sent; never an exception."""
    if message is None or message.get(name) is None:
        return None
    value = str(message.get(name))
    try:
        return str(email.header.make_header(email.header.decode_header(value))).strip()
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return value.strip()


def _message_id(message: Message | None, raw: bytes) -> str:
    ids = message_ids(_header(message, "Message-ID"))
    return ids[0] if ids else _synthetic_id(raw)


def _synthetic_id(raw: bytes) -> str:
    """Stable across re-fetches of the same bytes, so a mail without an id is still one mail."""
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@cti.invalid>"


def _sender(message: Message | None) -> Party:
    pairs = getaddresses([_header(message, "From") or ""])
    name, address = pairs[0] if pairs else ("", "")
    return Party(name=name.strip() or None, email=address.strip().lower() or None)


def _date(message: Message) -> float | None:
    try:
        return parsedate_to_datetime(_header(message, "Date") or "").timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def _loop_flags(message: Message | None) -> frozenset[str]:
    """`auto` on anything a machine sent (RFC 3834, bounces, lists); `list`/`bounce` say which."""
    if message is None:
        return frozenset()
    flags: set[str] = set()
    auto_submitted = (_header(message, "Auto-Submitted") or "no").lower()
    if not auto_submitted.startswith("no") or any(
        message.get(h) is not None for h in ("X-Autoreply", "X-Autorespond")
    ):
        flags.add("auto")
    if (_header(message, "Precedence") or "").lower() in _AUTO_PRECEDENCE:
        flags.add("auto")
    if any(message.get(h) is not None for h in _LIST_HEADERS):
        flags |= {"auto", "list"}
    sender = (_sender(message).email or "").lower()
    if message.get_content_type() == "multipart/report" or sender.startswith(_DAEMONS):
        flags |= {"auto", "bounce"}
    return frozenset(flags)
