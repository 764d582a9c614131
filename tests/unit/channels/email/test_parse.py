"""parse_mail: text, HTML as text, charsets, attachments within limits, loops, bad MIME."""

from __future__ import annotations

from email.message import EmailMessage

from cti.channels.email.parse import parse_mail
from cti.channels.email.parts import MailLimits


def _mail(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", '"Ann Customer" <Ann@Example.ORG>')
    message["To"] = "support@example.com"
    message["Subject"] = headers.pop("Subject", "Printer on fire")
    message["Message-ID"] = headers.pop("Message_ID", "<m1@example.org>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Hello, it burns.\n")
    return message


def test_plain_mail_gives_text_sender_and_ids() -> None:
    parsed = parse_mail(_mail(In_Reply_To="<m0@example.com>").as_bytes())
    assert parsed.text == "Hello, it burns.\n"
    assert parsed.sender.name == "Ann Customer"
    assert parsed.sender.email == "ann@example.org"
    assert parsed.message_id == "<m1@example.org>"
    assert parsed.in_reply_to == "<m0@example.com>"
    assert parsed.subject == "Printer on fire"
    assert parsed.flags == frozenset()


def test_encoded_subject_and_sender_name_are_decoded() -> None:
    raw = (
        b"From: =?utf-8?q?Bj=C3=B6rn?= <b@example.org>\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
        b"Message-ID: <x@y>\r\n\r\nhi\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.subject == "Grüße"
    assert parsed.sender.name == "Björn"


def test_html_only_mail_is_text_without_script_style_or_remote_images() -> None:
    message = _mail()
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Order&nbsp;<b>42</b> is late</p><img src='https://tracker.example/p.gif'>"
        "<a href='https://evil.example/login'>your bank</a></body></html>",
        subtype="html",
    )
    parsed = parse_mail(message.as_bytes())
    assert "Order 42 is late" in parsed.text
    assert "alert" not in parsed.text and "color" not in parsed.text
    assert "tracker.example" not in parsed.text
    assert "your bank <https://evil.example/login>" in parsed.text


def test_alternative_mail_prefers_the_plain_part() -> None:
    message = _mail()
    message.add_alternative("<p>HTML version</p>", subtype="html")
    parsed = parse_mail(message.as_bytes())
    assert parsed.text.strip() == "Hello, it burns."


def test_wrong_charset_label_still_gives_readable_text_and_a_flag() -> None:
    raw = (
        b"From: a@b.c\r\nMessage-ID: <c@b.c>\r\nContent-Type: text/plain; charset=us-ascii\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nCaf\xc3\xa9\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.text.strip() == "Café"
    assert "charset" in parsed.flags


def test_unknown_charset_does_not_crash_and_keeps_the_words() -> None:
    raw = (
        b"From: a@b.c\r\nMessage-ID: <u@b.c>\r\nContent-Type: text/plain; charset=x-klingon\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nqapla\xe9\r\n"
    )
    parsed = parse_mail(raw)
    assert parsed.text.startswith("qapla")
    assert "charset" in parsed.flags


def test_attachments_are_listed_with_size_and_type() -> None:
    message = _mail()
    message.add_attachment(b"%PDF-1.4 x" * 10, maintype="application", subtype="pdf",
                           filename="invoice.pdf")  # fmt: skip
    (attachment,) = parse_mail(message.as_bytes()).attachments
    assert (attachment.filename, attachment.content_type) == ("invoice.pdf", "application/pdf")
    assert attachment.size == 100 and attachment.payload == b"%PDF-1.4 x" * 10
    assert attachment.refused is None


def test_attachment_over_the_limit_is_listed_refused_not_dropped() -> None:
    message = _mail()
    message.add_attachment(b"x" * 2000, maintype="application", subtype="zip", filename="big.zip")
    message.add_attachment(b"y" * 10, maintype="text", subtype="csv", filename="small.csv")
    parsed = parse_mail(message.as_bytes(), MailLimits(max_attachment_bytes=1000))
    big, small = parsed.attachments
    assert big.payload is None and big.size == 2000 and "larger than 1000" in (big.refused or "")
    assert small.payload == b"y" * 10
    assert "attachment-refused" in parsed.flags


def test_too_many_attachments_are_refused_past_the_count() -> None:
    message = _mail()
    for n in range(5):
        message.add_attachment(b"a", maintype="application", subtype="octet-stream",
                               filename=f"f{n}.bin")  # fmt: skip
    parsed = parse_mail(message.as_bytes(), MailLimits(max_attachments=3))
    kept = [a for a in parsed.attachments if a.payload is not None]
    assert len(kept) == 3 and len(parsed.attachments) == 5


def test_deeply_nested_multiparts_stop_at_the_depth_limit() -> None:
    inner = "Content-Type: text/plain\r\n\r\ndeep\r\n"
    for level in range(50):
        inner = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n'
            f"--b{level}\r\n{inner}\r\n--b{level}--\r\n"
        )
    raw = f"From: a@b.c\r\nMessage-ID: <d@b.c>\r\n{inner}".encode()
    parsed = parse_mail(raw, MailLimits(max_depth=8))
    assert "too-deep" in parsed.flags
    assert "deep" not in parsed.text


def test_forwarded_message_is_an_attachment_not_parsed_inline() -> None:
    message = _mail()
    forwarded = _mail(Subject="Inner", Message_ID="<inner@x>")
    message.add_attachment(forwarded)
    parsed = parse_mail(message.as_bytes())
    (attachment,) = parsed.attachments
    assert attachment.content_type == "message/rfc822"
    assert b"Subject: Inner" in (attachment.payload or b"")


def test_multipart_without_its_boundary_is_kept_raw_and_flagged() -> None:
    raw = (
        b"From: a@b.c\r\nMessage-ID: <n@b.c>\r\nSubject: broken\r\n"
        b'Content-Type: multipart/mixed; boundary="nowhere"\r\n\r\nthe real words\r\n'
    )
    parsed = parse_mail(raw)
    assert "unparsed" in parsed.flags
    assert "the real words" in parsed.text
    assert parsed.raw == raw and parsed.message_id == "<n@b.c>" and parsed.subject == "broken"


def test_garbage_bytes_are_kept_raw_with_a_stable_synthetic_id() -> None:
    raw = b"\x00\xff\xfe not a mail at all \x80"
    first, second = parse_mail(raw), parse_mail(raw)
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@cti.invalid>")
    assert "not a mail at all" in first.text


def test_oversized_mail_is_kept_raw_and_flagged_too_big() -> None:
    raw = _mail().as_bytes()
    parsed = parse_mail(raw, MailLimits(max_message_bytes=50))
    assert {"unparsed", "too-big"} <= parsed.flags and parsed.raw == raw


def test_auto_submitted_and_vacation_replies_are_flagged_auto() -> None:
    assert "auto" in parse_mail(_mail(Auto_Submitted="auto-replied").as_bytes()).flags
    assert "auto" in parse_mail(_mail(X_Autoreply="yes").as_bytes()).flags
    assert "auto" in parse_mail(_mail(Precedence="bulk").as_bytes()).flags
    assert "auto" not in parse_mail(_mail(Auto_Submitted="no").as_bytes()).flags


def test_list_mail_and_bounces_are_flagged() -> None:
    assert {"auto", "list"} <= parse_mail(_mail(List_Id="<news.example.org>").as_bytes()).flags
    bounce = _mail(From="MAILER-DAEMON@mx.example.org")
    assert {"auto", "bounce"} <= parse_mail(bounce.as_bytes()).flags


def test_to_inbound_threads_a_reply_under_its_root() -> None:
    reply = _mail(Message_ID="<r2@x>", In_Reply_To="<r1@x>", References="<r0@x> <r1@x>")
    inbound = parse_mail(reply.as_bytes()).to_inbound(1700.0, (), lambda _id: None)
    assert (inbound.channel, inbound.thread_key, inbound.message_id) == (
        "email",
        "<r0@x>",
        "<r2@x>",
    )
    assert inbound.received_at == 1700.0 and inbound.text == "Hello, it burns.\n"
