"""Which agent extension a channel belongs to, from its channel name.

Admins describe their naming with regular expressions that capture the extension in a
group named ``ext``. The defaults cover the common forms: ``PJSIP/1001-00000012``,
``SIP/1001-0000a1b2``, ``IAX2/1001-1234`` and the ``;1`` half of
``Local/1001@agents-0000001c;1`` (the half a Dial or Queue rings; the ``;2`` half is
the phone's own dialplan side and never counts as the agent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_CHANNEL_PATTERNS: tuple[str, ...] = (
    r"^(?:PJSIP|SIP|IAX2|DAHDI)/(?P<ext>\d{2,8})-[0-9a-fA-F]+$",
    r"^Local/(?P<ext>\d{2,8})@[^;]+-[0-9a-fA-F]{8};1$",
)


class InvalidPattern(ValueError):
    """A channel pattern that does not compile or lacks the ``ext`` group."""


@dataclass(frozen=True, slots=True)
class ExtensionRules:
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def from_strings(cls, patterns: Iterable[str] = DEFAULT_CHANNEL_PATTERNS) -> ExtensionRules:
        compiled = []
        for text in patterns:
            try:
                pattern = re.compile(text)
            except re.error as exc:
                raise InvalidPattern(f"{text!r}: {exc}") from exc
            if "ext" not in pattern.groupindex:
                raise InvalidPattern(f"{text!r}: needs a named group (?P<ext>...)")
            compiled.append(pattern)
        return cls(tuple(compiled))

    def extension_of(self, channel: str) -> str | None:
        """The agent extension behind `channel`, or None for trunks and other legs."""
        for pattern in self.patterns:
            match = pattern.match(channel)
            if match:
                return match.group("ext")
        return None
