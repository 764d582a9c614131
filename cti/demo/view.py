"""Renders `PopRow`s in a terminal: a live rich table, or plain lines when piped.

Every cell is a `rich.text.Text` built from plain strings, never a markup string, so a
caller named ``[bold red]x[/]`` is shown literally instead of restyling the view.

The live table fits the terminal: one line per event, the columns that fit (see
`layout`), and as many rows as the height allows, newest last, so the newest event is
always on screen. Under it, one line says how the agents' connections are now.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleRenderable, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from cti.demo.centre import CentreFeed
from cti.demo.feed import PbxLinkState, PopFeed, PopRow
from cti.demo.layout import fit_columns

log = logging.getLogger(__name__)

_ROW_STYLE = {"ringing": "bold", "ended": "dim", "retracted": "dim italic"}
_MARKER = {"ended": "■ ended", "retracted": "✖ retracted", "transferred": "→ transferred"}
_EVENT_STYLE = {"ringing": "bold green", "retracted": "yellow", "ended": "red"}
TITLE = "Screen-pops (UTC)"
CHROME_LINES = 4  # title, header, the connections line, and the line the cursor sits on


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


def short_event(event: str) -> str:
    """``call.ringing`` → ``ringing``: every event is about a call, the prefix says nothing."""
    return event.split(".", 1)[-1]


def _short_caller(row: PopRow) -> str:
    """The caller's number, and its caller-ID name unless the contact already says it."""
    name, contact = row.caller_name, row.contact or ""
    if name and name.casefold() in contact.casefold():
        return row.caller_number or name
    return _caller(row)


def _agent(row: PopRow) -> str:
    if row.extension and row.extension not in row.agent:
        return f"{row.agent}/{row.extension}"
    return row.agent


def _status(row: PopRow, current: str) -> str:
    marker = _MARKER.get(current)
    if marker:
        return f"{marker}: {row.detail}" if row.detail else marker
    return row.detail or current


class TerminalView:
    """Shows the pops of one or more agents as they arrive."""

    def __init__(
        self,
        console: Console | None = None,
        *,
        feed: PopFeed | None = None,
        live: bool | None = None,
    ) -> None:
        self.console = console or Console()
        self.feed = feed or PopFeed()
        self.live = self.console.is_terminal if live is None else live
        self._live: Live | None = None
        self._headline = ""
        self._links: dict[object, tuple[str, str]] = {}  # client → (agent, link state)
        self.centre = CentreFeed()  # what a supervisor client sees of the queues
        self._supervisors: set[object] = set()
        self._summary = ""  # the centre's counts as last printed (piped)
        self._pinned: list[str] = []  # lines kept under the live title

    def __enter__(self) -> TerminalView:
        if self.live:
            self._live = Live(
                console=self.console,
                get_renderable=self.screen,  # redrawn at the terminal's size of the moment
                refresh_per_second=4,
                transient=False,
                vertical_overflow="crop",
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
        pbx, states = self.feed.pbx, dict(self.feed.agent_states)
        rows = self.feed.apply(agent, frame)
        if rows:
            self.show(rows)
        if self.feed.pbx != pbx and self.feed.pbx is not None:
            self._pbx_changed(self.feed.pbx, first=pbx is None)
        if self.feed.agent_states != states:
            self._states_changed(states)
        return rows

    def _states_changed(self, before: Mapping[str, str]) -> None:
        """Agents' states sit in the status line live; piped, each change is one line."""
        if self.live:
            self._refresh()
            return
        for extension, state in self.feed.agent_states.items():
            if before.get(extension) != state:
                self._write(f"# agent {extension}: {state}")

    def _pbx_changed(self, pbx: PbxLinkState, first: bool) -> None:
        """Every agent hears of it; said once, and at start only when the link is down."""
        if self.live:
            self._refresh()
        elif not (first and pbx.connected):
            self._write(f"# {pbx.text()}")

    def note(self, text: str) -> None:
        """News of the demo itself: the title's second half live, a `#` line piped."""
        self._headline = text
        if self.live:
            self._refresh()
        else:
            self._write(f"# {text}")

    def pin(self, text: str) -> None:
        """News to keep in view (an address to open): live, a line under the title for as
        long as the demo runs; piped, a `#` line. The title keeps its own headline."""
        if self.live:
            self._pinned.append(text)
            self._refresh()
        else:
            self._write(f"# {text}")

    def aside(self, text: str) -> None:
        """News worth a `#` line piped that does not take the live title (which keeps
        what matters more at a glance: why there is no desktop, say)."""
        if not self.live:
            self._write(f"# {text}")

    def supervised_by(self, client: object) -> None:
        """`client` is a supervisor's: its frames go to `supervise`, and the queue line
        shows under the table."""
        self._supervisors.add(client)

    def supervise(self, agent: str, frame: Mapping[str, Any]) -> list[str]:
        """A supervisor's frame: the queue line live; piped, a `#` line when the queues'
        counts change and one for each caller who gave up in a queue."""
        notes = self.centre.apply(frame)
        if self.live:
            self._refresh()
            return notes
        summary = self.centre.summary()
        if summary and summary != self._summary:
            self._summary = summary
            self._write(f"# {summary}")
        for note in notes:
            self._write(f"# {note}")
        return notes

    def link(self, client: object, agent: str, state: str, text: str) -> None:
        """An agent's connection changed: the line under the table live, a `#` line piped.

        ``state`` is short (``connected``, ``reconnecting``, ``refused``); ``text`` says it
        in full. Only each agent's latest state is shown, so nothing stale stays on screen.
        """
        self._links[client] = (agent, state)
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

    def screen(self) -> Group:
        """Title, table and connections, in exactly the console's height at most."""
        headline = self._headline.removeprefix("demo: ")
        title = f"{TITLE} · {headline}" if headline else TITLE
        parts: list[ConsoleRenderable] = [
            Text(title, style="bold", no_wrap=True, overflow="ellipsis"),
            *(Text(line, no_wrap=True, overflow="ellipsis") for line in self._pinned),
            self.table(),
        ]
        if self._supervisors:
            parts.append(Text(self.centre.line(), no_wrap=True, overflow="ellipsis"))
        return Group(*parts, self._status_line())

    def table(self) -> Table:
        """The newest rows that fit the height, newest last, each on one line."""
        chrome = CHROME_LINES + (1 if self._supervisors else 0) + len(self._pinned)
        room = max(1, self.console.size.height - chrome)
        rows = list(self.feed.rows)[-room:]
        cells = [self._cells(row) for row in rows]
        natural = {key: max(cell_len(c[key]) for c in cells) for key in cells[0]} if cells else {}
        columns = fit_columns(self.console.size.width, natural)
        table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
        for column in columns:
            table.add_column(
                column.spec.header, width=column.width, no_wrap=True, overflow="ellipsis"
            )
        for row, row_cells in zip(rows, cells, strict=True):
            current = self.feed.status_of(row.agent, row.call_id) or row.status
            styles = {"event": _EVENT_STYLE.get(short_event(row.event), "")}
            table.add_row(
                *(Text(row_cells[c.spec.key], style=styles.get(c.spec.key, "")) for c in columns),
                style=_ROW_STYLE.get(current if current in _MARKER else row.status, ""),
            )
        return table

    def _status_line(self) -> Text:
        pbx = self.feed.pbx
        if pbx is not None and not pbx.connected:
            line, style = f"{pbx.text()}; {self.links_line()}", "bold red"
        else:
            line, style = self.links_line(), "dim"
        states = " · ".join(
            f"{ext} {state}" for ext, state in sorted(self.feed.agent_states.items())
        )
        if states:
            line = f"{line} · {states}"
        return Text(line, style=style, no_wrap=True, overflow="ellipsis")

    def links_line(self) -> str:
        """``4 agents connected`` (``and the supervisor``), or who is not and why."""
        if not self._links:
            return "connecting…"
        agents = [link for client, link in self._links.items() if client not in self._supervisors]
        bosses = [link for client, link in self._links.items() if client in self._supervisors]
        up = sum(state == "connected" for _, state in agents)
        boss_up = sum(state == "connected" for _, state in bosses)
        down = [f"{who} {state}" for who, state in [*agents, *bosses] if state != "connected"]
        who = f"{up} agent{'s' if up != 1 else ''}"
        if bosses:
            who += " and the supervisor" if len(bosses) == 1 else f" and {boss_up} supervisors"
        if not down:
            return f"{who} connected"
        total = f"{len(agents) + len(bosses)}" if bosses else f"{len(agents)} agents"
        return f"{up + boss_up} of {total} connected; " + ", ".join(down)

    def _cells(self, row: PopRow) -> dict[str, str]:
        current = self.feed.status_of(row.agent, row.call_id) or row.status
        return {
            "time": row.time or "--:--:--",
            "agent": _agent(row),
            "event": short_event(row.event),
            "caller": _short_caller(row),
            "contact": _contact(row),
            "queue": row.queue or "-",
            "status": _status(row, current),
            "dialled": row.dialled or "-",
            "last": row.last_interaction or "-",
        }

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.refresh()

    def _write(self, line: str) -> None:
        self.console.file.write(line + "\n")
        self.console.file.flush()
