"""The demo's config: the service level's seconds follow its speed, as the calls do; the
channels of the universal queue point at the demo's own mailbox, chat page and form."""

from __future__ import annotations

import asyncio
import errno
import socket
from pathlib import Path

import pytest

from cti.demo import mailbox
from cti.demo.channels import SUPPORT_ADDRESS, DemoChannels, demo_channels
from cti.demo.mailbox import Accounts, ImapServer
from cti.demo.maildrop import MailDrop
from cti.demo.session import write_demo_config

TOKENS = {"1001": "demo-token-0123456789abcdef"}


@pytest.mark.parametrize(("speed", "target", "short"), [(1.0, 20, 5), (4.0, 5, 1), (20.0, 1, 0)])
def test_the_service_level_seconds_shrink_with_the_demo_speed(
    tmp_path: Path, speed: float, target: int, short: int
) -> None:
    config = write_demo_config(tmp_path / "demo", 5038, "demo-secret", TOKENS, speed=speed)
    assert (config.queues.service_level_seconds, config.queues.short_abandon_seconds) == (
        target,
        short,
    )


def _channels(tmp_path: Path, email: bool) -> DemoChannels:
    channels = DemoChannels(tmp_path, broker_port=47001)
    if email:  # the servers' ports only: nothing here listens
        channels.mailbox = ImapServer(tmp_path / "mailbox", 47002, Accounts.here())
        channels.drop = MailDrop(channels.mailbox, port=47003)
    return channels


def test_the_demo_config_turns_on_chat_its_demo_page_and_the_signed_contact_form(
    tmp_path: Path,
) -> None:
    channels = _channels(tmp_path, email=False)
    config = write_demo_config(tmp_path / "demo", 5038, "s", TOKENS, channels=channels)
    assert config.notes == ()
    assert (config.broker.host, config.broker.port) == ("127.0.0.1", 47001)
    assert config.chat.enabled and config.chat.demo_page
    assert config.chat.allowed_origins == ("http://127.0.0.1:47001",)  # only its own page
    assert config.webforms.forms is not None and config.webforms.forms["contact"].email_field
    assert config.secrets.webforms_secrets == {"contact": channels.form_secret}
    assert config.interactions.agent_names == {"agent1001": "Sam Rivera"}
    assert not config.email.enabled  # no mailbox: email off, and no password for it
    assert config.secrets.email_imap_password is None


def test_with_the_local_mailbox_email_reads_it_in_clear_on_loopback_and_replies_via_the_drop(
    tmp_path: Path,
) -> None:
    channels = _channels(tmp_path, email=True)
    config = write_demo_config(tmp_path / "demo", 5038, "s", TOKENS, channels=channels)
    email = config.email
    assert config.notes == ()
    assert email.enabled and (email.imap_host, email.imap_port) == ("127.0.0.1", 47002)
    assert (email.imap_tls, email.smtp_tls, email.smtp_port) == ("none", "none", 47003)
    assert email.imap_user == email.from_address == SUPPORT_ADDRESS
    assert config.secrets.email_imap_password == channels.support_password
    assert channels.support_password not in (tmp_path / "demo" / "cti.yaml").read_text()


def test_email_is_off_with_one_reason_when_dovecot_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(mailbox, "DOVECOT", str(tmp_path / "no-dovecot"))

    async def open_channels() -> DemoChannels:
        async with demo_channels(tmp_path) as channels:
            return channels

    channels = asyncio.run(open_channels())
    assert channels.mailbox is None and channels.email_off is not None
    assert "dovecot is not installed" in channels.email_off
    assert "setup-env.sh demo" in channels.email_off
    off = [r for r in caplog.records if "email off" in r.getMessage()]
    assert len(off) == 1 and off[0].levelname == "WARNING"


def test_the_broker_port_stays_taken_until_released_so_no_other_listener_gets_it(
    tmp_path: Path,
) -> None:
    """The mail drop binds port 0 after the port is picked: the kernel must not hand it
    the broker's port (seen once: `cti demo` could not start, address already in use)."""

    def bind(port: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))

    async def scenario() -> None:
        async with demo_channels(tmp_path, email=False) as channels:
            with pytest.raises(OSError) as taken:
                bind(channels.broker_port)
            assert taken.value.errno == errno.EADDRINUSE
            channels.release_port()
            bind(channels.broker_port)  # free for the broker now

    asyncio.run(scenario())
