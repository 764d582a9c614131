"""Typed AMI messages: what the sans-I/O parser hands to everything above it.

Nothing untyped travels past `cti.ami`. A frame becomes exactly one of `Banner`,
`Response` or `Event`. Header values are strings; keys Asterisk may repeat
(`ChanVariable`, `Output`, `Variable`, ...) always land in `lists` as tuples, even
when the frame carried them once, so a consumer never meets "str if one, list if two".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Keys that are lists by definition, whether they occur once or many times.
MULTI_VALUE_KEYS = frozenset({"ChanVariable", "Output", "Variable", "DestChanVariable"})

_EMPTY: Mapping[str, str] = MappingProxyType({})
_EMPTY_LISTS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


def _no_headers() -> Mapping[str, str]:
    # A mappingproxy default is unhashable, which dataclasses reject as "mutable".
    return _EMPTY


def _no_lists() -> Mapping[str, tuple[str, ...]]:
    return _EMPTY_LISTS


@dataclass(frozen=True, slots=True)
class Banner:
    """The greeting line, e.g. ``Asterisk Call Manager/11.0.0``."""

    text: str

    @property
    def version(self) -> str:
        return self.text.rpartition("/")[2]


@dataclass(frozen=True, slots=True)
class Message:
    """Common shape of a response or event frame."""

    headers: Mapping[str, str] = field(default_factory=_no_headers)
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=_no_lists)

    def get(self, key: str, default: str = "") -> str:
        return self.headers.get(key, default)

    def __getitem__(self, key: str) -> str:
        return self.headers[key]

    def __contains__(self, key: object) -> bool:
        return key in self.headers or key in self.lists

    def values(self, key: str) -> tuple[str, ...]:
        """All values of a repeated key (empty tuple when absent)."""
        return self.lists.get(key, ())

    def variables(self, key: str = "ChanVariable") -> dict[str, str]:
        """``NAME=value`` list entries (ChanVariable, Variable) as a dict."""
        out: dict[str, str] = {}
        for item in self.values(key):
            name, _, value = item.partition("=")
            out[name] = value
        return out

    @property
    def action_id(self) -> str:
        return self.headers.get("ActionID", "")


@dataclass(frozen=True, slots=True)
class Event(Message):
    """An ``Event: Name`` frame."""

    name: str = ""


@dataclass(frozen=True, slots=True)
class Response(Message):
    """A ``Response: Success|Error|Goodbye|Follows|...`` frame.

    For the legacy ``Response: Follows`` form the free text body is in `output`, one
    string per line; for the modern form `output` mirrors the ``Output:`` headers.
    """

    status: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("Success", "Follows", "Goodbye")

    @property
    def message(self) -> str:
        return self.headers.get("Message", "")

    @property
    def output(self) -> tuple[str, ...]:
        return self.lists.get("Output", ())

    @property
    def event_list(self) -> str:
        """``start`` when the response opens a multi-event list, else ``""``."""
        return self.headers.get("EventList", "").lower()


AmiMessage = Banner | Event | Response
