"""The email channel's settings from the validated config: one place maps `email.*` (and the
passwords from secrets.yaml) onto the fetcher's and the sender's settings and files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cti.channels.email.fetch import FetchSettings
from cti.channels.email.imapwire import ImapSettings
from cti.channels.email.parts import MailLimits
from cti.channels.email.send import SmtpSettings
from cti.config.email_options import STATE_DIR_NAME
from cti.config.model import Config

FETCH_STATE_FILE = "fetch.json"
THREAD_BOOK_FILE = "threads.sqlite"
ATTACHMENTS_DIR = "attachments"


class EmailNotConfigured(ValueError):
    """`email.enabled` is false, or a setting the channel cannot run without is unset."""


@dataclass(frozen=True, slots=True)
class EmailChannelSettings:
    fetch: FetchSettings
    smtp: SmtpSettings
    book_path: Path


def state_directory(config: Config) -> Path:
    """``email.state_directory``, else ``email/`` next to the contact database."""
    if config.email.state_directory is not None:
        return Path(config.email.state_directory)
    return Path(config.lookup.database).parent / STATE_DIR_NAME


def email_channel_settings(config: Config) -> EmailChannelSettings:
    email = config.email
    if not email.enabled:
        raise EmailNotConfigured("email.enabled is false")
    if email.imap_user is None or email.from_address is None:  # the config rule refuses it
        raise EmailNotConfigured("email.imap_user and email.from_address must be set")
    if config.secrets.email_imap_password is None:
        raise EmailNotConfigured("email.imap_password is not set in secrets.yaml")
    directory = state_directory(config)
    imap = ImapSettings(
        email.imap_host,
        email.imap_port,
        email.imap_user,
        config.secrets.email_imap_password,
        mailbox=email.mailbox,
        tls=email.imap_tls,
    )
    limits = MailLimits(
        max_message_bytes=email.max_message_bytes,
        max_attachment_bytes=email.max_attachment_bytes,
        max_total_attachment_bytes=email.max_total_attachment_bytes,
        max_attachments=email.max_attachments,
        max_text_chars=email.max_text_chars,
    )
    fetch = FetchSettings(
        imap=imap,
        state_path=directory / FETCH_STATE_FILE,
        attachments_dir=directory / ATTACHMENTS_DIR,
        poll_seconds=email.poll_seconds,
        use_idle=email.idle,
        limits=limits,
    )
    smtp = SmtpSettings(
        email.smtp_host,
        email.smtp_port,
        email.from_address,
        tls=email.smtp_tls,
        user=email.smtp_user,
        password=config.secrets.email_smtp_password,
        message_id_domain=email.domain,
    )
    return EmailChannelSettings(fetch, smtp, directory / THREAD_BOOK_FILE)
