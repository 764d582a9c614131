"""The email channel's settings from the config: every `email.*` value reaches the fetcher
and the sender, the passwords come from secrets.yaml and never show in a repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.channels.email.settings import EmailNotConfigured, email_channel_settings
from cti.config import load_config
from tests.unit.test_config import write
from tests.unit.test_config_email import GOOD

SECRETS = "email:\n  imap_password: imap-Pa55word\n  smtp_password: smtp-Pa55word\n"


def _configured(directory: Path, main: str = GOOD, secrets: str = SECRETS) -> Path:
    write(directory, "cti.yaml", main)
    write(directory, "secrets.yaml", secrets).chmod(0o600)
    return directory


def test_config_values_reach_the_fetcher_and_the_sender(tmp_path: Path) -> None:
    settings = email_channel_settings(load_config(_configured(tmp_path)))
    fetch, smtp = settings.fetch, settings.smtp
    assert (fetch.imap.host, fetch.imap.port, fetch.imap.tls) == (
        "imap.example.com",
        143,
        "starttls",
    )
    assert (fetch.imap.user, fetch.imap.password, fetch.imap.mailbox) == (
        "support",
        "imap-Pa55word",
        "Support",
    )
    assert (fetch.poll_seconds, fetch.use_idle, fetch.limits.max_attachments) == (30.0, False, 5)
    assert fetch.state_path == Path("/var/lib/cti/email/fetch.json")
    assert fetch.attachments_dir == Path("/var/lib/cti/email/attachments")
    assert settings.book_path == Path("/var/lib/cti/email/threads.sqlite")
    assert (smtp.host, smtp.port, smtp.tls, smtp.user, smtp.password) == (
        "smtp.example.com",
        465,
        "tls",
        "support",
        "smtp-Pa55word",
    )
    assert (smtp.from_address, smtp.message_id_domain) == (
        "support@example.com",
        "mail.example.com",
    )
    assert "Pa55word" not in repr(settings)


def test_the_state_directory_defaults_beside_the_contact_database(tmp_path: Path) -> None:
    main = GOOD.replace("  state_directory: /var/lib/cti/email\n", "")
    main += "lookup:\n  database: /srv/cti/contacts.db\n"
    settings = email_channel_settings(load_config(_configured(tmp_path, main)))
    assert settings.book_path == Path("/srv/cti/email/threads.sqlite")


def test_email_left_off_gives_no_settings(tmp_path: Path) -> None:
    with pytest.raises(EmailNotConfigured, match=r"email\.enabled is false"):
        email_channel_settings(load_config(tmp_path))


def test_email_on_without_the_imap_password_gives_no_settings(tmp_path: Path) -> None:
    config = load_config(_configured(tmp_path, secrets="email:\n  smtp_password: x-Pa55word\n"))
    with pytest.raises(EmailNotConfigured, match=r"email\.imap_password is not set"):
        email_channel_settings(config)
