"""The test mail servers themselves work: a login, a delivered message seen over IMAP, a mail
received over SMTP. Everything else in the email channel's tests stands on these."""

from __future__ import annotations

import imaplib
import smtplib
from email.message import EmailMessage

import pytest

from tests.mailserver import ImapServer, SmtpReceiver


def _message(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ann Customer <ann@example.org>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = "<m1@example.org>"
    message.set_content("Hello there\n")
    return message


def test_dovecot_serves_a_delivered_message_over_imap(imap_server: ImapServer) -> None:
    imap_server.add_user("support", "s3cret")
    imap_server.deliver("support", _message("Printer on fire").as_bytes())
    with imaplib.IMAP4(imap_server.host, imap_server.port, timeout=30) as imap:
        imap.login("support", "s3cret")
        assert "IDLE" in imap.capabilities
        imap.select("INBOX")
        status, data = imap.uid("SEARCH", "ALL")
        assert status == "OK" and len(data[0].split()) == 1
        status, fetched = imap.uid("FETCH", data[0].split()[0], "(RFC822)")
        assert b"Subject: Printer on fire" in fetched[0][1]


def test_dovecot_refuses_a_wrong_password(imap_server: ImapServer) -> None:
    imap_server.add_user("support", "s3cret")
    with (
        imaplib.IMAP4(imap_server.host, imap_server.port, timeout=30) as imap,
        pytest.raises(imaplib.IMAP4.error),
    ):
        imap.login("support", "wrong")


def test_smtp_receiver_keeps_what_it_receives(smtp_receiver: SmtpReceiver) -> None:
    with smtplib.SMTP(smtp_receiver.host, smtp_receiver.port, timeout=30) as smtp:
        smtp.send_message(_message("Re: order 42"))
    (received,) = smtp_receiver.wait_for(1)
    assert received["Subject"] == "Re: order 42"
    assert received["Message-ID"] == "<m1@example.org>"
