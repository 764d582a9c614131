"""How one AMI connection attempt ended, in words an admin can act on.

The client logs one line per failed attempt or lost link, with the time of the next try
added; this module holds those words, so the client stays about the connection.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

REFUSED_LOGIN = (
    "AMI login to %s:%d as %r refused (%s): check ami.secret in secrets.yaml and the "
    "user [%s] in Asterisk's manager.conf"
)


@dataclass(frozen=True, slots=True)
class SessionEnd:
    """How one attempt ended: `healthy` (logged in and resynced) resets the backoff;
    `message` and `args` are the log line, to which the time of the next try is added."""

    healthy: bool
    message: str
    args: tuple[Any, ...]


def unreachable_reason(exc: OSError, connect_timeout: float) -> str:
    """``Connection refused`` rather than ``[Errno 111] Connect call failed (...)``."""
    if isinstance(exc, TimeoutError) and not exc.errno:
        return f"no answer within {connect_timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return exc.strerror or str(exc)
    if exc.errno:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__
