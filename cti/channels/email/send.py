"""An agent's reply as a real mail over SMTP, threaded so the customer's client files it.

Composing is pure (`compose_reply`); sending runs smtplib in a worker thread so a slow or
dead SMTP server never stalls the event loop. Names and subjects come partly from customers
and agents: CR/LF or other control characters in them are refused, never folded into a
header where they could add recipients (header injection).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid

from cti.channels.email.book import MailEntry, ThreadBook, chain_for_reply
from cti.channels.email.bookfile import ThreadBookError
from cti.channels.inbound import Channel, Outbound

logger = logging.getLogger(__name__)


class ReplyRefused(ValueError):
    """The reply cannot be built as asked (unknown thread, unsafe header text, ...)."""


class ReplyFailed(RuntimeError):
    """The SMTP server could not be reached or did not accept the reply."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    from_address: str  # the contact centre's address; the agent's name goes before it
    tls: str = "none"  # none | starttls | tls
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    message_id_domain: str | None = None  # None: the from address's domain

    def __repr__(self) -> str:  # the password never reaches a log line through repr
        return f"SmtpSettings({self.user or '-'}@{self.host}:{self.port}, {self.tls})"


def _safe(value: str, what: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ReplyRefused(f"{what} contains a line break or control character")
    return value.strip()


def reply_subject(subject: str | None) -> str:
    subject = (subject or "").strip()
    if subject.lower().startswith("re:"):
        return subject
    return f"Re: {subject}" if subject else "Re: your message"


def _parent(outbound: Outbound, book: ThreadBook) -> MailEntry:
    if outbound.in_reply_to:
        parent = book.entry(outbound.in_reply_to)
        if parent is None or parent.thread_key != outbound.thread_key:
            raise ReplyRefused(f"message {outbound.in_reply_to} is not in this thread")
        return parent
    latest = book.latest_inbound(outbound.thread_key)
    if latest is None:
        raise ReplyRefused(f"no mail known in thread {outbound.thread_key}")
    return latest


def _customer(thread: list[MailEntry]) -> MailEntry:
    for entry in reversed(thread):
        if entry.direction == "in" and entry.party.email:
            return entry
    raise ReplyRefused("the thread has no customer address to reply to")


def compose_reply(
    outbound: Outbound, book: ThreadBook, from_address: str, message_id_domain: str | None = None
) -> EmailMessage:
    """The reply mail; raises ReplyRefused when it could not be sent safely."""
    if outbound.channel != "email":
        raise ReplyRefused(f"channel {outbound.channel!r} is not email")
    parent = _parent(outbound, book)
    customer = _customer(book.thread(outbound.thread_key))
    subject = _safe(reply_subject(outbound.subject or parent.subject), "subject")
    agent = _safe(outbound.agent_name, "agent name")
    local, _, domain = from_address.partition("@")
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = Address(display_name=agent, username=local, domain=domain)
    message["To"] = Address(
        display_name=_safe(customer.party.name or "", "customer name"),
        addr_spec=_safe(customer.party.email or "", "customer address"),
    )
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=message_id_domain or domain or None)
    message["In-Reply-To"] = parent.message_id
    message["References"] = " ".join(chain_for_reply(parent))
    message["Auto-Submitted"] = "no"
    message.set_content(outbound.text)
    return message


class EmailReplies:
    """`Replies` for email: compose, send over SMTP, note the sent mail in the thread."""

    def __init__(self, settings: SmtpSettings, book: ThreadBook) -> None:
        self._settings = settings
        self._book = book

    async def send(self, outbound: Outbound) -> str:
        settings = self._settings
        message = compose_reply(
            outbound, self._book, settings.from_address, settings.message_id_domain
        )
        await asyncio.to_thread(self._deliver, message)
        message_id = str(message["Message-ID"])
        parent = self._book.entry(str(message["In-Reply-To"]))
        assert parent is not None  # compose_reply found it
        customer = _customer(self._book.thread(outbound.thread_key))
        self._book.add(
            MailEntry(
                message_id=message_id,
                thread_key=outbound.thread_key,
                references=chain_for_reply(parent),
                party=customer.party,
                subject=str(message["Subject"]),
                direction="out",
                raw=message.as_bytes(),
            )
        )
        logger.info("reply %s sent in thread %s", message_id, outbound.thread_key)
        try:
            await self._book.save()
        except ThreadBookError as exc:  # sent all the same: the next save tries it again
            logger.warning(
                "reply %s sent but not yet saved in the thread book: %s", message_id, exc
            )
        return message_id

    async def typing(self, channel: Channel, thread_key: str, agent_name: str, on: bool) -> None:
        """Mail has no typing indicator; nothing to send."""

    def _deliver(self, message: EmailMessage) -> None:
        settings = self._settings
        try:
            with self._connect() as smtp:
                if settings.tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if settings.user and settings.password:
                    smtp.login(settings.user, settings.password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            # The exception text never holds the password; the server's reply is useful.
            raise ReplyFailed(
                f"SMTP {settings.host}:{settings.port} did not take the reply: {exc}"
            ) from exc

    def _connect(self) -> smtplib.SMTP:
        settings = self._settings
        if settings.tls == "tls":
            return smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
