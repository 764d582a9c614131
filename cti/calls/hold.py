"""Whether a call is on hold, from Asterisk's two signals for it.

A phone or a bridge feature that holds sends ``Hold``/``Unhold`` on its own channel,
and the other party's music follows (``MusicOnHoldStart``/``Stop``). On Local channels
there are no Hold events, and the music is the only sign. The music of a Hold is an
echo of it, not a second hold: when Asterisk gives the caller back at once, the Hold
and Unhold can both come before the music starts and stops (recording
cti_atxfer_no_exten and its lab run), which must not read as two holds. Queue music
(the caller in no bridge) is no hold, and a parked call's music is the parking's.
"""

from __future__ import annotations

from collections.abc import Callable

from cti.ami.messages import Event
from cti.calls.flow import CallFlow
from cti.calls.model import Call, Channel


class HoldWatcher:
    def __init__(
        self,
        flow: CallFlow,
        snapshot: Callable[[Event], Channel | None],
        call_of: Callable[[Channel | None], Call | None],
    ) -> None:
        self.flow = flow
        self._snapshot = snapshot
        self._call_of = call_of

    def handlers(self) -> dict[str, Callable[[Event], None]]:
        return {
            "Hold": self._on_hold,
            "Unhold": self._on_unhold,
            "MusicOnHoldStart": self._on_music_start,
            "MusicOnHoldStop": self._on_music_stop,
        }

    def _call(self, ev: Event) -> tuple[Call | None, Channel | None]:
        channel = self._snapshot(ev)
        return self._call_of(channel), channel

    def _on_hold(self, ev: Event) -> None:
        call, channel = self._call(ev)
        if call is None or channel is None:
            return
        signals = call.hold_signals
        signals.legs.add(channel.uniqueid)
        if not signals.music:
            signals.owed += 1  # the other party's music is on its way
        self._apply(call)

    def _on_unhold(self, ev: Event) -> None:
        call, channel = self._call(ev)
        if call is not None and channel is not None:
            call.hold_signals.legs.discard(channel.uniqueid)
            self._apply(call)

    def _on_music_start(self, ev: Event) -> None:
        call, channel = self._call(ev)
        if call is None or channel is None or channel.bridge is None:
            return  # queue music while the caller waits is no hold
        signals = call.hold_signals
        signals.music = True
        signals.echo = signals.owed > 0
        signals.owed = max(0, signals.owed - 1)
        self._apply(call)

    def _on_music_stop(self, ev: Event) -> None:
        call, _ = self._call(ev)
        if call is not None:
            call.hold_signals.music = call.hold_signals.echo = False
            self._apply(call)

    def _apply(self, call: Call) -> None:
        # a parked caller's music stops whether it is picked up, gives up or times out:
        # only the parking events say which (an UnParkedCall resumes)
        if call.parked_space is not None or call.left_park:
            return
        if call.hold_signals.held:
            self.flow.hold(call)
        else:
            self.flow.resume(call)


def forget(call: Call, channel: Channel) -> None:
    """A channel that hung up holds nothing any more."""
    call.hold_signals.legs.discard(channel.uniqueid)
