"""The demo's mailbox round trip with real servers: a mail sent over SMTP into the mail drop
shows up over IMAP in the support mailbox, the email channel fetches it, and the agent's
reply (the channel's own SMTP sender) lands in the customer's mailbox, read over IMAP as
that customer."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import smtplib
import subprocess
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage, Message
from pathlib import Path

import pytest

from cti.channels.email.book import ThreadBook
from cti.channels.email.fetch import FetchSettings, MailFetcher
from cti.channels.email.imapwire import ImapSettings
from cti.channels.email.send import EmailReplies, SmtpSettings
from cti.channels.inbound import Outbound
from cti.demo.mailbox import ImapServer, MailboxError, dovecot_missing, running_dovecot
from cti.demo.maildrop import MailDrop
from tests.integration.channels.email.intake import RecordingIntake
from tests.mailserver import inbox

SUPPORT, CUSTOMER = "support@demo.test", "ann.lee@acme.example"
DEADLINE = 30.0


@pytest.fixture
def mailbox() -> Iterator[ImapServer]:
    missing = dovecot_missing()
    if missing:
        pytest.skip(missing)
    with running_dovecot() as server:
        server.add_user(SUPPORT, "support-pw")
        server.add_user(CUSTOMER, "customer-pw")
        yield server


@contextlib.asynccontextmanager
async def _drop(mailbox: ImapServer) -> AsyncIterator[MailDrop]:
    async with MailDrop(mailbox) as drop:
        yield drop


def _question() -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Ann Lee <{CUSTOMER}>"
    message["To"] = SUPPORT
    message["Subject"] = "Invoice 42 is wrong"
    message["Message-ID"] = "<q42@acme.example>"
    message.set_content("Please check invoice 42.\n")
    return message


def _send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=DEADLINE) as smtp:
        smtp.send_message(message)


async def _inbox_reaches(server: ImapServer, user: str, password: str, count: int) -> list[Message]:
    loop = asyncio.get_running_loop()
    until = loop.time() + DEADLINE
    while len(messages := await asyncio.to_thread(inbox, server, user, password)) < count:
        assert loop.time() < until, f"{len(messages)} of {count} mails for {user}"
        await asyncio.sleep(0.05)
    return messages


async def test_a_mail_sent_over_smtp_shows_up_over_imap(mailbox: ImapServer) -> None:
    async with _drop(mailbox) as drop:
        await asyncio.to_thread(_send, drop.port, _question())
        (seen,) = await _inbox_reaches(mailbox, SUPPORT, "support-pw", 1)
    assert seen["Subject"] == "Invoice 42 is wrong"
    assert seen["Message-ID"] == "<q42@acme.example>"
    assert seen["Return-Path"] == f"<{CUSTOMER}>"
    assert inbox(mailbox, CUSTOMER, "customer-pw") == []  # only the recipient got it


async def test_an_agent_reply_arrives_in_the_customers_own_mailbox(
    mailbox: ImapServer, tmp_path: Path
) -> None:
    intake, book = RecordingIntake(), ThreadBook()
    async with _drop(mailbox) as drop:
        fetch = FetchSettings(
            imap=ImapSettings(mailbox.host, mailbox.port, SUPPORT, "support-pw"),
            state_path=tmp_path / "fetch.json",
            attachments_dir=tmp_path / "attachments",
        )
        fetcher = asyncio.create_task(MailFetcher(fetch, intake, book).run())
        try:
            await asyncio.to_thread(_send, drop.port, _question())
            (question,) = await intake.wait_for(1)
            replies = EmailReplies(SmtpSettings("127.0.0.1", drop.port, SUPPORT), book)
            sent = await replies.send(
                Outbound("email", question.thread_key, "Fixed, sorry.", "Bob Agent")
            )
            (reply,) = await _inbox_reaches(mailbox, CUSTOMER, "customer-pw", 1)
        finally:
            fetcher.cancel()
            await asyncio.gather(fetcher, return_exceptions=True)
    assert reply["Message-ID"] == sent
    assert reply["In-Reply-To"] == "<q42@acme.example>"
    assert reply["From"] == f"Bob Agent <{SUPPORT}>"
    assert reply["Subject"] == "Re: Invoice 42 is wrong"
    assert "Fixed, sorry." in reply.get_payload()


async def test_a_mail_for_a_mailbox_that_does_not_exist_is_refused_and_not_delivered(
    mailbox: ImapServer,
) -> None:
    message = _question()
    message.replace_header("To", "nobody@demo.test")
    async with _drop(mailbox) as drop:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            await asyncio.to_thread(_send, drop.port, message)
        assert drop.handler.delivered == 0
    ((code, _),) = refused.value.recipients.values()
    assert code == 550
    assert not mailbox.maildir("nobody@demo.test").exists()


@pytest.mark.parametrize("user", ["", "a:b", "../etc", "x\ny", "a/b"])
def test_a_user_name_that_would_break_the_passwd_file_or_leave_the_maildir_is_refused(
    mailbox: ImapServer, user: str
) -> None:
    with pytest.raises(MailboxError):
        mailbox.add_user(user, "pw")
    with pytest.raises(MailboxError):
        mailbox.deliver(user, b"Subject: x\r\n\r\nx\r\n")
    assert user not in mailbox.users


def test_the_passwd_file_is_readable_only_by_dovecot(mailbox: ImapServer) -> None:
    assert (mailbox.root / "passwd").stat().st_mode & 0o077 == 0


_AS_USER = """
import imaplib, importlib.util, sys
spec = importlib.util.spec_from_file_location("mailbox_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
with module.running_dovecot() as server:
    server.add_user("ann@x.test", "pw")
    server.deliver("ann@x.test", b"Subject: hi\\r\\n\\r\\nbody\\r\\n")
    with imaplib.IMAP4(server.host, server.port, timeout=30) as imap:
        imap.login("ann@x.test", "pw")
        print(imap.select("INBOX")[1][0].decode())
"""


def test_the_mailbox_also_runs_for_a_normal_user_without_root() -> None:
    """As root the test drops to `nobody` (only stdlib: the module is loaded by path, with
    the system's Python, which `nobody` can run)."""
    python, setpriv = Path("/usr/bin/python3"), shutil.which("setpriv")
    if os.getuid() != 0 or setpriv is None or not python.exists() or dovecot_missing():
        pytest.skip("needs root (to become nobody), setpriv, /usr/bin/python3 and dovecot")
    module = Path(__file__).parents[3] / "cti" / "demo" / "mailbox.py"
    # pytest's tmp_path is in root's 0700 dir: nobody reads a copy in /tmp
    script = Path(shutil.copy(module, Path("/tmp") / f"cti-mailbox-{os.getpid()}.py"))
    try:
        script.chmod(0o644)
        done = subprocess.run(
            [
                setpriv,
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "env",
                "HOME=/tmp",
                str(python),
                "-c",
                _AS_USER,
                str(script),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/tmp",
        )
    finally:
        script.unlink()
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1"  # one message in INBOX, read by the normal user
