"""The IMAP fetcher against a real dovecot: mails arrive, restarts refetch nothing, IDLE is
prompt, servers without IDLE are polled, replies thread with what was fetched."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from cti.channels.email.book import ThreadBook
from cti.channels.email.bookfile import open_book
from cti.channels.email.fetch import FetchSettings, MailFetcher
from cti.channels.email.fetchstate import FetchStateError
from cti.channels.email.imapwire import ImapSettings
from cti.channels.email.send import EmailReplies, SmtpSettings
from cti.channels.inbound import Outbound
from tests.integration.channels.email.intake import RecordingIntake
from tests.mailserver import ImapServer, SmtpReceiver

USER, PASSWORD = "support", "s3cret"


def _mail(n: int, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Ann Customer <Ann@Example.org>"
    message["To"] = "support@example.com"
    message["Subject"] = f"Question {n}"
    message["Message-ID"] = f"<q{n}@example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(f"Body of question {n}\n")
    return message.as_bytes()


def _settings(server: ImapServer, tmp_path: Path, **changes: object) -> FetchSettings:
    server.add_user(USER, PASSWORD)
    imap = ImapSettings(server.host, server.port, USER, PASSWORD)
    settings = FetchSettings(
        imap=imap,
        state_path=tmp_path / "state" / "fetch.json",
        attachments_dir=tmp_path / "attachments",
        poll_seconds=600.0,
    )
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def _running(fetcher: MailFetcher) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(fetcher.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _saved_uid(path: Path) -> int:
    return int(json.loads(path.read_text())["last_uid"]) if path.exists() else 0


async def _state_reaches(path: Path, last_uid: int, deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline
    while await asyncio.to_thread(_saved_uid, path) < last_uid:
        assert loop.time() < until, f"fetch state never reached UID {last_uid}"
        await asyncio.sleep(0.02)


async def _idling(fetcher: MailFetcher) -> None:
    await asyncio.wait_for(fetcher.idling.wait(), 30)


def test_delivered_mails_arrive_in_order_as_inbound(
    imap_server: ImapServer, tmp_path: Path
) -> None:
    settings = _settings(imap_server, tmp_path)
    imap_server.deliver(USER, _mail(1))
    imap_server.deliver(USER, _mail(2, In_Reply_To="<q1@example.org>"))
    intake = RecordingIntake()

    async def scenario() -> None:
        async with _running(MailFetcher(settings, intake, ThreadBook(), clock=lambda: 42.0)):
            await intake.wait_for(2)
            await _state_reaches(settings.state_path, 2)  # saved just after the hand-over

    asyncio.run(scenario())
    first, second = intake.arrivals
    assert (first.subject, first.message_id, first.thread_key) == (
        "Question 1",
        "<q1@example.org>",
        "<q1@example.org>",
    )
    assert first.sender.email == "ann@example.org" and first.received_at == 42.0
    assert second.thread_key == "<q1@example.org>"
    state = json.loads(settings.state_path.read_text())
    assert state["last_uid"] == 2 and isinstance(state["uidvalidity"], int)


def test_restart_fetches_only_mail_that_is_new(imap_server: ImapServer, tmp_path: Path) -> None:
    settings = _settings(imap_server, tmp_path)
    imap_server.deliver(USER, _mail(1))
    imap_server.deliver(USER, _mail(2))
    before, after = RecordingIntake(), RecordingIntake()

    async def scenario() -> None:
        async with _running(MailFetcher(settings, before, ThreadBook())):
            await before.wait_for(2)
            await _state_reaches(settings.state_path, 2)  # a stop before this refetches q2
        imap_server.deliver(USER, _mail(3))
        async with _running(MailFetcher(settings, after, ThreadBook())):
            await after.wait_for(1)

    asyncio.run(scenario())
    assert [m.message_id for m in after.arrivals] == ["<q3@example.org>"]


def test_mail_delivered_while_idle_arrives_promptly(
    imap_server: ImapServer, tmp_path: Path
) -> None:
    settings = _settings(imap_server, tmp_path)  # polling every 600 s: only IDLE can be prompt
    intake = RecordingIntake()

    async def scenario() -> float:
        fetcher = MailFetcher(settings, intake, ThreadBook())
        async with _running(fetcher):
            await _idling(fetcher)
            started = asyncio.get_running_loop().time()
            imap_server.deliver(USER, _mail(7))
            await intake.wait_for(1)
            return asyncio.get_running_loop().time() - started

    took = asyncio.run(scenario())
    assert intake.arrivals[0].message_id == "<q7@example.org>"
    assert took < 30


def test_without_idle_the_mailbox_is_polled(imap_server: ImapServer, tmp_path: Path) -> None:
    settings = _settings(imap_server, tmp_path, use_idle=False, poll_seconds=0.2)
    intake = RecordingIntake()

    async def scenario() -> None:
        fetcher = MailFetcher(settings, intake, ThreadBook())
        async with _running(fetcher):
            await _idling(fetcher)
            imap_server.deliver(USER, _mail(8))
            await intake.wait_for(1)

    asyncio.run(scenario())
    assert intake.arrivals[0].message_id == "<q8@example.org>"


def test_stopping_while_idle_returns_at_once(imap_server: ImapServer, tmp_path: Path) -> None:
    settings = _settings(imap_server, tmp_path, idle_seconds=600.0)

    async def scenario() -> None:
        fetcher = MailFetcher(settings, RecordingIntake(), ThreadBook())
        async with _running(fetcher) as task:
            await _idling(fetcher)
        assert task.cancelled()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_an_unreadable_state_file_stops_the_fetcher_with_a_clear_error(
    imap_server: ImapServer, tmp_path: Path
) -> None:
    settings = _settings(imap_server, tmp_path)
    settings.state_path.parent.mkdir(parents=True)
    settings.state_path.write_text("{not json")
    imap_server.deliver(USER, _mail(1))
    intake = RecordingIntake()
    with pytest.raises(FetchStateError, match="not a mail fetch state"):
        asyncio.run(MailFetcher(settings, intake, ThreadBook()).run())
    assert intake.arrivals == []


def test_customer_answer_to_an_agent_reply_lands_in_the_same_thread(
    imap_server: ImapServer, smtp_receiver: SmtpReceiver, tmp_path: Path
) -> None:
    settings = _settings(imap_server, tmp_path)
    imap_server.deliver(USER, _mail(1))
    intake, book = RecordingIntake(), ThreadBook()
    replies = EmailReplies(
        SmtpSettings(smtp_receiver.host, smtp_receiver.port, "support@example.com"), book
    )

    async def scenario() -> None:
        async with _running(MailFetcher(settings, intake, book)):
            (first,) = await intake.wait_for(1)
            sent = await replies.send(
                Outbound("email", first.thread_key, "Try turning it off.", "Bob Agent")
            )
            # The customer's client keeps only our reply's id (no References back to q1).
            imap_server.deliver(USER, _mail(2, In_Reply_To=sent))
            await intake.wait_for(2)

    asyncio.run(scenario())
    assert intake.arrivals[1].thread_key == "<q1@example.org>"


def test_customer_answer_after_a_restart_lands_in_the_thread_of_our_reply(
    imap_server: ImapServer, smtp_receiver: SmtpReceiver, tmp_path: Path
) -> None:
    settings = _settings(imap_server, tmp_path)
    book_path = settings.state_path.parent / "threads.sqlite"
    smtp = SmtpSettings(smtp_receiver.host, smtp_receiver.port, "support@example.com")
    imap_server.deliver(USER, _mail(1))
    before, after = RecordingIntake(), RecordingIntake()

    async def first_run() -> str:
        book = await asyncio.to_thread(open_book, book_path)
        async with _running(MailFetcher(settings, before, book)):
            (first,) = await before.wait_for(1)
            sent = await EmailReplies(smtp, book).send(
                Outbound("email", first.thread_key, "Try turning it off.", "Bob Agent")
            )
        book.close()
        return sent

    async def second_run(sent: str) -> str:
        book = await asyncio.to_thread(open_book, book_path)  # a fresh process: only the file
        async with _running(MailFetcher(settings, after, book)):
            # The customer's client keeps only our reply's id (no References back to q1).
            imap_server.deliver(USER, _mail(2, In_Reply_To=sent))
            (answer,) = await after.wait_for(1)
            again = await EmailReplies(smtp, book).send(
                Outbound("email", answer.thread_key, "Then unplug it.", "Bob Agent")
            )
        book.close()
        return again

    sent = asyncio.run(first_run())
    assert before.arrivals[0].thread_key == "<q1@example.org>"
    again = asyncio.run(second_run(sent))
    assert after.arrivals[0].thread_key == "<q1@example.org>"
    second_reply = _received(smtp_receiver, again)
    assert second_reply["In-Reply-To"] == "<q2@example.org>"
    assert str(second_reply["References"]).split() == [sent, "<q2@example.org>"]  # RFC 5322
    assert second_reply["To"] == "Ann Customer <ann@example.org>"


def _received(receiver: SmtpReceiver, message_id: str) -> EmailMessage:
    received = receiver.wait_for(2)
    for message in received:
        if message["Message-ID"] == message_id:
            return message
    raise AssertionError(f"{message_id} not among the {len(received)} mail(s) received")
