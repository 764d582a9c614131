"""queue_log lines → calls and agent periods: the reading of each line, event by event.

A line is ``epoch|callid|queue|agent|event|data1|data2|...``. One that cannot be read
(too few fields, a time that is no time, a number that is none, a call event without
its call) is skipped with its line number and the reason; so is a line more than
`LATE_SECONDS` older than a line before it (out of order: two files concatenated the
wrong way round, a clock set back). Asterisk takes the time before it takes the log's
lock, so lines of one busy second can come a second or so out of order: those are read.
Every line is checked before it changes anything, so a skipped line leaves no trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cti.protocol import ABANDONED, NOT_ANSWERED
from cti.records.queuelog.agents import AgentBuilder
from cti.records.queuelog.calls import CallBuilder
from cti.records.queuelog.events import EVENTS
from cti.records.queuelog.lines import BLANK, BadLine, Fields, LineFields, whole
from cti.records.queuelog.members import MemberNames
from cti.records.queuelog.summary import ImportSummary

LATE_SECONDS = 10
FIRST_EPOCH, LAST_EPOCH = 946_684_800, 4_102_444_800  # 2000-01-01 to 2100-01-01 UTC
MAX_UNKNOWN_NAMES = 1000
STORES_NOTHING = frozenset({"CONFIGRELOAD", "PENALTY", "RINGINUSE", "OUTCALL", "INFO"})
_EVENT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")

Handler = Callable[[int, Fields], None]


class QueueLogBuilder(LineFields):
    """Feed it the lines of one file in order (`feed`), then `close` it."""

    def __init__(self, members: MemberNames, summary: ImportSummary, agents: AgentBuilder) -> None:
        super().__init__(members, agents)
        self.summary = summary
        self.calls = CallBuilder()
        self.number = 0  # of the last line fed
        self.newest = 0  # the newest time read, and its line
        self.newest_line = 0
        self.previous = 0  # the time of the line before the one being read
        self.handlers: dict[str, Handler] = {
            name: self._nothing if name in STORES_NOTHING else getattr(self, "_" + name.lower())
            for name in EVENTS
        }

    def feed(self, lines: list[str]) -> None:
        handlers, summary = self.handlers, self.summary
        number, newest = self.number, self.newest
        for line in lines:
            number += 1
            fields = line.split("|")
            try:
                if len(fields) < 5:
                    raise BadLine(_too_short(line, fields))
                try:
                    epoch = int(fields[0])
                except ValueError:
                    raise BadLine(f"the time {fields[0]!r} is not whole seconds") from None
                if not FIRST_EPOCH < epoch < LAST_EPOCH:
                    raise BadLine(f"the time {epoch} is not between 2000 and 2100")
                if epoch < newest - LATE_SECONDS:
                    raise BadLine(
                        f"out of order: {newest - epoch} s older than line {self.newest_line}"
                    )
                handler = handlers.get(fields[4])
                if handler is None:
                    self._unknown(fields[4])
                else:
                    handler(epoch, fields)
            except BadLine as exc:
                summary.skip(number, str(exc), line)
                continue
            if epoch > newest:
                if not newest:
                    summary.first_epoch = float(epoch)
                newest, self.newest_line = epoch, number
            self.previous = epoch
        summary.lines_read += len(lines)
        self.number, self.newest = number, newest
        self.calls.settle(newest)

    def close(self) -> None:
        """The end of the file: calls and periods still open are settled (see their
        builders); the summary says how many calls were left open."""
        self.summary.calls_open_at_end = self.calls.close()
        if self.newest:
            self.agents.close(self.newest)
            self.summary.last_epoch = float(self.newest)

    def _unknown(self, name: str) -> None:
        if not _EVENT_NAME.fullmatch(name):
            raise BadLine(f"{name[:40]!r} is not an event name")
        unknown = self.summary.unknown_events
        if name in unknown or len(unknown) < MAX_UNKNOWN_NAMES:
            unknown[name] += 1
        else:
            unknown["(other names)"] += 1

    # -- calls (the four that make most of a queue_log check their fields inline)

    def _enterqueue(self, epoch: int, f: Fields) -> None:
        if len(f) < 7 or f[1] in BLANK or f[2] in BLANK:
            self._explain(f, 2, "url|callerid", {})
        self.calls.enter(epoch, f[1], f[2], f[6], f[8] if len(f) > 8 else "")

    def _connect(self, epoch: int, f: Fields) -> None:
        try:
            if len(f) < 6 or f[1] in BLANK or f[2] in BLANK or f[3] in BLANK:
                raise ValueError
            hold = int(f[5])
            ring = int(f[7]) if len(f) > 7 and f[7] else 0
            if hold < 0 or ring < 0:
                raise ValueError
        except ValueError:
            self._explain(f, 1, "holdtime", {5: "the holdtime", 7: "the ringtime"})
        extension = self._extension(f[3])
        self.calls.connect(epoch, f[1], f[2], extension, hold, ring)
        self.agents.on_call(extension, epoch, f[1])

    def _completecaller(self, epoch: int, f: Fields) -> None:
        try:
            if len(f) < 7 or f[1] in BLANK or f[2] in BLANK or f[3] in BLANK:
                raise ValueError
            hold, talk = int(f[5]), int(f[6])
            if hold < 0 or talk < 0:
                raise ValueError
        except ValueError:
            self._explain(f, 2, "holdtime|calltime", {5: "the holdtime", 6: "the calltime"})
        extension = self._extension(f[3])
        self.calls.complete(epoch, f[1], f[2], extension, hold, talk)
        self.agents.off_call(extension, epoch, f[1])

    _completeagent = _completecaller

    def _abandon(self, epoch: int, f: Fields) -> None:
        try:
            if len(f) < 8 or f[1] in BLANK or f[2] in BLANK:
                raise ValueError
            wait = int(f[7])
            if wait < 0:
                raise ValueError
        except ValueError:
            self._explain(f, 3, "position|original position|waittime", {7: "the waittime"})
        self.calls.abandon(epoch, f[1], f[2], wait)

    def _rang(self, epoch: int, f: Fields, outcome: str) -> None:
        call_id, queue = self._call(f)
        extension = self._member(f)
        self._needs(f, 1, "the ring time")
        seconds = whole(f[5], "the ring time") / 1000
        self.calls.rang(epoch, call_id, queue, extension, seconds, outcome)
        self.agents.seen(extension, epoch)

    def _ringnoanswer(self, epoch: int, f: Fields) -> None:
        self._rang(epoch, f, NOT_ANSWERED)

    def _ringcanceled(self, epoch: int, f: Fields) -> None:
        self._rang(epoch, f, ABANDONED)

    def _dropped(self, epoch: int, f: Fields) -> None:
        """AGENTDUMP, SYSCOMPAT: the agent's leg ends there, unanswered."""
        call_id, queue = self._call(f)
        extension = self._member(f)
        self.calls.rang(epoch, call_id, queue, extension, 0.0, NOT_ANSWERED)
        self.agents.seen(extension, epoch)

    _agentdump = _syscompat = _dropped

    def _blindtransfer(self, epoch: int, f: Fields) -> None:
        call_id, queue = self._call(f)
        extension = self._member(f)
        self._needs(f, 4, "extension|context|holdtime|calltime")
        times = (whole(f[7], "the holdtime"), whole(f[8], "the calltime"))
        self.calls.transfer(epoch, call_id, queue, extension, times, f[5], "blind")
        self.agents.off_call(extension, epoch, call_id)

    _transfer = _blindtransfer

    def _attendedtransfer(self, epoch: int, f: Fields) -> None:
        call_id, queue = self._call(f)
        extension = self._member(f)
        self._needs(f, 5, "BRIDGE|bridge (or APP|app, LINK|chan|chan)|holdtime|calltime|position")
        if f[5] not in ("BRIDGE", "APP", "LINK"):
            raise BadLine(f"ATTENDEDTRANSFER to {f[5][:20]!r}, not BRIDGE, APP or LINK")
        times = (whole(f[-3], "the holdtime"), whole(f[-2], "the calltime"))
        self.calls.transfer(epoch, call_id, queue, extension, times, "", "attended")
        self.agents.off_call(extension, epoch, call_id)

    def _left(self, epoch: int, f: Fields, at: int) -> None:
        """EXIT*, WITHDRAW: the wait is data field ``at`` when the line has it."""
        call_id, queue = self._call(f)
        wait = whole(f[at], "the waittime") if len(f) > at and f[at] else None
        self.calls.leave(epoch, call_id, queue, wait)

    def _exitwithtimeout(self, epoch: int, f: Fields) -> None:
        self._left(epoch, f, 7)

    _exitempty = _withdraw = _exitwithtimeout

    def _exitwithkey(self, epoch: int, f: Fields) -> None:
        self._left(epoch, f, 8)

    def _did(self, epoch: int, f: Fields) -> None:
        call_id = f[1]
        if not call_id or call_id == "NONE":
            raise BadLine("DID names no call")
        self._needs(f, 1, "the DID")
        self.calls.did(call_id, f[5])

    def _queuestart(self, epoch: int, f: Fields) -> None:
        last_seen = self.previous or epoch
        self.calls.restart(last_seen)
        self.agents.restart(last_seen, epoch)

    def _nothing(self, epoch: int, f: Fields) -> None:
        """CONFIGRELOAD, PENALTY, RINGINUSE, OUTCALL, INFO: nothing a record keeps."""


def _too_short(line: str, fields: Fields) -> str:
    if not line.strip():
        return "an empty line"
    return (
        f"{len(fields)} fields, a line has at least 5 (epoch|callid|queue|agent|event): truncated"
    )
