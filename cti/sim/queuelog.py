"""app_queue's queue_log, written by the simulated PBX as Asterisk 22 writes it.

A line is logger.c's ``ast_queue_log``: ``epoch|callid|queue|agent|EVENT|data...``,
flushed at once. The events and their data are those of apps/app_queue.c, checked
against the lab's real file (``lab_queue_log``):

- ENTERQUEUE ``url|caller number|original position`` (the number empty when unknown);
- CONNECT ``hold time|agent channel's Uniqueid|ring time`` (whole seconds);
- COMPLETECALLER / COMPLETEAGENT ``hold time|talk time|original position``, when the
  caller or the member's own channel hangs up (handle_hangup): a park or a redirect
  writes nothing, the parked or redirected caller's hang-up later writes
  COMPLETECALLER (what the lab's file and the redirect recording show);
- BLINDTRANSFER ``exten|context|hold|talk|position``, ATTENDEDTRANSFER
  ``BRIDGE|<bridge id>|hold|talk|position``; no COMPLETE* after them;
- RINGCANCELED ``ms`` for each member still ringing when the caller hangs up, in the
  order they were dialled, then ABANDON ``position|original position|wait``;
- RINGNOANSWER ``ms`` (whole seconds times 1000) for a member that hangs up ringing;
- EXITWITHTIMEOUT / EXITEMPTY ``position|original position|wait``;
- ADDMEMBER / REMOVEMEMBER (callid ``MANAGER``), PAUSE / UNPAUSE (callid ``NONE``,
  data the reason), PAUSEALL / UNPAUSEALL first when a pause names no queue.

Times are ``time(NULL)``: the PBX's wall clock in whole seconds, and every duration
is the difference of two of them, as app_queue computes it. `AppQueueLog` follows
each queued caller (app_queue's ``queue_ent`` and ``queue_stasis_data``) so that
the simulator's scenes only say what happened; it writes nowhere until a sink is set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

Sink = Callable[[str], object]  # list.append, a file's write
NONE, MANAGER = "NONE", "MANAGER"


def queue_log_line(epoch: int, callid: str, queue: str, agent: str, event: str, data: str) -> str:
    """One line as logger.c formats it: ``"%ld|%s|%s|%s|%s|"`` then the event's data."""
    return f"{epoch}|{callid}|{queue}|{agent}|{event}|{data}"


class QueueLogFileError(OSError):
    """The queue_log file cannot be opened for appending; says which file and why."""


class QueueLogFile:
    """The file Asterisk appends to (``/var/log/asterisk/queue_log``), flushed per line
    as logger.c does, so a reader sees each event as soon as it happened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._file: TextIO | None = path.open("a", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise QueueLogFileError(
                f"cannot write the queue_log {path}: {exc.strerror or exc}"
            ) from exc

    def write(self, line: str) -> None:
        if self._file is None:
            return
        self._file.write(line + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass(slots=True)
class Entered:
    """A caller waiting in a queue (app_queue's ``queue_ent``)."""

    queue: str
    start: int  # qe->start: the epoch second it entered
    opos: int  # its original position


@dataclass(slots=True)
class Connected:
    """A caller talking to a member (app_queue's ``queue_stasis_data``)."""

    queue: str
    member: str  # the member name
    member_uniqueid: str
    holdstart: int
    starttime: int
    opos: int


class AppQueueLog:
    """What app_queue logs for the simulated queues, in its words and its arithmetic."""

    def __init__(self, now: Callable[[], float], membername_as_agent: bool = True) -> None:
        """``now()``: the PBX's wall clock, epoch seconds. ``membername_as_agent`` is
        queues.conf's ``log_membername_as_agent`` (the lab's ``yes``): ADDMEMBER and
        REMOVEMEMBER name the member, else its interface."""
        self.now, self.membername_as_agent = now, membername_as_agent
        self.sink: Sink | None = None
        self._waiting: dict[str, Entered] = {}
        self._rang: dict[str, float] = {}  # callid -> when its members were last rung
        self._talking: dict[str, Connected] = {}

    def _log(self, callid: str, queue: str, agent: str, event: str, *data: object) -> None:
        if self.sink is not None:
            line = queue_log_line(
                self._second(), callid, queue, agent, event, "|".join(map(str, data))
            )
            self.sink(line)

    def _second(self) -> int:
        return int(self.now())

    # -- the logger ----------------------------------------------------------------------

    def queue_start(self) -> None:
        """logger_queue_start: the first line each time Asterisk opens its queue_log."""
        self._log(NONE, NONE, NONE, "QUEUESTART", "")

    # -- callers -------------------------------------------------------------------------

    def entered(self, callid: str, queue: str, number: str, position: int) -> None:
        self._waiting[callid] = Entered(queue, self._second(), position)
        self._log(callid, queue, NONE, "ENTERQUEUE", "", number, position)

    def ringing(self, callid: str) -> None:
        """The queue rings members for the caller (wait_for_answer starts its clock)."""
        if callid in self._waiting:
            self._rang[callid] = self.now()

    def ring_canceled(self, callid: str, members: Sequence[str]) -> None:
        """The caller hung up while `members` rang (wait_for_answer's canceled_by_caller)."""
        entry, since = self._waiting.get(callid), self._rang.get(callid)
        if entry is None or since is None:
            return
        elapsed = int(round((self.now() - since) * 1000, 3))  # ast_tvdiff_ms
        for member in members:
            self._log(callid, entry.queue, member, "RINGCANCELED", elapsed)

    def ring_no_answer(self, callid: str, member: str) -> None:
        """A ringing member's channel hung up (rna: whole seconds, in milliseconds)."""
        entry, since = self._waiting.get(callid), self._rang.get(callid)
        if entry is not None and since is not None:
            elapsed = self._second() - int(since)
            self._log(callid, entry.queue, member, "RINGNOANSWER", elapsed * 1000)

    def left(self, callid: str, event: str, position: int) -> None:
        """ABANDON, EXITWITHTIMEOUT or EXITEMPTY: the caller left unanswered."""
        entry = self._waiting.pop(callid, None)
        self._rang.pop(callid, None)
        if entry is not None:
            wait = self._second() - entry.start
            self._log(callid, entry.queue, NONE, event, position, entry.opos, wait)

    def connected(self, callid: str, member: str, member_uniqueid: str) -> None:
        entry, since = self._waiting.pop(callid, None), self._rang.pop(callid, None)
        if entry is None:
            return
        now = self._second()
        talking = Connected(entry.queue, member, member_uniqueid, entry.start, now, entry.opos)
        self._talking[callid] = talking
        ring = int(self.now() - (self.now() if since is None else since))
        self._log(callid, entry.queue, member, "CONNECT", now - entry.start, member_uniqueid, ring)

    def hung_up(self, callid: str, uniqueid: str) -> None:
        """A channel of a connected queue call hung up: the caller's or the member's own
        channel ends the queue's part of the call (handle_hangup); others say nothing."""
        talking = self._talking.get(callid)
        if talking is None:
            return
        if uniqueid == callid:
            self._complete(callid, "COMPLETECALLER")
        elif uniqueid == talking.member_uniqueid:
            self._complete(callid, "COMPLETEAGENT")

    def blind_transfer(self, callid: str, exten: str, context: str) -> None:
        self._complete(callid, "BLINDTRANSFER", exten, context)

    def attended_transfer(self, callid: str, bridge_id: str) -> None:
        self._complete(callid, "ATTENDEDTRANSFER", "BRIDGE", bridge_id)

    def _complete(self, callid: str, event: str, *before: str) -> None:
        talking = self._talking.pop(callid, None)
        if talking is None:
            return
        hold, talk = talking.starttime - talking.holdstart, self._second() - talking.starttime
        self._log(callid, talking.queue, talking.member, event, *before, hold, talk, talking.opos)

    # -- members -------------------------------------------------------------------------

    def _agent(self, interface: str, name: str) -> str:
        return name if name and self.membername_as_agent else interface

    def member_added(self, queue: str, interface: str, name: str, paused: bool) -> None:
        self._log(
            MANAGER, queue, self._agent(interface, name), "ADDMEMBER", "PAUSED" if paused else ""
        )

    def member_removed(self, queue: str, interface: str, name: str) -> None:
        self._log(MANAGER, queue, self._agent(interface, name), "REMOVEMEMBER", "")

    def paused(self, queue: str, name: str, paused: bool, reason: str) -> None:
        self._log(NONE, queue, name, "PAUSE" if paused else "UNPAUSE", reason)

    def paused_all(self, name: str, paused: bool, reason: str) -> None:
        """A pause that names no queue: PAUSEALL (or UNPAUSEALL) before the first PAUSE."""
        self._log(NONE, NONE, name, "PAUSEALL" if paused else "UNPAUSEALL", reason)
