"""A throwaway mailbox server: Debian's dovecot (IMAP) on 127.0.0.1 with its own config.

The demo reads its support mailbox from it, and the email channel's tests run against it,
so both share this one implementation. Dovecot runs in the foreground (`dovecot -F`) with
every path under one directory of its own; stopping is ending our own child by its PID.
Run by a normal user, every dovecot process runs as that user. Run as root, dovecot
refuses to run its login and mail processes as root, so they run as the package's own
`dovenull` and `dovecot` users, and the mail directories are handed to them. Users are
Maildir mailboxes, one per `add_user`; `deliver` is what a local delivery agent does.
"""

from __future__ import annotations

import contextlib
import ctypes
import grp
import itertools
import logging
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <sys/prctl.h>
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
START_DEADLINE = 30.0
_SEQUENCE = itertools.count()  # unique Maildir file names within this process


class MailboxError(RuntimeError):
    """Dovecot could not start, or a user or directory cannot be used."""


def free_port() -> int:
    """A port free on 127.0.0.1 right now (dovecot needs a number, not 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dovecot_missing() -> str | None:
    """Why dovecot cannot run here, or None when it can."""
    if not os.access(DOVECOT, os.X_OK):
        return "dovecot is not installed (Debian package dovecot-imapd)"
    if os.getuid() == 0:
        try:
            pwd.getpwnam("dovecot")
            pwd.getpwnam("dovenull")
        except KeyError:
            return "dovecot's own users (dovecot, dovenull) are missing"
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
        group = grp.getgrgid(internal.pw_gid).gr_name
        return cls("dovenull", "dovecot", group, internal.pw_uid, internal.pw_gid)

    def own(self, path: Path) -> None:
        """Hand `path` to the mail user (a no-op when that is us)."""
        if os.getuid() == 0:
            os.chown(path, self.mail_uid, self.mail_gid)


def _check_word(value: str, what: str) -> str:
    """Users and passwords go into a colon-separated passwd-file, one a line."""
    if not value or any(ch in value for ch in ":\n\r\0/") or value.startswith("."):
        raise MailboxError(f"{what} must be non-empty, without ':', '/', line breaks or NUL")
    return value


@dataclass
class ImapServer:
    """A running dovecot: one Maildir mailbox per `add_user`, all under `root`."""

    root: Path
    port: int
    accounts: Accounts
    process: subprocess.Popen[bytes] | None = None
    users: dict[str, str] = field(default_factory=dict)
    host: str = "127.0.0.1"

    def add_user(self, user: str, password: str) -> None:
        """Dovecot re-reads the passwd-file when it changes, so users can come at any time."""
        self.users[_check_word(user, "user")] = _check_word(password, "password")
        lines = [f"{name}:{{PLAIN}}{secret}::::::" for name, secret in self.users.items()]
        path = self.root / "passwd"
        new = path.with_suffix(".new")
        new.write_text("\n".join(lines) + "\n")
        new.chmod(0o600)  # the passwords: only dovecot's auth process reads them
        self.accounts.own(new)
        new.replace(path)

    def has_user(self, user: str) -> bool:
        return user in self.users

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user

    def deliver(self, user: str, raw: bytes) -> Path:
        """Put a message into the user's INBOX as a local delivery agent would: written in
        tmp/, then renamed into new/, so dovecot never sees half a message."""
        maildir = self.maildir(_check_word(user, "user"))
        for path in (maildir, maildir / "new", maildir / "cur", maildir / "tmp"):
            path.mkdir(exist_ok=True)
            self.accounts.own(path)
        name = f"{time.time_ns()}.P{os.getpid()}Q{next(_SEQUENCE)}.cti-demo"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        self.accounts.own(tmp)
        delivered = maildir / "new" / name
        tmp.rename(delivered)
        return delivered

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def reachable_by_mail_user(directory: Path) -> bool:
    """Whether dovecot's own users can reach `directory`: as root, every directory above
    it must let others pass (a 0700 home or temp dir does not)."""
    if os.getuid() != 0:
        return True
    for part in [directory.resolve(), *directory.resolve().parents]:
        if part.exists() and not part.stat().st_mode & stat.S_IXOTH:
            return False
    return True


# Only root may chroot: run by a normal user, the services that chroot by default do not.
_NO_CHROOT = """
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
"""


def _config(root: Path, port: int, who: Accounts) -> str:
    return (
        (_NO_CHROOT if os.getuid() != 0 else "")
        + f"""
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
    )


def _wait_listening(server: ImapServer) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise MailboxError(f"dovecot exited at start:\n{server.log()}")
        with contextlib.suppress(OSError), socket.create_connection((server.host, server.port), 1):
            return
        time.sleep(0.05)
    raise MailboxError(f"dovecot did not listen within {START_DEADLINE}s:\n{server.log()}")


def start_dovecot(root: Path) -> ImapServer:
    """Start dovecot with its config, state and mail under `root` (created if need be).

    The caller stops it with `stop_dovecot`; `running_dovecot` does both."""
    missing = dovecot_missing()
    if missing:
        raise MailboxError(missing)
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o755)
    accounts = Accounts.here()
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(exist_ok=True)
    for sub in ("mail", "home"):
        accounts.own(root / sub)
    server = ImapServer(root=root, port=free_port(), accounts=accounts)
    server.add_user("probe", "probe")
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, server.port, accounts))
    server.process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,  # only prctl in the child: no locks taken
    )
    try:
        _wait_listening(server)
    except BaseException:
        stop_dovecot(server)
        raise
    log.info("dovecot (pid %d) serving IMAP on 127.0.0.1:%d", server.process.pid, server.port)
    return server


def _die_with_parent() -> None:
    """In the child before exec: dovecot gets SIGTERM when the process (strictly, the
    thread) that started it dies, so a demo killed outright leaves no mail server
    behind. Linux only; elsewhere nothing is set and `stop_dovecot` does the work."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_dovecot(server: ImapServer) -> None:
    """Dovecot's master stops its children on SIGTERM; SIGKILL only if it hangs."""
    process = server.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


@contextlib.contextmanager
def running_dovecot(root: Path | None = None) -> Iterator[ImapServer]:
    """Dovecot for the length of the block. Without `root`, a fresh temp dir, removed
    afterwards: not pytest's tmp_path, which as root sits in a 0700 dir the mail user
    cannot enter."""
    scratch = root is None
    where = Path(tempfile.mkdtemp(prefix="cti-dovecot-")) if root is None else root
    try:
        server = start_dovecot(where)
        try:
            yield server
        finally:
            stop_dovecot(server)
    finally:
        if scratch:
            shutil.rmtree(where, ignore_errors=True)
