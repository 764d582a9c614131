"""Composing an agent's email reply: addressing, threading headers, refused header injection."""

from __future__ import annotations

import pytest

from cti.channels.email.book import MAX_REFERENCES, MailEntry, ThreadBook, chain_for_reply
from cti.channels.email.send import ReplyRefused, compose_reply, reply_subject
from cti.channels.inbound import Inbound, Outbound, Party

FROM = "support@example.com"


def _book_with_customer_mail(references: tuple[str, ...] = ()) -> ThreadBook:
    book = ThreadBook()
    inbound = Inbound(
        channel="email",
        thread_key=references[0] if references else "<q1@example.org>",
        message_id="<q1@example.org>" if not references else "<q2@example.org>",
        sender=Party(name="Ann Customer", email="ann@example.org"),
        text="My printer is on fire",
        received_at=0.0,
        subject="Printer on fire",
    )
    book.note_inbound(inbound, references)
    return book


def _reply(**changes: object) -> Outbound:
    fields: dict[str, object] = {
        "channel": "email",
        "thread_key": "<q1@example.org>",
        "text": "We are on our way.",
        "agent_name": "Bob Agent",
    }
    fields.update(changes)
    return Outbound(**fields)  # type: ignore[arg-type]


def test_reply_comes_from_the_agents_name_at_the_configured_address() -> None:
    message = compose_reply(_reply(), _book_with_customer_mail(), FROM)
    assert message["From"].addresses[0].display_name == "Bob Agent"
    assert message["From"].addresses[0].addr_spec == FROM
    assert message["To"].addresses[0].addr_spec == "ann@example.org"
    assert message["Auto-Submitted"] == "no"


def test_reply_threads_under_the_answered_mail_and_its_references() -> None:
    book = _book_with_customer_mail(references=("<q1@example.org>",))
    message = compose_reply(_reply(), book, FROM)
    assert message["In-Reply-To"] == "<q2@example.org>"
    assert message["References"] == "<q1@example.org> <q2@example.org>"
    assert message["Message-ID"].endswith("@example.com>")
    assert message["Message-ID"] not in ("<q1@example.org>", "<q2@example.org>")


def test_reply_subject_gets_one_re_prefix() -> None:
    assert reply_subject("Printer on fire") == "Re: Printer on fire"
    assert reply_subject("RE: Printer on fire") == "RE: Printer on fire"
    assert reply_subject(None) == "Re: your message"


@pytest.mark.parametrize(
    "changes",
    [
        {"agent_name": "Bob\r\nBcc: victim@example.net"},
        {"agent_name": "Bob\nX-Evil: 1"},
        {"subject": "Hello\r\nBcc: victim@example.net"},
    ],
)
def test_reply_with_line_breaks_in_header_text_is_refused(changes: dict[str, str]) -> None:
    with pytest.raises(ReplyRefused, match="line break"):
        compose_reply(_reply(**changes), _book_with_customer_mail(), FROM)


def test_reply_to_a_customer_name_with_line_breaks_is_refused() -> None:
    book = ThreadBook()
    book.add(
        MailEntry(
            message_id="<q1@example.org>",
            thread_key="<q1@example.org>",
            references=(),
            party=Party(name="Ann\r\nBcc: victim@example.net", email="ann@example.org"),
            subject="Hi",
            direction="in",
        )
    )
    with pytest.raises(ReplyRefused, match="customer name"):
        compose_reply(_reply(), book, FROM)


def test_reply_in_an_unknown_thread_is_refused() -> None:
    with pytest.raises(ReplyRefused, match="no mail known"):
        compose_reply(_reply(thread_key="<nope@x>"), _book_with_customer_mail(), FROM)


def test_reply_to_a_message_of_another_thread_is_refused() -> None:
    with pytest.raises(ReplyRefused, match="not in this thread"):
        compose_reply(_reply(in_reply_to="<other@x>"), _book_with_customer_mail(), FROM)


def test_reply_on_another_channel_is_refused() -> None:
    with pytest.raises(ReplyRefused, match="not email"):
        compose_reply(_reply(channel="chat"), _book_with_customer_mail(), FROM)


def test_long_reference_chains_keep_the_root_and_the_newest() -> None:
    ids = tuple(f"<m{i}@x>" for i in range(50))
    parent = MailEntry("<p@x>", "<m0@x>", ids, Party(), None, "in")
    chain = chain_for_reply(parent)
    assert len(chain) == MAX_REFERENCES
    assert chain[0] == "<m0@x>" and chain[-1] == "<p@x>" and chain[-2] == "<m49@x>"


def test_reply_message_id_uses_the_configured_domain_when_given() -> None:
    book = _book_with_customer_mail()
    message = compose_reply(_reply(), book, FROM, message_id_domain="mail.example.net")
    assert message["Message-ID"].endswith("@mail.example.net>")
    assert message["From"].addresses[0].addr_spec == FROM
