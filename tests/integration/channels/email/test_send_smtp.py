"""Email replies over a real SMTP server (aiosmtpd on 127.0.0.1): what the customer receives."""

from __future__ import annotations

import asyncio

import pytest

from cti.channels.email.book import ThreadBook
from cti.channels.email.send import EmailReplies, ReplyFailed, ReplyRefused, SmtpSettings
from cti.channels.inbound import Inbound, Outbound, Party
from tests.mailserver import SmtpReceiver, free_port

THREAD = "<q1@example.org>"


def _book() -> ThreadBook:
    book = ThreadBook()
    first = Inbound(
        channel="email",
        thread_key=THREAD,
        message_id=THREAD,
        sender=Party(name="Ann Customer", email="ann@example.org"),
        text="My printer is on fire",
        received_at=0.0,
        subject="Printer on fire",
    )
    book.note_inbound(first, ())
    return book


def _replies(receiver: SmtpReceiver, book: ThreadBook) -> EmailReplies:
    settings = SmtpSettings(receiver.host, receiver.port, "support@example.com")
    return EmailReplies(settings, book)


def _reply(text: str, agent_name: str = "Bob Agent") -> Outbound:
    return Outbound(channel="email", thread_key=THREAD, text=text, agent_name=agent_name)


def test_reply_reaches_the_customer_threaded_and_is_kept_for_the_thread(
    smtp_receiver: SmtpReceiver,
) -> None:
    book = _book()
    sent_id = asyncio.run(_replies(smtp_receiver, book).send(_reply("On our way.\n.\nBob")))
    (received,) = smtp_receiver.wait_for(1)
    envelope = smtp_receiver.messages[0][0]
    assert envelope.rcpt_tos == ["ann@example.org"]
    assert envelope.mail_from == "support@example.com"
    assert str(received["From"]) == "Bob Agent <support@example.com>"
    assert received["Subject"] == "Re: Printer on fire"
    assert received["Message-ID"] == sent_id
    assert received["In-Reply-To"] == THREAD
    assert received["References"] == THREAD
    assert received["Auto-Submitted"] == "no"
    assert received.get_content().replace("\r\n", "\n") == "On our way.\n.\nBob\n"
    kept = book.entry(sent_id)
    assert kept is not None and kept.direction == "out" and kept.thread_key == THREAD
    assert kept.raw is not None and sent_id.encode() in kept.raw


def test_reply_with_an_injected_header_is_refused_and_nothing_is_sent(
    smtp_receiver: SmtpReceiver,
) -> None:
    replies = _replies(smtp_receiver, _book())
    with pytest.raises(ReplyRefused):
        asyncio.run(replies.send(_reply("hi", agent_name="Bob\r\nBcc: victim@example.net")))
    asyncio.run(replies.send(_reply("the honest one")))
    smtp_receiver.wait_for(1)
    assert [m.get_content().strip() for _, m in smtp_receiver.messages] == ["the honest one"]
    assert smtp_receiver.messages[0][0].rcpt_tos == ["ann@example.org"]


def test_reply_to_an_unreachable_smtp_server_fails_clearly() -> None:
    book = _book()
    settings = SmtpSettings("127.0.0.1", free_port(), "support@example.com", timeout=5)
    with pytest.raises(ReplyFailed, match="did not take the reply"):
        asyncio.run(EmailReplies(settings, book).send(_reply("hi")))
    assert [e.direction for e in book.thread(THREAD)] == ["in"]
