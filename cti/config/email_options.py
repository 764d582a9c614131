"""Options of the `email` section: the support mailbox read over IMAP, replies sent over SMTP.

The passwords are secrets (secrets.yaml): never in cti.yaml, logs or repr. Addresses and
domains get their own types so a typo is refused at `cti check-config` naming the key,
not discovered when the first reply bounces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cti.config.option import Option, Rule
from cti.config.types import Bool, Choice, Float, Int, InvalidValue, Optional, Str, kind_of

EMAIL_SECTION = (
    "The email channel of the universal queue: a mailbox read over IMAP (IDLE when the "
    "server offers it, else polling) and agents' replies sent over SMTP."
)

STATE_DIR_NAME = "email"
MiB = 1024 * 1024
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@dataclass(frozen=True, slots=True)
class DomainName(Str):
    """A DNS name (letters, digits, hyphens, dots): it goes into headers as it is."""

    @property
    def label(self) -> str:
        return "domain name (e.g. example.com)"

    def parse(self, value: object) -> str:
        text = Str.parse(self, value)
        if len(text) > 253 or not _DOMAIN.fullmatch(text):
            hint = "letters, digits, hyphens and dots only, e.g. example.com"
            raise InvalidValue.single("is not a domain name", hint, value)
        return text


@dataclass(frozen=True, slots=True)
class MailAddress(Str):
    """A bare address (local@domain), no display name: the agent's name goes before it."""

    @property
    def label(self) -> str:
        return "email address (e.g. support@example.com)"

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            raise InvalidValue.single(f"expected an email address, got {kind_of(value)}")
        local, at, domain = value.rpartition("@")
        if not (at and _LOCAL.fullmatch(local) and _DOMAIN.fullmatch(domain)):
            hint = "only the address, e.g. support@example.com (the agent's name is added)"
            raise InvalidValue.single("is not an email address", hint, value)
        return value


def _attachment_within_total(values: Mapping[str, object]) -> bool:
    one, total = values["email.max_attachment_bytes"], values["email.max_total_attachment_bytes"]
    return isinstance(one, int) and isinstance(total, int) and one <= total


def _needs_account(values: Mapping[str, object]) -> bool:
    wanted = ("email.imap_user", "email.from_address")
    return values["email.enabled"] is not True or all(values[key] for key in wanted)


EMAIL_RULES: tuple[Rule, ...] = (
    Rule(
        "email.max_attachment_bytes",
        ("email.max_total_attachment_bytes",),
        _attachment_within_total,
        "must not be greater than email.max_total_attachment_bytes",
        "one attachment cannot be bigger than all of a mail's attachments together",
    ),
    Rule(
        "email.enabled",
        ("email.imap_user", "email.from_address"),
        _needs_account,
        "needs email.imap_user and email.from_address",
        "set the mailbox's user and the address replies come from, or leave email off",
    ),
)

_CONNECTION: tuple[Option, ...] = (
    Option("email.enabled", Bool(), False, "Read the mailbox and send replies."),
    Option("email.imap_host", Str(), "127.0.0.1", "Host name or address of the IMAP server."),
    Option("email.imap_port", Int(1, 65535), 993, "TCP port of the IMAP server."),
    Option(
        "email.imap_tls",
        Choice(("tls", "starttls", "none")),
        "tls",
        "`tls` from the first byte (port 993), `starttls` upgrades a plain connection "
        "(port 143), `none` sends the password in clear: only for a server on this host.",
    ),
    Option("email.imap_user", Optional(Str()), None, "IMAP user of the support mailbox."),
    Option("email.mailbox", Str(), "INBOX", "IMAP folder the customers' mail arrives in."),
    Option(
        "email.poll_seconds",
        Float(above=0),
        60.0,
        "Seconds between looks for new mail when the server does not offer IDLE "
        "(or `email.idle` is false).",
    ),
    Option(
        "email.idle",
        Bool(),
        True,
        "Wait for new mail with IMAP IDLE when offered. Servers may announce new mail late "
        "(dovecot batches announcements for 500 ms); to offer mail within 100 ms of its "
        "arrival at a server on your own network, set false and `email.poll_seconds` 0.05.",
    ),
    Option("email.smtp_host", Str(), "127.0.0.1", "Host name or address of the SMTP server."),
    Option("email.smtp_port", Int(1, 65535), 587, "TCP port of the SMTP server."),
    Option(
        "email.smtp_tls",
        Choice(("starttls", "tls", "none")),
        "starttls",
        "`starttls` (port 587), `tls` from the first byte (port 465), or `none`.",
    ),
    Option(
        "email.smtp_user",
        Optional(Str()),
        None,
        "SMTP user; unset: replies are sent without logging in.",
    ),
    Option(
        "email.from_address",
        Optional(MailAddress()),
        None,
        "Address replies come from, shown after the agent's name (`Bob <support@...>`).",
    ),
    Option(
        "email.domain",
        Optional(DomainName()),
        None,
        "Domain in the Message-IDs of replies. Unset: the domain of `email.from_address`.",
    ),
    Option(
        "email.state_directory",
        Optional(Str()),
        None,
        "Directory of the channel's files (fetch position, threads, attachments), relative "
        f"to the working directory. Unset: {STATE_DIR_NAME}/ in the directory of "
        "`lookup.database`.",
    ),
)

_LIMITS: tuple[Option, ...] = (
    Option(
        "email.max_message_bytes",
        Int(minimum=1024),
        50 * MiB,
        "A bigger mail is not parsed: it is queued flagged `unparsed`, its raw start as text.",
    ),
    Option(
        "email.max_attachment_bytes",
        Int(minimum=0),
        10 * MiB,
        "A bigger attachment is listed as refused and not saved.",
    ),
    Option(
        "email.max_total_attachment_bytes",
        Int(minimum=0),
        25 * MiB,
        "Attachments of one mail past this total are listed as refused and not saved.",
    ),
    Option(
        "email.max_attachments",
        Int(minimum=0),
        20,
        "Attachments of one mail past this count are listed as refused and not saved.",
    ),
    Option(
        "email.max_text_chars",
        Int(minimum=100),
        200_000,
        "Characters of a mail's text kept; a longer text is cut and flagged `truncated`.",
    ),
)

_SECRETS: tuple[Option, ...] = (
    Option(
        "email.imap_password",
        Optional(Str()),
        None,
        "Password of `email.imap_user`.",
        secret=True,
    ),
    Option(
        "email.smtp_password",
        Optional(Str()),
        None,
        "Password of `email.smtp_user`.",
        secret=True,
    ),
)

EMAIL_OPTIONS: tuple[Option, ...] = (*_CONNECTION, *_LIMITS, *_SECRETS)
