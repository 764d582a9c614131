"""What the PBX sends because of what it just sent: the reactions of its other parts.

A channel that rings, answers, holds or hangs up changes its phone's device state,
the phone's hint and app_queue's view of the member (`cti.sim.devices`); a channel
under ChanSpy that hangs up stops the spy (`cti.sim.spy`). The scenes say only what
happened to the calls; every frame they make passes through here on its way out, is
parsed once, and is followed (or, for ChanSpyStop, preceded) by those reactions, which
pass through here in turn.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from cti.ami.messages import Event
from cti.ami.parser import parse_frame
from cti.ami.transcript import TranscriptFrame
from cti.sim.devices import DeviceWatch
from cti.sim.spy import SpyScenes


def parsed(raw: bytes) -> TranscriptFrame:
    return TranscriptFrame(raw, parse_frame(raw.rstrip(b"\r\n")))


class Reactions:
    def __init__(self, devices: DeviceWatch, spy: SpyScenes) -> None:
        self.devices, self.spy = devices, spy

    def expand(self, frames: Iterable[bytes]) -> list[TranscriptFrame]:
        """`frames` in order, each with the frames it causes."""
        pending = deque(frames)
        out: list[TranscriptFrame] = []
        while pending:
            frame = parsed(pending.popleft())
            message = frame.message
            if isinstance(message, Event):
                out += [parsed(raw) for raw in self.spy.before(message)]
                caused = self.devices.observe(message) + self.spy.after(message)
                pending.extendleft(reversed(caused))
            out.append(frame)
        return out
