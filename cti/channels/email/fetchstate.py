"""Where the fetcher got to in a mailbox: UIDVALIDITY and the last UID handed over.

IMAP UIDs only grow while UIDVALIDITY stays the same (RFC 9051 §2.3.1.1), so these two
numbers are enough for a restart to fetch nothing twice and miss nothing. Written atomically
(temp file + rename) after each mail, so a crash loses at most the mail being handed over.
A state file that cannot be read stops the fetcher with a clear error: silently starting
over would hand every old mail to the queue again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


class FetchStateError(ValueError):
    """The state file exists but is not a state this fetcher wrote."""


@dataclass(frozen=True, slots=True)
class FetchState:
    uidvalidity: int | None = None
    last_uid: int = 0

    def for_mailbox(self, uidvalidity: int) -> FetchState:
        """A new UIDVALIDITY means a different mailbox: its UIDs start over."""
        if self.uidvalidity == uidvalidity:
            return self
        return FetchState(uidvalidity=uidvalidity, last_uid=0)


def load_state(path: Path) -> FetchState:
    if not path.exists():
        return FetchState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        uidvalidity, last_uid = data["uidvalidity"], data["last_uid"]
    except (OSError, UnicodeError, ValueError, TypeError, KeyError) as exc:
        raise FetchStateError(f"{path}: not a mail fetch state ({exc})") from exc
    if not (uidvalidity is None or _count(uidvalidity)) or not _count(last_uid):
        raise FetchStateError(f"{path}: uidvalidity/last_uid must be whole numbers >= 0")
    return FetchState(uidvalidity=uidvalidity, last_uid=last_uid)


def save_state(path: Path, state: FetchState) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"uidvalidity": state.uidvalidity, "last_uid": state.last_uid}))
    os.replace(tmp, path)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
