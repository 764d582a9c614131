"""Simulated customers who write in on every channel, over the real endpoints.

Every so often (``per_minute`` on average, gentle by default) a customer from the demo's
directory, or now and then a stranger, either sends an email over SMTP to the support
mailbox (sometimes a follow-up in the same thread), opens a chat on ``/chat/ws`` (see
`cti.demo.visitor`), or has the website post a signed web form. The first three are one
of each channel, so the queue shows all three soon after the start. Nothing here talks
to the server's objects: only sockets, as customers would.
"""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from random import Random

import aiohttp

from cti.channels.signing import SIGNATURE_HEADER, sign
from cti.demo.customer_lines import EMAIL_FOLLOW_UPS, EMAIL_TOPICS, FORM_TOPICS, UNKNOWN_NAMES
from cti.demo.visitor import ChatVisitor, Visitor

log = logging.getLogger(__name__)

CHANNELS = ("email", "chat", "webform")
STRANGER_SHARE = 0.2  # customers not in the directory
FOLLOW_UP_SHARE = 0.3  # emails that answer the customer's own earlier mail
SMTP_TIMEOUT = 30.0

Note = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class MailRoute:
    """Where customers' mails go: the SMTP listener and the support address."""

    host: str
    port: int
    support: str
    open_mailbox: Callable[[str], None]  # gives a customer's address its own mailbox


@dataclass(frozen=True, slots=True)
class FormRoute:
    name: str  # the `{form}` of POST /api/webforms/{form}
    secret: str


@dataclass
class _Thread:
    subject: str
    references: list[str]


class Customers:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        broker: str,
        people: Sequence[Visitor],
        rng: Random,
        *,
        mail: MailRoute | None = None,
        form: FormRoute | None = None,
        chat: bool = True,
        per_minute: float = 2.0,
        speed: float = 1.0,
        note: Note | None = None,
    ) -> None:
        """``broker``: the server's http URL. A channel without its route is skipped."""
        self.http, self.broker, self.rng = http, broker.rstrip("/"), rng
        self.people = [p for p in people if p.name or p.email or p.phone]
        self.mail, self.form, self.speed, self.per_minute = mail, form, speed, per_minute
        self.channels = [
            name
            for name, on in zip(CHANNELS, (mail is not None, chat, form is not None), strict=True)
            if on
        ]
        self._note = note or (lambda text: None)
        self.sent: Counter[str] = Counter()  # channel -> contacts made that the server took
        self.failed: Counter[str] = Counter()
        self._threads: dict[str, _Thread] = {}  # customer address -> its last mail thread
        self._chats: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Customers until cancelled: first one on each channel, then at random."""
        if not self.channels or self.per_minute <= 0:
            return
        try:
            for channel in self.channels:
                await self.contact(channel)
                await self._pause()
            while True:
                await self.contact(self.rng.choice(self.channels))
                await self._pause()
        finally:
            for task in self._chats:
                task.cancel()
            await asyncio.gather(*self._chats, return_exceptions=True)

    async def contact(self, channel: str) -> None:
        """One customer gets in touch on `channel`; a failure is logged, never raised."""
        try:
            if channel == "email":
                await self.email(self._customer(needs_email=True))
            elif channel == "webform":
                await self.post_form(self._customer())
            else:
                task = asyncio.create_task(self.chat(self._customer()), name="demo-chat")
                self._chats.add(task)
                task.add_done_callback(self._chats.discard)
        except (OSError, smtplib.SMTPException, aiohttp.ClientError, ValueError) as exc:
            self.failed[channel] += 1
            log.warning("demo customer: %s not sent: %s", channel, exc)

    async def email(self, who: Visitor) -> str:
        """Send one mail to support; returns its Message-ID."""
        assert self.mail is not None and who.email is not None
        self.mail.open_mailbox(who.email)  # where the agent's reply will be delivered
        message = self._mail(who)
        await asyncio.to_thread(self._smtp_send, message)
        self.sent["email"] += 1
        self._note(f"customer {who.email} sent an email: {message['Subject']}")
        return str(message["Message-ID"])

    async def post_form(self, who: Visitor) -> str:
        """Post one signed web form; returns the id the server gave it."""
        assert self.form is not None
        subject, text = self.rng.choice(FORM_TOPICS)
        fields = {"name": who.name or "", "email": who.email or "", "phone": who.phone or ""}
        fields = {k: v for k, v in fields.items() if v} | {"subject": subject, "message": text}
        body = json.dumps(fields).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self.form.secret, int(time.time()), body),
        }
        url = f"{self.broker}/api/webforms/{self.form.name}"
        async with self.http.post(url, data=body, headers=headers) as response:
            answer = await response.json()
            if response.status != 202:
                raise ValueError(f"web form refused ({response.status}): {answer.get('error')}")
        self.sent["webform"] += 1
        self._note(f"customer {who.name or who.email or who.phone} posted the form: {subject}")
        return str(answer["id"])

    async def chat(self, who: Visitor) -> None:
        self._note(f"customer {who.name or 'anonymous'} opens a chat")
        outcome = await ChatVisitor(self.http, self.broker, who, self.rng, self.speed).run()
        if outcome.chat_id is None:
            self.failed["chat"] += 1
            log.warning("demo customer: chat not opened: %s", outcome.ended)
            return
        self.sent["chat"] += 1
        self._note(
            f"customer {who.name or 'anonymous'}'s chat ended ({outcome.ended}) after "
            f"{len(outcome.agent_lines)} agent lines"
        )

    # -- internals -----------------------------------------------------------------------

    def _customer(self, *, needs_email: bool = False) -> Visitor:
        if self.rng.random() < STRANGER_SHARE or not self.people:
            return self._stranger()
        known = [p for p in self.people if p.email] if needs_email else self.people
        return self.rng.choice(known) if known else self._stranger()

    def _stranger(self) -> Visitor:
        name = self.rng.choice(UNKNOWN_NAMES)
        address = f"{name.split()[0].lower()}.{self.rng.randint(10, 999)}@mail.example"
        return Visitor(name=name, email=address)

    def _mail(self, who: Visitor) -> EmailMessage:
        assert self.mail is not None and who.email is not None
        domain = who.email.rpartition("@")[2]
        message = EmailMessage()
        message["From"] = f"{who.name} <{who.email}>" if who.name else who.email
        message["To"] = self.mail.support
        message["Message-ID"] = make_msgid(domain=domain)
        thread = self._threads.get(who.email)
        if thread is not None and self.rng.random() < FOLLOW_UP_SHARE:
            message["Subject"] = f"Re: {thread.subject}"
            message["In-Reply-To"] = thread.references[-1]
            message["References"] = " ".join(thread.references)
            message.set_content(self.rng.choice(EMAIL_FOLLOW_UPS) + "\n")
            thread.references.append(str(message["Message-ID"]))
            return message
        subject, text = self.rng.choice(EMAIL_TOPICS)
        message["Subject"] = subject
        message.set_content(text + "\n")
        self._threads[who.email] = _Thread(subject, [str(message["Message-ID"])])
        return message

    def _smtp_send(self, message: EmailMessage) -> None:
        assert self.mail is not None
        with smtplib.SMTP(self.mail.host, self.mail.port, timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)

    async def _pause(self) -> None:
        """Poisson arrivals: exponential gaps of mean 60/per_minute simulated seconds."""
        await asyncio.sleep(self.rng.expovariate(self.per_minute / 60.0) / self.speed)
