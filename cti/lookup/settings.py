"""Lookup settings as one frozen value, so the config layer can build it later."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_PATH = Path("data") / "contacts.db"
MODES = ("parallel", "priority")


class SecretStr:
    """A string that never shows itself in repr/str, so it cannot leak into a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class LookupSettings:
    """How numbers are normalised and how long a lookup may take."""

    default_region: str = "US"
    match_last_digits: int = 9
    budget_seconds: float = 0.3
    cache_ttl: float = 60.0
    cache_size: int = 10_000
    http_timeout: float = 0.25
    mode: str = "parallel"
    history_limit: int = 5

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.match_last_digits < 4:
            raise ValueError("match_last_digits below 4 would match unrelated callers")
