"""Renders `PopRow`s in a terminal: a live rich table, or plain lines when piped.

Every cell is a `rich.text.Text` built from plain strings, never a markup string, so a
caller named ``[bold red]x[/]`` is shown literally instead of restyling the view.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from cti.demo.feed import PopFeed, PopRow

log = logging.getLogger(__name__)

_ROW_STYLE = {"ringing": "bold", "ended": "dim", "retracted": "dim italic"}
_MARKER = {"ended": "■ ended", "retracted": "✖ retracted", "transferred": "→ transferred"}
_EVENT_STYLE = {"call.ringing": "bold green", "pop.retracted": "yellow", "call.ended": "red"}


def _caller(row: PopRow) -> str:
    parts = [part for part in (row.caller_number, row.caller_name) if part]
    return " ".join(parts) if parts else "-"


def _contact(row: PopRow) -> str:
    if row.contact and row.company:
        return f"{row.contact} ({row.company})"
    return row.contact or "-"


def plain_line(row: PopRow, current: str | None = None) -> str:
    """One self-contained line per event, for logs and pipes (no colour, no markup)."""
    fields = [
        row.time or "--:--:--",
        f"{row.agent}/{row.extension or '-'}",
        row.event,
        f"call={row.call_id}",
        f"caller={_caller(row)}",
        f"contact={_contact(row)}",
    ]
    optional = {"queue": row.queue, "dialled": row.dialled, "last": row.last_interaction}
    fields += [f"{key}={value}" for key, value in optional.items() if value]
    if row.detail:
        fields.append(f"({row.detail})")
    marker = _MARKER.get(current or row.status)
    if marker:
        fields.append(f"[{marker}]")
    return " ".join(fields)


class TerminalView:
    """Shows the pops of one or more agents as they arrive."""

    def __init__(
        self,
        console: Console | None = None,
        *,
        feed: PopFeed | None = None,
        visible_rows: int = 20,
        live: bool | None = None,
    ) -> None:
        self.console = console or Console()
        self.feed = feed or PopFeed()
        self.visible_rows = visible_rows
        self.live = self.console.is_terminal if live is None else live
        self._live: Live | None = None
        self._note = ""

    def __enter__(self) -> TerminalView:
        if self.live:
            self._live = Live(
                self.table(), console=self.console, refresh_per_second=4, transient=False
            )
            self._live.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def handle(self, agent: str, frame: Mapping[str, Any]) -> list[PopRow]:
        """Feed one protocol frame of `agent` through the model and show what it added."""
        rows = self.feed.apply(agent, frame)
        if rows:
            self.show(rows)
        return rows

    def note(self, text: str) -> None:
        """Connection news (connected, reconnecting): a caption live, a `#` line piped."""
        self._note = text
        if self.live:
            self._refresh()
        else:
            self._write(f"# {text}")

    def show(self, rows: Iterable[PopRow]) -> None:
        if self.live:
            self._refresh()
            return
        for row in rows:
            self._write(plain_line(row))

    def table(self) -> Table:
        """The newest rows, newest last; ringing rows show what became of the call."""
        table = Table(title="Screen-pops", caption=Text(self._note), expand=True)
        for name in ("Time (UTC)", "Agent", "Event", "Caller", "Contact", "Queue"):
            table.add_column(name, no_wrap=name in ("Time (UTC)", "Event"))
        for name in ("Dialled", "Last interaction", "Status"):
            table.add_column(name)
        rows = list(self.feed.rows)[-self.visible_rows :]
        for row in rows:
            current = self.feed.status_of(row.agent, row.call_id) or row.status
            marker = _MARKER.get(current)
            status = row.detail or current
            if marker:
                status = f"{marker}: {row.detail}" if row.detail else marker
            table.add_row(
                Text(row.time),
                Text(f"{row.agent} / {row.extension or '-'}"),
                Text(row.event, style=_EVENT_STYLE.get(row.event, "")),
                Text(_caller(row)),
                Text(_contact(row)),
                Text(row.queue or "-"),
                Text(row.dialled or "-"),
                Text(row.last_interaction or "-"),
                Text(status),
                style=_ROW_STYLE.get(current if current in _MARKER else row.status, ""),
            )
        return table

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self.table(), refresh=True)

    def _write(self, line: str) -> None:
        self.console.file.write(line + "\n")
        self.console.file.flush()
