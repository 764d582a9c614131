"""Which thread a mail belongs to, from Message-ID, In-Reply-To and References (RFC 5322).

The thread key is the root Message-ID. A reply names its ancestors; the first one already
known as part of a thread wins (clients that trim References still land in the right
thread), else the oldest ancestor named, else the mail starts a thread of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_MSGID = re.compile(r"<[^<>\s]+>")

KnownThread = Callable[[str], str | None]


def message_ids(header: str | None) -> list[str]:
    """The `<id>` tokens of a header, in order, each once (garbage between them ignored)."""
    seen: dict[str, None] = {}
    for found in _MSGID.findall(header or ""):
        seen.setdefault(found, None)
    return list(seen)


def ancestors(in_reply_to: str | None, references: str | None) -> list[str]:
    """Nearest first: In-Reply-To, then References from the newest back to the root."""
    nearest = message_ids(in_reply_to)
    older = list(reversed(message_ids(references)))
    return list(dict.fromkeys(nearest + older))


def thread_key(
    message_id: str,
    in_reply_to: str | None,
    references: str | None,
    known: KnownThread = lambda _id: None,
) -> str:
    """The thread root for a mail; `known` maps a Message-ID seen before to its thread."""
    chain = ancestors(in_reply_to, references)
    for ancestor in chain:
        thread = known(ancestor)
        if thread is not None:
            return thread
    roots = message_ids(references)
    if roots:
        return roots[0]
    return chain[-1] if chain else message_id
