"""The demo's ways in beside calls: a local mailbox, the chat and a signed web form.

`demo_channels` runs what the email channel needs on this machine: dovecot with a
throwaway config (the support mailbox, and one mailbox per customer who writes, where
the agents' replies land) and the SMTP mail drop that delivers into it. It also picks the
broker's port ahead, so the chat's allowed origin can name the broker's own page
(`/chat/demo`). Without dovecot or aiosmtpd the demo still runs, with email off, and says
so in one log line. `config_yaml` and `secrets_yaml` are the sections `cti demo` adds to
the config it writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cti.demo.mailbox import (
    ImapServer,
    MailboxError,
    dovecot_missing,
    reachable_by_mail_user,
    start_dovecot,
    stop_dovecot,
)

if TYPE_CHECKING:
    from cti.demo.maildrop import MailDrop

log = logging.getLogger(__name__)

SUPPORT_ADDRESS = "support@demo.test"
FORM = "contact"
FORM_FIELDS = {
    "name_field": "name",
    "email_field": "email",
    "phone_field": "phone",
    "subject_field": "subject",
    "text_field": "message",
}
MAILBOX_USERS = "mailbox-users.txt"  # who may log in to the demo's IMAP, for a person to look


@dataclass
class DemoChannels:
    """What runs for the channels, and the config that points the server at it."""

    workdir: Path
    broker_port: int
    mailbox: ImapServer | None = None
    drop: MailDrop | None = None
    email_off: str | None = None  # why email is off, None when it is on
    reservation: socket.socket | None = None  # holds broker_port until the broker binds
    form_secret: str = field(default_factory=lambda: secrets.token_hex(32), repr=False)
    support_password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)
    customer_password: str = field(default_factory=lambda: secrets.token_urlsafe(12), repr=False)

    @property
    def broker(self) -> str:
        return f"http://127.0.0.1:{self.broker_port}"

    @property
    def chat_page(self) -> str:
        return f"{self.broker}/chat/demo"

    def release_port(self) -> None:
        """Right before the broker binds `broker_port`: until then no other listener of
        this process (the mail drop binds port 0) can be handed the same port."""
        if self.reservation is not None:
            self.reservation.close()
            self.reservation = None

    def open_mailbox(self, address: str) -> None:
        """A customer's own mailbox, where replies to it are delivered (once per address)."""
        address = address.lower()
        if self.mailbox is None or self.mailbox.has_user(address):
            return
        self.mailbox.add_user(address, self.customer_password)
        self._note_login(address, self.customer_password)

    def config_yaml(self, agent_names: Mapping[str, str]) -> str:
        """The email, chat, webforms and interactions sections of the demo's cti.yaml."""
        names = "".join(f"    {agent}: '{name}'\n" for agent, name in agent_names.items())
        fields = "".join(f"      {key}: {value}\n" for key, value in FORM_FIELDS.items())
        return (
            f"broker:\n  host: 127.0.0.1\n  port: {self.broker_port}\n"
            + self._email_yaml()
            + "chat:\n  enabled: true\n  demo_page: true\n"
            + f"  allowed_origins: ['{self.broker}']\n"
            # every simulated visitor comes from 127.0.0.1: one address, many people
            + "  chat_burst: 100\n  chats_per_minute: 600\n"
            + "  address_message_burst: 200\n  address_messages_per_second: 50\n"
            + f"webforms:\n  forms:\n    {FORM}:\n{fields}"
            + "interactions:\n  offer_timeout_seconds: 20\n  reoffer_after_seconds: 10\n"
            + "  first_response_seconds: {email: 14400, chat: 60, webform: 3600}\n"
            + (f"  agent_names:\n{names}" if names else "")
        )

    def secrets_yaml(self) -> str:
        email = f"email:\n  imap_password: '{self.support_password}'\n" if self.mailbox else ""
        return email + f"webforms:\n  secrets:\n    {FORM}: '{self.form_secret}'\n"

    def _email_yaml(self) -> str:
        if self.mailbox is None or self.drop is None:
            return ""
        return (
            "email:\n  enabled: true\n"
            f"  imap_host: 127.0.0.1\n  imap_port: {self.mailbox.port}\n  imap_tls: none\n"
            f"  imap_user: {SUPPORT_ADDRESS}\n  from_address: {SUPPORT_ADDRESS}\n"
            f"  smtp_host: 127.0.0.1\n  smtp_port: {self.drop.port}\n  smtp_tls: none\n"
        )

    def _note_login(self, user: str, password: str) -> None:
        path = self.workdir / MAILBOX_USERS
        path.touch(mode=0o600)
        with path.open("a", encoding="utf-8") as out:
            out.write(f"{user} {password}\n")


def _mailbox_root(workdir: Path) -> tuple[Path, bool]:
    """Under the demo's work dir when dovecot's users can reach it, else a temp dir of its
    own (as root, a 0700 temp or home dir above it keeps them out); true: remove after."""
    if reachable_by_mail_user(workdir):
        return workdir / "mailbox", False
    return Path(tempfile.mkdtemp(prefix="cti-demo-mailbox-")), True


def why_no_email() -> str | None:
    missing = dovecot_missing()
    if missing:
        return missing + ": scripts/setup-env.sh demo installs it"
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        return "aiosmtpd is not installed: scripts/setup-env.sh demo installs it"
    return None


@contextlib.asynccontextmanager
async def demo_channels(workdir: Path, email: bool = True) -> AsyncIterator[DemoChannels]:
    """The channels' servers for the length of the block; email only if it can run."""
    reservation = socket.socket()
    reservation.bind(("127.0.0.1", 0))
    port = int(reservation.getsockname()[1])
    channels = DemoChannels(workdir, broker_port=port, reservation=reservation)
    try:
        async with _servers(channels, workdir, email):
            yield channels
    finally:
        channels.release_port()


@contextlib.asynccontextmanager
async def _servers(channels: DemoChannels, workdir: Path, email: bool) -> AsyncIterator[None]:
    (workdir / MAILBOX_USERS).unlink(missing_ok=True)  # this run's passwords only
    channels.email_off = why_no_email() if email else "no simulated customers"
    if channels.email_off is not None:
        log.warning("demo: email off: %s", channels.email_off)
        yield
        return
    root, scratch = _mailbox_root(workdir)
    try:
        async with _mail_servers(channels, root):
            yield
    finally:
        if scratch:
            shutil.rmtree(root, ignore_errors=True)


@contextlib.asynccontextmanager
async def _mail_servers(channels: DemoChannels, root: Path) -> AsyncIterator[None]:
    from cti.demo.maildrop import MailDrop

    try:
        mailbox = await asyncio.to_thread(start_dovecot, root)
    except (MailboxError, OSError) as exc:
        channels.email_off = f"dovecot did not start: {str(exc).splitlines()[0]}"
        log.warning("demo: email off: %s", channels.email_off)
        yield
        return
    try:
        mailbox.add_user(SUPPORT_ADDRESS, channels.support_password)
        channels._note_login(SUPPORT_ADDRESS, channels.support_password)
        async with MailDrop(mailbox) as drop:
            channels.mailbox, channels.drop = mailbox, drop
            yield
    finally:
        await asyncio.to_thread(stop_dovecot, mailbox)
