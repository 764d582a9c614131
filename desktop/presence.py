"""The transfer picker's entries: every colleague with what their phone is doing, the free
ones first, so the agent transfers to someone who can take the call.

Colleagues come from `presence` (the broker sends every agent extension's) and from the
agent's own calls (an extension seen ringing or answering). Any other number can still
be typed: `picked_target` reads an entry back as its extension, anything else as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cti.protocol import DND, IDLE, IN_USE, ON_HOLD, RINGING, UNAVAILABLE
from desktop.centredata import PhoneState
from desktop.text import visible_text

PRESENCE_TEXT = {
    IDLE: "free",
    RINGING: "ringing",
    ON_HOLD: "caller on hold",
    IN_USE: "on a call",
    DND: "do not disturb",
    UNAVAILABLE: "unavailable",
}
PRESENCE_ORDER = (IDLE, RINGING, ON_HOLD, IN_USE, DND, UNAVAILABLE)  # free first
PRESENCE_COLOUR = {
    IDLE: "#2e7d32",
    RINGING: "#f9a825",
    ON_HOLD: "#1565c0",
    IN_USE: "#c62828",
    DND: "#6a1b9a",
    UNAVAILABLE: "#9e9e9e",
}
UNKNOWN_COLOUR = "#bdbdbd"
SEPARATOR = " - "


@dataclass(frozen=True, slots=True)
class TransferTarget:
    extension: str
    state: str | None  # presence state; None when the broker sent none for it

    @property
    def label(self) -> str:
        shown = visible_text(self.extension)
        if self.state is None:
            return shown
        return f"{shown}{SEPARATOR}{PRESENCE_TEXT.get(self.state, self.state)}"

    @property
    def colour(self) -> str:
        return PRESENCE_COLOUR.get(self.state or "", UNKNOWN_COLOUR)

    @property
    def free(self) -> bool:
        return self.state == IDLE


def _rank(target: TransferTarget) -> tuple[int, int, str]:
    order = PRESENCE_ORDER.index(target.state) if target.state in PRESENCE_ORDER else 99
    digits = target.extension.isdigit()
    return order, 0 if digits else 1, target.extension.zfill(12) if digits else target.extension


def transfer_targets(
    presence: Mapping[str, PhoneState], seen: Iterable[str], own: str
) -> list[TransferTarget]:
    """Every colleague once, never the agent itself: free, ringing, on hold, on a call,
    do not disturb, unavailable, then those without presence; by extension within each."""
    extensions = {*presence, *(ext for ext in seen if ext)} - {own}
    targets = [
        TransferTarget(ext, presence[ext].state if ext in presence else None) for ext in extensions
    ]
    return sorted(targets, key=_rank)


def picked_target(text: str, targets: Sequence[TransferTarget]) -> str:
    """What to transfer to: an entry's extension when `text` is its label (the agent
    picked it, or it shows with its presence), else the text as typed."""
    typed = text.strip()
    for target in targets:
        if typed == target.label:
            return target.extension
    return typed
