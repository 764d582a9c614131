"""Value types of config options: each checks one YAML value and returns it typed.

Types never coerce silently: ``port: "5038"`` is an error, not 5038. The one exception is
an integer where a float is wanted (``timeout: 5``), because YAML admins write it that way.

A type reports problems as `Issue`s. The offending value goes in ``got`` and anything
derived from it (a "did you mean") in ``suggestion``; the loader shows those two only for
options that are not secret. So a type that secrets use (`Str`) must keep the value out
of ``message`` and ``hint``.
"""

from __future__ import annotations

import difflib
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import phonenumbers

UNSET: object = object()
"""``Issue.got`` when there is no value worth showing."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong with a value; ``index`` points into a list value, ``key`` at an
    entry of a mapping value (so the problem names that entry's line)."""

    message: str
    hint: str | None = None
    got: object = UNSET
    suggestion: str | None = None
    index: int | None = None
    key: str | None = None


class InvalidValue(ValueError):
    """Raised by `ValueType.parse`; carries every issue found, not only the first."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("; ".join(issue.message for issue in issues))
        self.issues: tuple[Issue, ...] = tuple(issues)

    @classmethod
    def single(
        cls,
        message: str,
        hint: str | None = None,
        got: object = UNSET,
        suggestion: str | None = None,
    ) -> InvalidValue:
        return cls([Issue(message, hint, got, suggestion)])


def kind_of(value: object) -> str:
    """How a YAML value reads to an admin: 'an integer', 'text', 'a list'..."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _wrong_type(expected: str, value: object, hint: str | None = None) -> InvalidValue:
    return InvalidValue.single(f"expected {expected}", hint, value)


class ValueType(ABC):
    """Checks a value constructed from YAML and returns its typed form."""

    @property
    @abstractmethod
    def label(self) -> str:
        """Short human description, used in docs and generated comments."""

    @abstractmethod
    def parse(self, value: object) -> object:
        """The typed value; raises `InvalidValue` listing everything wrong with it."""


@dataclass(frozen=True, slots=True)
class Str(ValueType):
    @property
    def label(self) -> str:
        return "text"

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            scalar = isinstance(value, int | float)
            raise _wrong_type("text", value, "put it in quotes" if scalar else None)
        if not value.strip():
            raise InvalidValue.single("must not be empty")
        return value


@dataclass(frozen=True, slots=True)
class Int(ValueType):
    minimum: int | None = None
    maximum: int | None = None

    @property
    def label(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"integer, {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"integer, at least {self.minimum}"
        return "integer"

    def parse(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            hint = "write it without quotes" if isinstance(value, str) else None
            raise _wrong_type("an integer", value, hint)
        too_small = self.minimum is not None and value < self.minimum
        too_big = self.maximum is not None and value > self.maximum
        if too_small or too_big:
            raise InvalidValue.single(f"must be an {self.label}", got=value)
        return value


@dataclass(frozen=True, slots=True)
class Float(ValueType):
    """A number strictly above ``above``; an integer is accepted as a float."""

    above: float | None = None

    @property
    def label(self) -> str:
        return "number" if self.above is None else f"number greater than {self.above:g}"

    def parse(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = "write it without quotes" if isinstance(value, str) else None
            raise _wrong_type("a number", value, hint)
        number = float(value)
        if not math.isfinite(number):
            raise InvalidValue.single("must be a finite number", got=value)
        if self.above is not None and number <= self.above:
            raise InvalidValue.single(f"must be greater than {self.above:g}", got=value)
        return number


@dataclass(frozen=True, slots=True)
class Bool(ValueType):
    @property
    def label(self) -> str:
        return "true or false"

    def parse(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise _wrong_type("true or false", value)
        return value


@dataclass(frozen=True, slots=True)
class Choice(ValueType):
    choices: tuple[str, ...]

    @property
    def label(self) -> str:
        return "one of " + ", ".join(self.choices)

    def parse(self, value: object) -> str:
        allowed = "allowed: " + ", ".join(self.choices)
        if not isinstance(value, str):
            raise _wrong_type("text", value, allowed)
        if value in self.choices:
            return value
        same_case = [c for c in self.choices if c.lower() == value.lower()]
        close = same_case or difflib.get_close_matches(value, self.choices, n=1)
        suggestion = f"did you mean {close[0]!r}?" if close else None
        raise InvalidValue.single("is not an allowed value", allowed, value, suggestion)


@dataclass(frozen=True, slots=True)
class Region(ValueType):
    """A region code that `phonenumbers` can parse national numbers for."""

    @property
    def label(self) -> str:
        return "region code (ISO 3166-1 alpha-2, e.g. US, GB, DE)"

    def parse(self, value: object) -> str:
        if not isinstance(value, str):
            hint = "put it in quotes; YAML reads a bare NO as false" if value is False else None
            raise _wrong_type("a region code such as 'US'", value, hint)
        if value in phonenumbers.SUPPORTED_REGIONS:
            return value
        raise InvalidValue.single(
            "is not a region known to phonenumbers", None, value, _region_suggestion(value)
        )


def _region_suggestion(value: str) -> str | None:
    upper = value.strip().upper()
    if upper == "UK":
        return "the United Kingdom is 'GB'"
    if upper in phonenumbers.SUPPORTED_REGIONS:
        return f"did you mean {upper!r}?"
    close = difflib.get_close_matches(upper, sorted(phonenumbers.SUPPORTED_REGIONS), n=1)
    return f"did you mean {close[0]!r}?" if close else None


@dataclass(frozen=True, slots=True)
class StrList(ValueType):
    """A list of non-empty strings, returned as a tuple; every bad item is reported."""

    min_items: int = 0

    @property
    def label(self) -> str:
        return "list of text"

    def parse(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise _wrong_type("a list", value, "write one '- item' per line")
        if len(value) < self.min_items:
            raise InvalidValue.single(f"needs at least {self.min_items} item(s)")
        issues: list[Issue] = []
        for index, item in enumerate(value):
            issues.extend(self._item_issues(index, item))
        if issues:
            raise InvalidValue(issues)
        return tuple(value)

    def _item_issues(self, index: int, item: object) -> list[Issue]:
        try:
            self.check_item(Str().parse(item))
        except InvalidValue as exc:
            return [Issue(i.message, i.hint, i.got, i.suggestion, index) for i in exc.issues]
        return []

    def check_item(self, item: str) -> None:
        """Extra per-item check for subclasses; raises `InvalidValue`."""


def compile_regex(text: str) -> None:
    re.compile(text)


@dataclass(frozen=True, slots=True)
class RegexList(StrList):
    """A list of regular expressions, each checked by ``check`` (compiling by default).

    ``check`` raises ValueError (``re.error`` is one) with a message naming the problem.
    """

    check: Callable[[str], None] = compile_regex

    @property
    def label(self) -> str:
        return "list of regular expressions"

    def check_item(self, item: str) -> None:
        try:
            self.check(item)
        except ValueError as exc:
            detail = str(exc).removeprefix(f"{item!r}: ")
            raise InvalidValue.single(f"is not a valid pattern: {detail}") from exc


@dataclass(frozen=True, slots=True)
class Optional(ValueType):
    """``inner`` or null, for options that are off unless set."""

    inner: ValueType

    @property
    def label(self) -> str:
        return f"{self.inner.label}, or null for none"

    def parse(self, value: object) -> object:
        return None if value is None else self.inner.parse(value)


@dataclass(frozen=True, slots=True)
class Template(Str):
    """Text that must contain each of ``fields`` (such as ``{extension}``) to be useful."""

    fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "text containing " + ", ".join(self.fields)

    def parse(self, value: object) -> str:
        text = Str.parse(self, value)
        missing = [name for name in self.fields if name not in text]
        if missing:
            raise InvalidValue.single("must contain " + ", ".join(missing), got=value)
        return text
