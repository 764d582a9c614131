"""What an import did: lines read, rows added, and every line it could not read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

KEEP_SKIPPED = 1000
"""Skipped lines kept with their reason (all are counted): a file of garbage must not
fill the memory with its own lines."""

SHOW_SKIPPED = 20
SHOWN_TEXT = 80


@dataclass(frozen=True, slots=True)
class SkippedLine:
    number: int
    reason: str
    text: str  # the start of the line, for finding it


@dataclass(slots=True)
class ImportSummary:
    path: Path
    records: Path
    lines_read: int = 0
    calls_found: int = 0  # calls the file ended (written, or already recorded)
    calls_added: int = 0
    calls_open_at_end: int = 0
    periods_added: int = 0
    skipped_count: int = 0
    skipped: list[SkippedLine] = field(default_factory=list)
    unknown_events: Counter[str] = field(default_factory=Counter)
    first_epoch: float | None = None
    last_epoch: float | None = None

    @property
    def calls_already_recorded(self) -> int:
        """Calls of the file the records held already (live, or an earlier import)."""
        return self.calls_found - self.calls_added

    @property
    def unread_lines(self) -> int:
        """Lines whose content is not in the records: skipped, or of an unknown event."""
        return self.skipped_count + sum(self.unknown_events.values())

    def skip(self, number: int, reason: str, line: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < KEEP_SKIPPED:
            self.skipped.append(SkippedLine(number, reason, line[:SHOWN_TEXT]))

    def report(self, shown: int = SHOW_SKIPPED) -> list[str]:
        """The summary for a person, one line each."""
        calls = f"calls: {self.calls_added} added, {self.calls_already_recorded} already recorded"
        if self.calls_open_at_end:
            calls += (
                f", {self.calls_open_at_end} still in progress at the end of the file (not "
                "imported: import the file again once they have ended)"
            )
        lines = [
            f"read {self.lines_read} lines of {self.path}{self._span()}",
            calls,
            f"agent periods: {self.periods_added} added",
        ]
        if self.skipped_count:
            lines.append(f"skipped {self.skipped_count} lines it could not read:")
            lines += [f"  line {s.number}: {s.reason}: {s.text!r}" for s in self.skipped[:shown]]
            if self.skipped_count > shown:
                lines.append(f"  ... and {self.skipped_count - shown} more")
        if self.unknown_events:
            named = ", ".join(f"{name} ({n})" for name, n in self.unknown_events.most_common())
            lines.append(f"unknown events, counted and not imported: {named}")
        lines.append(f"into {self.records}")
        return lines

    def _span(self) -> str:
        if self.first_epoch is None or self.last_epoch is None:
            return ""
        first, last = (_utc(t) for t in (self.first_epoch, self.last_epoch))
        return f" ({first} to {last} UTC)"


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")
