"""The `email` section: typed values, passwords only in secrets.yaml, bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.config import load_config
from tests.unit.test_config import only_error, problems_of, write

GOOD = """
email:
  enabled: true
  imap_host: imap.example.com
  imap_port: 143
  imap_tls: starttls
  imap_user: support
  mailbox: Support
  poll_seconds: 30
  idle: false
  smtp_host: smtp.example.com
  smtp_port: 465
  smtp_tls: tls
  smtp_user: support
  from_address: support@example.com
  domain: mail.example.com
  state_directory: /var/lib/cti/email
  max_attachments: 5
"""


def test_defaults_leave_email_off_with_safe_limits(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    email = config.email
    assert email.enabled is False and email.from_address is None
    assert (email.imap_port, email.imap_tls, email.smtp_port, email.smtp_tls) == (
        993,
        "tls",
        587,
        "starttls",
    )
    assert (email.max_attachment_bytes, email.max_total_attachment_bytes) == (10 << 20, 25 << 20)
    assert config.secrets.email_imap_password is None


def test_a_full_section_is_typed_and_the_passwords_come_from_secrets(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", GOOD)
    write(
        tmp_path,
        "secrets.yaml",
        "email:\n  imap_password: imap-Pa55word\n  smtp_password: smtp-Pa55word\n",
    ).chmod(0o600)
    config = load_config(tmp_path)
    email = config.email
    assert (email.imap_host, email.imap_port, email.imap_tls, email.mailbox) == (
        "imap.example.com",
        143,
        "starttls",
        "Support",
    )
    assert email.poll_seconds == 30.0 and email.idle is False
    assert (email.from_address, email.domain) == ("support@example.com", "mail.example.com")
    assert email.max_attachments == 5
    assert config.secrets.email_imap_password == "imap-Pa55word"
    assert config.secrets.email_smtp_password == "smtp-Pa55word"
    shown = repr(config.secrets) + repr(email)
    assert "Pa55word" not in shown and "email_imap_password=<set>" in shown


def test_a_password_in_cti_yaml_is_refused_without_showing_it(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "email:\n  imap_password: imap-Pa55word\n")
    error = only_error(tmp_path)
    assert error.key == "email.imap_password" and "secrets.yaml" in str(error)
    assert "Pa55word" not in str(error)


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("imap_port", "0", "1 to 65535"),
        ("smtp_port", "'587'", "expected an integer"),
        ("imap_tls", "ssl", "allowed: tls, starttls, none"),
        ("smtp_tls", "STARTTLS", "did you mean 'starttls'"),
        ("from_address", "'Support <support@example.com>'", "not an email address"),
        ("from_address", "support", "not an email address"),
        ("domain", "'exa mple.com'", "not a domain name"),
        ("domain", "-example.com", "not a domain name"),
        ("poll_seconds", "0", "greater than 0"),
        ("idle", "'yes'", "true or false"),
        ("mailbox", "''", "must not be empty"),
        ("max_attachments", "-1", "at least 0"),
        ("max_message_bytes", "100", "at least 1024"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(
    tmp_path: Path, key: str, value: str, says: str
) -> None:
    write(tmp_path, "cti.yaml", f"email:\n  {key}: {value}\n")
    error = only_error(tmp_path)
    assert error.key == f"email.{key}"
    assert says in str(error)


def test_one_attachment_cannot_be_allowed_more_than_all_together(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cti.yaml",
        "email:\n  max_attachment_bytes: 2000000\n  max_total_attachment_bytes: 1000000\n",
    )
    error = only_error(tmp_path)
    assert error.key == "email.max_attachment_bytes"
    assert "email.max_total_attachment_bytes" in error.message


def test_email_on_without_a_mailbox_user_or_from_address_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "email:\n  enabled: true\n  imap_user: support\n")
    error = only_error(tmp_path)
    assert error.key == "email.enabled"
    assert "email.from_address" in error.message


def test_a_misspelt_email_key_gets_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "email:\n  imap_hots: imap.example.com\n")
    problems = [p for p in problems_of(tmp_path) if p.is_error]
    assert [p.key for p in problems] == ["email.imap_hots"]
    assert "email.imap_host" in str(problems[0])
