"""Fixtures: a real dovecot IMAP server and a real SMTP receiver, both on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mailserver import (
    ImapServer,
    SmtpReceiver,
    dovecot_missing,
    running_dovecot,
    running_smtp,
)


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    missing = dovecot_missing()
    if missing:
        pytest.skip(missing)
    with running_dovecot() as server:
        yield server


@pytest.fixture
def smtp_receiver() -> Iterator[SmtpReceiver]:
    with running_smtp() as receiver:
        yield receiver
