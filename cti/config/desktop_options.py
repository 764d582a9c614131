"""Options of the `desktop` section: what the broker tells every agent desktop."""

from __future__ import annotations

import string
from dataclasses import dataclass
from urllib.parse import urlsplit

from cti.config.option import Option
from cti.config.types import InvalidValue, Optional, Str, StrList

CRM_URL_FIELDS = ("contact_id", "crm_id", "number")
DEFAULT_DISPOSITIONS = ("resolved", "callback", "voicemail", "wrong-number", "escalated")


@dataclass(frozen=True, slots=True)
class UrlTemplate(Str):
    """An http(s) URL whose `{placeholders}` are all among ``fields``."""

    fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        names = ", ".join(f"{{{name}}}" for name in self.fields)
        return f"http or https URL; may contain {names}"

    def parse(self, value: object) -> str:
        text = Str.parse(self, value)
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise InvalidValue.single(f"has an unbalanced brace: {exc}", got=value) from None
        unknown = [name for name in names if name not in self.fields]
        if unknown:
            allowed = "allowed: " + ", ".join(f"{{{name}}}" for name in self.fields)
            raise InvalidValue.single(
                f"has an unknown placeholder {{{unknown[0]}}}", allowed, value
            )
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidValue.single("must be an http:// or https:// URL", got=value)
        return text


@dataclass(frozen=True, slots=True)
class ShortTextList(StrList):
    """A list of short names, such as the outcomes an agent picks from."""

    max_length: int = 40

    @property
    def label(self) -> str:
        return f"list of text, each at most {self.max_length} characters"

    def check_item(self, item: str) -> None:
        if len(item) > self.max_length:
            raise InvalidValue.single(f"is longer than {self.max_length} characters")


DESKTOP_OPTIONS: tuple[Option, ...] = (
    Option(
        "desktop.crm_url",
        Optional(UrlTemplate(fields=CRM_URL_FIELDS)),
        None,
        "Link the desktop offers to open a popped contact in the CRM; `{contact_id}`, "
        "`{crm_id}` and `{number}` are replaced by the contact's values. Null: no link.",
    ),
    Option(
        "desktop.dispositions",
        ShortTextList(min_items=1),
        DEFAULT_DISPOSITIONS,
        "Outcomes an agent picks from when noting a call; a note with another one is refused.",
    ),
)
