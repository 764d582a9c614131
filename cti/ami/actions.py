"""Outgoing actions and their bookkeeping, without I/O: encoding, ActionIDs, pending replies.

Kept apart from the transport so the rules (no header injection, one future per
ActionID, list actions collecting their item events) can be read and tested alone.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cti.ami.messages import Event, Response

ActionFields = Mapping[str, str | Sequence[str]]
_RESERVED = frozenset({"action", "actionid"})


class AmiError(Exception):
    """Base of every error the AMI client raises."""


class AmiTimeout(AmiError, TimeoutError):
    """No response (or no list completion) arrived in time."""


class AmiDisconnected(AmiError, ConnectionError):
    """The connection is down, or went down while the action was pending."""


def encode_action(name: str, action_id: str, fields: ActionFields | None = None) -> bytes:
    """Serialise one action; a Sequence value becomes repeated ``Key: value`` lines.

    CR or LF in a name, key or value would let a caller inject headers or whole
    actions (think of a caller-ID from the outside world), so they are refused.
    """
    _check("action name", name)
    lines = [f"Action: {name}\r\nActionID: {action_id}\r\n"]
    for key, value in (fields or {}).items():
        _check("header name", key)
        if ":" in key or not key:
            raise ValueError(f"invalid AMI header name {key!r}")
        if key.lower() in _RESERVED:
            raise ValueError(f"{key} is set by the client, not by the caller")
        for item in (value,) if isinstance(value, str) else value:
            _check(f"value of {key}", item)
            lines.append(f"{key}: {item}\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("utf-8")


def _check(what: str, text: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"AMI {what} must be str, not {type(text).__name__}")
    if "\r" in text or "\n" in text:  # the text itself stays out: it may be a secret
        raise ValueError(f"AMI {what} must not contain CR or LF")


class ActionIds:
    """Unique per process and per client: ``cti-<pid>-<random>-<n>``."""

    def __init__(self) -> None:
        self.prefix = f"cti-{os.getpid()}-{secrets.token_hex(3)}-"
        self._counter = itertools.count(1)

    def next(self) -> str:
        return f"{self.prefix}{next(self._counter)}"


@dataclass
class PendingAction:
    """One action waiting for its response and, for list actions, its item events."""

    name: str
    is_list: bool
    future: asyncio.Future[tuple[Response, list[Event]]]
    response: Response | None = None
    items: list[Event] = field(default_factory=list)


class PendingActions:
    """Futures keyed by ActionID; fed by the read loop, awaited by the senders."""

    def __init__(self) -> None:
        self._by_id: dict[str, PendingAction] = {}
        #: Pending list actions by ActionID; the read loop peeks at it (never rebound).
        self.lists: dict[str, PendingAction] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, action_id: str, name: str, *, is_list: bool) -> PendingAction:
        future = asyncio.get_running_loop().create_future()
        pending = PendingAction(name, is_list, future)
        self._by_id[action_id] = pending
        if is_list:
            self.lists[action_id] = pending
        return pending

    def discard(self, action_id: str) -> None:
        self._by_id.pop(action_id, None)
        self.lists.pop(action_id, None)

    def on_response(self, response: Response) -> bool:
        """Resolve a plain action, or start a list; False if nobody waits for it."""
        action_id = response.headers.get("ActionID", "")
        pending = self._by_id.get(action_id)
        if pending is None:
            return False
        if pending.is_list and response.ok:
            pending.response = response
            return True
        self._finish(action_id, pending, response)
        return True

    def claims(self, event: Event) -> bool:
        """Take an item (or the completion) of a pending list action, if it is one."""
        if not self.lists:
            return False
        action_id = event.headers.get("ActionID")
        pending = self.lists.get(action_id) if action_id else None
        if pending is None:
            return False
        if event.headers.get("EventList", "").lower() == "complete":
            self._finish(action_id or "", pending, pending.response or Response())
        else:
            pending.items.append(event)
        return True

    def fail_all(self, error: AmiError) -> None:
        """Connection lost: every waiter gets `error` instead of hanging forever."""
        pending = list(self._by_id.values())
        self._by_id.clear()
        self.lists.clear()
        for action in pending:
            if not action.future.done():
                action.future.set_exception(error)

    def _finish(self, action_id: str, pending: PendingAction, response: Response) -> None:
        self.discard(action_id)
        if not pending.future.done():
            pending.future.set_result((response, pending.items if response.ok else []))
