"""The declaration of one option and of one rule between options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cti.config.types import Optional, ValueType

MAIN_FILE = "cti.yaml"
SECRETS_FILE = "secrets.yaml"
SECRETS_EXAMPLE_FILE = "secrets.example.yaml"
PLACEHOLDER_SECRET = "change-me"
"""The value in secrets.example.yaml; a copied but unedited file counts as unset."""

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class Option:
    """One option. ``secret`` options live in secrets.yaml and their values are never shown.

    A secret whose default is None must be set before `cti serve` will start.
    """

    key: str
    type: ValueType
    default: object
    description: str
    secret: bool = False
    example: tuple[str, ...] = ()
    """YAML lines shown in the example file instead of the default (a mapping's shape)."""

    @property
    def required(self) -> bool:
        """A secret `cti serve` cannot run without."""
        return self.secret and self.default is None and not isinstance(self.type, Optional)

    @property
    def top_level(self) -> bool:
        """A whole top-level mapping (``agents:``) rather than an option in a section."""
        return "." not in self.key

    @property
    def section(self) -> str:
        """The section it is written under; a top-level option is its own section."""
        return self.key.rpartition(".")[0] or self.key

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]

    @property
    def file(self) -> str:
        return SECRETS_FILE if self.secret else MAIN_FILE


@dataclass(frozen=True, slots=True)
class Rule:
    """A condition between options that no single type can check, reported on ``key``."""

    key: str
    others: tuple[str, ...]
    holds: Callable[[Mapping[str, object]], bool]
    message: str
    hint: str | None = None
    describe: Callable[[Mapping[str, object]], str] | None = None
    """The message for the values at hand (naming what breaks the rule), if given."""

    def message_for(self, values: Mapping[str, object]) -> str:
        return self.message if self.describe is None else self.describe(values)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.others)
