"""Config problems, collected rather than raised one at a time.

An admin fixing a file wants every mistake in one run, each with the file, the line, the
key and a hint, so the loader gathers `ConfigProblem`s and raises one `ConfigError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One problem; ``key`` is empty for file-level ones (syntax, unreadable file).

    Messages and hints never contain a secret's value: the loader builds them so.
    """

    file: str
    key: str
    message: str
    hint: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        location = self.file
        if self.line is not None:
            location += f":{self.line}"
            if self.column is not None:
                location += f":{self.column}"
        parts = [location]
        if self.key:
            parts.append(self.key)
        message = self.message if self.is_error else f"warning: {self.message}"
        parts.append(message if self.hint is None else f"{message} ({self.hint})")
        return ": ".join(parts)


class ConfigError(Exception):
    """The config cannot be used; ``problems`` holds every error and warning found."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        errors = len(self.errors)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{errors} config error{'s' if errors != 1 else ''}:\n{lines}")

    @property
    def errors(self) -> tuple[ConfigProblem, ...]:
        return tuple(problem for problem in self.problems if problem.is_error)

    @property
    def warnings(self) -> tuple[ConfigProblem, ...]:
        return tuple(problem for problem in self.problems if not problem.is_error)
