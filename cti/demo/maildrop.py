"""A real SMTP listener on 127.0.0.1 that delivers what it receives into the local mailbox.

The demo's customers send their mails through it to the support mailbox, and the agents'
replies (the email channel's SMTP) go through it to each customer's own mailbox, so a
reply can be read over IMAP as that customer. Like a real mail server it takes mail only
for mailboxes it has: another recipient is refused at RCPT (550) and nothing is lost
silently. Delivery writes into Maildir in a worker thread, so the event loop never waits
on the disk.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from email.utils import formatdate

from aiosmtpd.smtp import SMTP, Envelope, Session

from cti.demo.mailbox import ImapServer

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 25 * 1024 * 1024


class MailDropHandler:
    """aiosmtpd handler: known recipients only, each delivered into its Maildir."""

    def __init__(self, mailbox: ImapServer) -> None:
        self.mailbox = mailbox
        self.delivered = 0

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        user = address.strip().lower()
        if not self.mailbox.has_user(user):
            log.info("mail drop: no mailbox for %s, refused", user)
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(user)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        trace = (
            f"Return-Path: <{envelope.mail_from or ''}>\r\n"
            f"Received: from {session.host_name or 'unknown'} by cti-demo; "
            f"{formatdate(localtime=False)}\r\n"
        ).encode("utf-8", "replace")
        for user in envelope.rcpt_tos:
            await asyncio.to_thread(self.mailbox.deliver, user, trace + content)
            self.delivered += 1
            log.info("mail drop: delivered %d bytes to %s", len(content), user)
        return "250 OK delivered"


@dataclass
class MailDrop:
    """The listening SMTP server; `port` is known once `start` returns."""

    mailbox: ImapServer
    host: str = "127.0.0.1"
    port: int = 0
    handler: MailDropHandler = field(init=False)
    _server: asyncio.Server | None = None

    def __post_init__(self) -> None:
        self.handler = MailDropHandler(self.mailbox)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(
                self.handler,
                hostname="cti-demo.local",
                data_size_limit=MAX_MESSAGE_BYTES,
                loop=loop,
            ),
            self.host,
            self.port,
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("mail drop: SMTP on %s:%d delivers into the demo mailbox", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> MailDrop:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
