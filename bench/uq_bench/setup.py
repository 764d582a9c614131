"""The CTI server side of the universal queue benchmark: who the agents are and the
config that turns on every channel (chat behind a trusted proxy, a signed web form, the
mailbox on the benchmark's own dovecot with IDLE)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pop_bench.pbx import AMI_SECRET

FORM = "bench"
FORM_SECRET = "bench-form-secret-0123456789abcdef0123"
MAIL_USER = "support"
MAIL_PASSWORD = "support-Pa55word"
DISPOSITION = "resolved"
PROXY = "127.0.0.1/32"  # the visitors' X-Forwarded-For is believed, one address each


@dataclass(frozen=True)
class Mailbox:
    """Where the fetcher reads: the benchmark's dovecot on 127.0.0.1."""

    host: str
    port: int
    user: str = MAIL_USER
    password: str = MAIL_PASSWORD


def agent_credentials(agents: int) -> list[tuple[str, str]]:
    """(token, extension) per agent; the extensions are the PBX's direct-call targets."""
    return [(f"bench-uq-{i:05d}-abcdefgh", str(1000 + i)) for i in range(agents)]


def write_config(
    directory: Path,
    ami_port: int,
    db: Path,
    creds: list[tuple[str, str]],
    mailbox: Mailbox,
    state: Path,
    mail_poll: float | None = None,
) -> None:
    """cti.yaml and secrets.yaml of one server start; ``state`` is the mail fetch state:
    a fresh directory is a first start, which imports the whole mailbox."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "cti.yaml").write_text(
        f"ami:\n  port: {ami_port}\n  reconnect_min: 0.05\n  reconnect_max: 0.2\n"
        f"lookup:\n  database: {db}\nagi:\n  enabled: false\n"
        f"records:\n  path: {directory / 'records.db'}\n"
        f"desktop:\n  dispositions: [{DISPOSITION}]\n"
        f"chat:\n  enabled: true\n  allowed_origins: ['*']\n  trusted_proxies: ['{PROXY}']\n"
        f"webforms:\n  forms:\n    {FORM}: {{name_field: name, email_field: email, "
        "text_field: message, subject_field: subject}\n"
        f"email:\n  enabled: true\n  imap_host: {mailbox.host}\n  imap_port: {mailbox.port}\n"
        f"  imap_user: {mailbox.user}\n  from_address: {mailbox.user}@example.com\n"
        f"  imap_tls: none\n  state_directory: {state}\n"
        # IDLE, or (--mail-poll) no IDLE and a look every mail_poll seconds
        + (
            "  idle: true\n"
            if mail_poll is None
            else f"  idle: false\n  poll_seconds: {mail_poll}\n"
        ),
        encoding="utf-8",
    )
    lines = "".join(
        f"    a{i:05d}: {{token: {tok}, extension: '{ext}'}}\n"
        for i, (tok, ext) in enumerate(creds)
    )
    secrets = directory / "secrets.yaml"
    secrets.write_text(
        f"ami:\n  secret: {AMI_SECRET}\nbroker:\n  agents:\n{lines}"
        f"webforms:\n  secrets:\n    {FORM}: {FORM_SECRET}\n"
        f"email:\n  imap_password: {mailbox.password}\n"
    )
    secrets.chmod(0o600)
