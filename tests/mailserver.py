"""Real mail servers for the email channel's tests: Debian's dovecot (IMAP) with a throwaway
config in a temp dir, and aiosmtpd (SMTP) collecting what it receives.

Both listen on 127.0.0.1 only. Dovecot runs in the foreground (`dovecot -F`) with every path
under a temp dir of its own, and stopping is killing our own child by PID. Run by a normal
user, every dovecot process runs as that user. Run as root (CI), dovecot refuses to run its
login and mail processes as root, so they run as the package's own `dovenull` and `dovecot`
users and the temp dir is handed to them.
"""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
START_DEADLINE = 30.0


def free_port() -> int:
    """A port free on 127.0.0.1 right now (dovecot needs a number, not 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dovecot_missing() -> str | None:
    """Why dovecot cannot run here, or None when it can."""
    if not os.access(DOVECOT, os.X_OK):
        return "dovecot is not installed (scripts/setup-env.sh dev installs dovecot-imapd)"
    return None


@dataclass(frozen=True)
class Accounts:
    """Who dovecot's processes run as: login (pre-auth), internal, and mail access."""

    login: str
    internal: str
    group: str
    mail_uid: int
    mail_gid: int

    @classmethod
    def here(cls) -> Accounts:
        if os.getuid() != 0:
            me = pwd.getpwuid(os.getuid()).pw_name
            group = grp.getgrgid(os.getgid()).gr_name
            return cls(me, me, group, os.getuid(), os.getgid())
        internal = pwd.getpwnam("dovecot")
        return cls(
            "dovenull",
            "dovecot",
            grp.getgrgid(internal.pw_gid).gr_name,
            internal.pw_uid,
            internal.pw_gid,
        )

    def own(self, path: Path) -> None:
        """Hand `path` to the mail user (a no-op when that is us)."""
        if os.getuid() == 0:
            os.chown(path, self.mail_uid, self.mail_gid)


@dataclass
class ImapServer:
    """A running dovecot: one mailbox user per `add_user`, Maildir under `root`."""

    root: Path
    port: int
    accounts: Accounts
    process: subprocess.Popen[bytes] | None = None
    users: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    def add_user(self, user: str, password: str) -> None:
        """Dovecot re-reads the passwd-file when it changes, so users can come at any time."""
        self.users[user] = password
        lines = [f"{name}:{{PLAIN}}{secret}::::::" for name, secret in self.users.items()]
        (self.root / "passwd").write_text("\n".join(lines) + "\n")

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user

    def deliver(self, user: str, raw: bytes) -> None:
        """Put a message into INBOX the way a local delivery agent would (Maildir new/)."""
        maildir = self.maildir(user)
        for path in (maildir, maildir / "new", maildir / "cur", maildir / "tmp"):
            path.mkdir(exist_ok=True)
            self.accounts.own(path)
        name = f"{time.time_ns()}.{os.getpid()}_{len(os.listdir(maildir / 'new'))}.test"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        self.accounts.own(tmp)
        tmp.rename(maildir / "new" / name)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _config(root: Path, port: int, who: Accounts) -> str:
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {who.internal}
default_internal_group = {who.group}
default_login_user = {who.login}
first_valid_uid = {who.mail_uid}
last_valid_uid = {who.mail_uid}
first_valid_gid = {who.mail_gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={who.mail_uid} gid={who.mail_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {who.internal}
  }}
  unix_listener stats-writer {{
    user = {who.internal}
  }}
}}
"""


def _wait_listening(server: ImapServer) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(f"dovecot exited at start:\n{server.log()}")
        with contextlib.suppress(OSError), socket.create_connection((server.host, server.port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not listen within {START_DEADLINE}s:\n{server.log()}")


@contextlib.contextmanager
def running_dovecot() -> Iterator[ImapServer]:
    """Start dovecot in a fresh temp dir and stop it, by its PID, afterwards.

    Not pytest's tmp_path: under root that sits in a 0700 dir the mail user cannot enter."""
    root = Path(tempfile.mkdtemp(prefix="cti-dovecot-"))
    root.chmod(0o755)
    accounts = Accounts.here()
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    for sub in ("mail", "home"):
        accounts.own(root / sub)
    server = ImapServer(root=root, port=free_port(), accounts=accounts)
    server.add_user("probe", "probe")
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, server.port, accounts))
    server.process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_listening(server)
        yield server
    finally:
        _stop(server.process)
        shutil.rmtree(root, ignore_errors=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Dovecot's master stops its children on SIGTERM; SIGKILL only if it hangs."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
    if process.stderr is not None:
        process.stderr.close()


class _Collector:
    """aiosmtpd handler: keeps every message received, parsed, and wakes waiters."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, email.message.EmailMessage]] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        with self.changed:
            self.messages.append((envelope, parsed))
            self.changed.notify_all()
        return "250 OK"


@dataclass
class SmtpReceiver:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""

    host: str
    port: int
    collector: _Collector

    @property
    def messages(self) -> list[tuple[Envelope, email.message.EmailMessage]]:
        with self.collector.changed:
            return list(self.collector.messages)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[email.message.EmailMessage]:
        """Block (in a thread, or from sync code) until `count` messages arrived."""
        with self.collector.changed:
            arrived = self.collector.changed.wait_for(
                lambda: len(self.collector.messages) >= count, timeout
            )
            assert arrived, f"{len(self.collector.messages)} of {count} messages in {timeout}s"
            return [message for _, message in self.collector.messages]


@contextlib.contextmanager
def running_smtp() -> Iterator[SmtpReceiver]:
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SmtpReceiver(host="127.0.0.1", port=controller.port, collector=collector)
    finally:
        controller.stop()
