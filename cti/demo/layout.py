"""Which columns of the pop table fit the terminal, and how wide each one is.

Nine columns in 80 terminal columns wrap every row over several lines and shrink the
headers to ``Cal…``. So the view keeps the columns that fit, most important first, at
one line per event, and gives the width left over to the caller and the contact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str  # which cell of a row it shows
    header: str
    limit: int  # widest it gets; flexible columns share what the others leave
    flexible: bool = False
    least: int = 0  # narrowest a flexible column is worth showing

    def fixed_width(self, natural: int) -> int:
        """A fixed column: as wide as its widest cell (or header), up to its limit."""
        return max(len(self.header), min(natural, self.limit))


COLUMNS = (  # in the order of importance: the first ones stay on the narrowest terminal
    ColumnSpec("time", "Time", 8),
    ColumnSpec("agent", "Agent", 12),
    ColumnSpec("event", "Event", 11),
    ColumnSpec("caller", "Caller", 40, flexible=True, least=18),
    ColumnSpec("contact", "Contact", 48, flexible=True, least=20),
    ColumnSpec("queue", "Queue", 12),
    ColumnSpec("status", "Status", 36),
    ColumnSpec("dialled", "Dialled", 16),
    ColumnSpec("last", "Last interaction", 28),
)
ESSENTIAL = 4  # time, agent, event and caller are shown however narrow the terminal
GAP = 1  # blank cells between two columns


@dataclass(frozen=True, slots=True)
class Column:
    spec: ColumnSpec
    width: int


def fit_columns(width: int, natural: Mapping[str, int]) -> list[Column]:
    """The columns that fit in ``width`` cells, in order, with their widths.

    ``natural`` is the widest cell of each column among the rows to be drawn.
    """
    chosen = list(COLUMNS[:ESSENTIAL])
    for spec in COLUMNS[ESSENTIAL:]:
        if _least_width([*chosen, spec], natural) > width:
            break
        chosen.append(spec)
    fixed = {s.key: s.fixed_width(natural.get(s.key, 0)) for s in chosen if not s.flexible}
    spare = width - GAP * (len(chosen) - 1) - sum(fixed.values())
    flexible = _share(spare, [s for s in chosen if s.flexible], natural)
    return [Column(s, fixed.get(s.key) or flexible[s.key]) for s in chosen]


def _least_width(specs: Sequence[ColumnSpec], natural: Mapping[str, int]) -> int:
    gaps = GAP * (len(specs) - 1)
    return gaps + sum(
        max(len(s.header), s.least) if s.flexible else s.fixed_width(natural.get(s.key, 0))
        for s in specs
    )


def _share(spare: int, specs: Sequence[ColumnSpec], natural: Mapping[str, int]) -> dict[str, int]:
    """Split ``spare`` cells: a column that needs less than its share leaves the rest."""
    widths: dict[str, int] = {}
    wanted = sorted(specs, key=lambda s: min(natural.get(s.key, 0), s.limit))
    for index, spec in enumerate(wanted):
        share = spare // (len(wanted) - index)
        need = max(len(spec.header), min(natural.get(spec.key, 0), spec.limit))
        widths[spec.key] = max(len(spec.header), min(need, share))
        spare -= widths[spec.key]
    return widths
