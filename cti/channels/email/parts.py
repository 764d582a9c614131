"""A mail's body: its readable text and its attachments, within limits, from any MIME tree.

Nothing here trusts the sender: charsets may be wrong or unknown, trees may nest deeper than
any client would build, attachments may be huge or many. Each case gives a clear result (a
replacement character, a refused attachment with the reason) instead of an exception.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from email.message import Message

from cti.channels.email.htmltext import html_to_text

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class MailLimits:
    """What one mail may bring; past these the rest is listed as refused, never dropped."""

    max_message_bytes: int = 50 * MiB
    max_attachment_bytes: int = 10 * MiB
    max_total_attachment_bytes: int = 25 * MiB
    max_attachments: int = 20
    max_depth: int = 8
    max_text_chars: int = 200_000


@dataclass(frozen=True, slots=True)
class AttachmentPart:
    """An attachment as found in the mail; `payload` is None when a limit refused it."""

    filename: str
    content_type: str
    size: int
    payload: bytes | None
    refused: str | None = None


@dataclass
class Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[AttachmentPart] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    kept_bytes: int = 0

    def text(self, limits: MailLimits) -> str:
        text = "\n\n".join(self.plain) if self.plain else "\n\n".join(map(html_to_text, self.html))
        if len(text) > limits.max_text_chars:
            self.flags.add("truncated")
            return text[: limits.max_text_chars]
        return text


def decode_text(payload: bytes, charset: str | None) -> tuple[str, bool]:
    """(text, charset_was_wrong): the declared charset, else UTF-8, else Windows-1252."""
    declared = _known_codec(charset)
    for codec in dict.fromkeys(c for c in (declared, "utf-8") if c):
        try:
            return payload.decode(codec), codec != declared
        except UnicodeDecodeError:
            continue
    return payload.decode(declared or "cp1252", errors="replace"), True


def _known_codec(charset: str | None) -> str | None:
    if not charset:
        return "us-ascii"
    try:
        return codecs.lookup(charset.strip().strip('"')).name
    except (LookupError, ValueError):
        return None


def read_body(message: Message, limits: MailLimits) -> Body:
    body = Body()
    _walk(message, 0, body, limits)
    return body


def _walk(part: Message, depth: int, body: Body, limits: MailLimits) -> None:
    if depth > limits.max_depth:
        body.flags.add("too-deep")
        return
    if part.get_content_type() == "message/rfc822" or _is_attachment(part):
        _attach(part, body, limits)
    elif part.is_multipart():
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, Message):
                _walk(sub, depth + 1, body, limits)
    elif part.get_content_maintype() == "text":
        _read_text(part, body)


def _is_attachment(part: Message) -> bool:
    if part.is_multipart():
        return False
    if part.get_content_disposition() == "attachment" or part.get_filename():
        return True
    return part.get_content_type() not in ("text/plain", "text/html")


def _read_text(part: Message, body: Body) -> None:
    raw = part.get_payload(decode=True)
    payload = raw if isinstance(raw, bytes) else b""
    text, wrong = decode_text(payload, part.get_content_charset())
    if wrong:
        body.flags.add("charset")
    (body.html if part.get_content_type() == "text/html" else body.plain).append(text)


def _attach(part: Message, body: Body, limits: MailLimits) -> None:
    payload = _payload_bytes(part)
    found = AttachmentPart(_filename(part), part.get_content_type(), len(payload), payload)
    refused = _refusal(found, body, limits)
    if refused:
        body.flags.add("attachment-refused")
        found = AttachmentPart(found.filename, found.content_type, found.size, None, refused)
    else:
        body.kept_bytes += found.size
    body.attachments.append(found)


def _refusal(found: AttachmentPart, body: Body, limits: MailLimits) -> str | None:
    kept = sum(1 for a in body.attachments if a.payload is not None)
    if kept >= limits.max_attachments:
        return f"more than {limits.max_attachments} attachments"
    if found.size > limits.max_attachment_bytes:
        return f"larger than {limits.max_attachment_bytes} bytes"
    if body.kept_bytes + found.size > limits.max_total_attachment_bytes:
        return f"attachments together larger than {limits.max_total_attachment_bytes} bytes"
    return None


def _payload_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822" or part.is_multipart():
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes() if part.get_content_type() == "message/rfc822" else b""
        return part.as_bytes()
    raw = part.get_payload(decode=True)
    return raw if isinstance(raw, bytes) else b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except (LookupError, ValueError, TypeError):
        name = None
    if name:
        return str(name)
    return "forwarded.eml" if part.get_content_type() == "message/rfc822" else "attachment"
