"""Queue calls from queue_log lines: the same rows of `calls`, `call_agents` and
`call_transfers` as the live records, with ``source = 'queue_log'``.

A call is built from its ENTERQUEUE to the line that ends it (COMPLETE*, ABANDON, a
transfer, an EXIT*), then handed over as rows. What a queue_log cannot tell stays null:
hold, hang-up cause, contacts, wrap-up. A call whose ENTERQUEUE is not in the file (the
file starts during it) still gets its arrival from the wait its later lines carry.

A caller who leaves a queue alive (timeout, no agents, a key, withdrawn) may be sent to
another queue by the dialplan: the same channel, so the same callid. Such a call waits
`REQUEUE_SECONDS` (of the file's time) before it is final, and a new ENTERQUEUE within
that time goes on with the same call (its queue becomes the new one), as the live
records do.
"""

from __future__ import annotations

from cti.protocol import ABANDONED, NOT_ANSWERED
from cti.records.model import ANSWERED, TRANSFERRED

REQUEUE_SECONDS = 60
PENDING_DIDS = 10_000
Row = tuple[object, ...]


class QueueCall:
    """One call in progress; ``legs`` are [extension, rang_at, answered_at, ended_at,
    outcome] lists, in the order the agents were rung."""

    __slots__ = (
        "abandoned",
        "answered_at",
        "answered_by",
        "arrived_at",
        "call_id",
        "caller_name",
        "caller_number",
        "did",
        "ended_at",
        "legs",
        "queue",
        "talk",
        "transfers",
    )

    def __init__(
        self,
        call_id: str,
        queue: str,
        arrived_at: float,
        number: str | None = None,
        name: str | None = None,
        did: str | None = None,
    ) -> None:
        self.call_id = call_id
        self.queue = queue
        self.arrived_at = arrived_at
        self.caller_number = number
        self.caller_name = name
        self.did = did
        self.answered_at: float | None = None
        self.answered_by: str | None = None
        self.ended_at: float | None = None
        self.abandoned = False
        self.talk: float | None = None
        self.legs: list[list[object]] = []
        self.transfers: list[tuple[float, str, str, str]] = []

    def open_leg(self, extension: str) -> list[object] | None:
        for leg in reversed(self.legs):
            if leg[0] == extension and leg[3] is None:
                return leg
        return None


class CallBuilder:
    """The calls of one import; finished ones wait in ``calls``/``legs``/``transfers``
    as rows until the importer takes them (`take`)."""

    def __init__(self) -> None:
        self.open: dict[str, QueueCall] = {}
        self.left: dict[str, QueueCall] = {}  # left a queue alive: may be queued again
        self.dids: dict[str, str] = {}  # DID lines come before their ENTERQUEUE
        self.calls: list[Row] = []
        self.legs: list[Row] = []
        self.transfers: list[Row] = []
        self.batch: set[str] = set()  # the calls in ``calls``
        self.finished = 0

    def enter(self, epoch: float, call_id: str, queue: str, number: str, name: str) -> None:
        call = self.open.get(call_id)
        if call is None:
            call = self.left.pop(call_id, None)
            if call is not None and epoch - (call.ended_at or epoch) > REQUEUE_SECONDS:
                self._finish(call)  # long gone: a new call reusing the id
                call = None
            if call is None:
                did = self.dids.pop(call_id, None) if self.dids else None
                self.open[call_id] = QueueCall(
                    call_id, queue, epoch, number or None, name or None, did
                )
                return
            call.ended_at = None
            self.open[call_id] = call
        call.queue = queue

    def did(self, call_id: str, did: str) -> None:
        """A DID line comes before its call's ENTERQUEUE; a dialplan may write one for
        every inbound call, queued or not, so only the newest `PENDING_DIDS` wait."""
        call = self.open.get(call_id)
        if call is not None:
            call.did = did
            return
        if len(self.dids) >= PENDING_DIDS:
            del self.dids[next(iter(self.dids))]
        self.dids[call_id] = did

    def _find(self, call_id: str, queue: str, arrived_at: float) -> QueueCall:
        """The open call, or one the file started during (arrived as its wait says)."""
        call = self.open.get(call_id)
        if call is None:
            call = self.open[call_id] = QueueCall(call_id, queue, arrived_at)
        return call

    def connect(
        self, epoch: float, call_id: str, queue: str, extension: str, hold: int, ring: int
    ) -> None:
        call = self._find(call_id, queue, epoch - hold)
        if call.answered_at is None:
            call.answered_at = epoch
            call.answered_by = extension
        call.legs.append([extension, epoch - ring, epoch, None, ANSWERED])

    def rang(
        self,
        epoch: float,
        call_id: str,
        queue: str,
        extension: str,
        seconds: float,
        outcome: str,
    ) -> None:
        """A ring that ended unanswered ``seconds`` after it began."""
        started = round(epoch - seconds, 3)
        call = self._find(call_id, queue, started)
        call.legs.append([extension, started, None, epoch, outcome])

    def complete(
        self, epoch: float, call_id: str, queue: str, extension: str, hold: int, talk: int
    ) -> None:
        """COMPLETECALLER/COMPLETEAGENT: the talk ended, so did the call."""
        call = self.open.get(call_id)
        last = call.legs[-1] if call is not None and call.legs else None
        if call is None or last is None or last[0] != extension or last[3] is not None:
            call, _ = self._talked(epoch, call_id, queue, extension, hold, talk)
        else:  # the usual: its CONNECT was the last leg
            del self.open[call_id]
            last[3] = call.ended_at = epoch
            call.talk = float(talk)
        self._finish(call)

    def transfer(
        self,
        epoch: float,
        call_id: str,
        queue: str,
        extension: str,
        times: tuple[int, int],
        to: str,
        mode: str,
    ) -> None:
        """The agent transferred the caller away: the queue's part of the call ends here
        (the queue_log does not say when the transferred call ends)."""
        call, leg = self._talked(epoch, call_id, queue, extension, *times)
        leg[4] = TRANSFERRED
        call.transfers.append((epoch, extension, to, mode))
        self._finish(call)

    def _talked(
        self, epoch: float, call_id: str, queue: str, extension: str, hold: int, talk: int
    ) -> tuple[QueueCall, list[object]]:
        call = self.open.pop(call_id, None)
        if call is None:
            call = QueueCall(call_id, queue, epoch - talk - hold)
        if call.answered_at is None:  # its CONNECT is not in the file
            call.answered_at = epoch - talk
            call.answered_by = extension
        leg = call.open_leg(extension)
        if leg is None:
            leg = [extension, epoch - talk, epoch - talk, None, ANSWERED]
            call.legs.append(leg)
        leg[3] = epoch
        call.ended_at = epoch
        call.talk = float(talk)
        return call, leg

    def abandon(self, epoch: float, call_id: str, queue: str, wait: int) -> None:
        call = self.open.pop(call_id, None)
        if call is None:
            call = QueueCall(call_id, queue, epoch - wait)
        call.abandoned = True
        self._end(call, epoch, ABANDONED)
        self._finish(call)

    def leave(self, epoch: float, call_id: str, queue: str, wait: int | None) -> None:
        """Left the queue unanswered and alive: final once `REQUEUE_SECONDS` passed."""
        call = self.open.pop(call_id, None)
        if call is None:
            call = QueueCall(call_id, queue, epoch - (wait or 0))
        self._end(call, epoch, NOT_ANSWERED)
        self.left[call_id] = call

    def settle(self, now: float) -> None:
        """Calls that left a queue long enough ago are final."""
        if not self.left:
            return
        final = now - REQUEUE_SECONDS
        for call_id in [c for c, call in self.left.items() if (call.ended_at or 0) < final]:
            self._finish(self.left.pop(call_id))

    def restart(self, last_seen: float) -> None:
        """Asterisk restarted: every call in progress ended when it was last heard of."""
        for call in self.open.values():
            ended = max(call.arrived_at, last_seen)
            if call.answered_at is not None:
                call.talk = max(0.0, ended - call.answered_at)
            self._end(call, ended, NOT_ANSWERED)
            self._finish(call)
        self.open.clear()
        self.settle(float("inf"))

    def close(self) -> int:
        """The end of the file: left calls are final; open ones are not written (their
        end is still to come in a later import). Returns how many are open."""
        self.settle(float("inf"))
        still_open = len(self.open)
        self.open.clear()
        self.dids.clear()
        return still_open

    def take(self) -> tuple[list[Row], list[Row], list[Row]]:
        rows = (self.calls, self.legs, self.transfers)
        self.calls, self.legs, self.transfers = [], [], []
        self.batch = set()
        return rows

    @staticmethod
    def _end(call: QueueCall, epoch: float, outcome: str) -> None:
        call.ended_at = epoch
        for leg in call.legs:
            if leg[3] is None:
                leg[3] = epoch
                if leg[2] is None:
                    leg[4] = outcome

    def _finish(self, call: QueueCall) -> None:
        """The rows of an ended call, as `store.IMPORT_CALL_COLUMNS` has them."""
        call_id = call.call_id
        if call_id in self.batch:
            return  # a second call reusing the id before the batch was written: the first wins
        self.batch.add(call_id)
        ended, answered, number = call.ended_at, call.answered_at, call.caller_number
        until = ended if answered is None else answered
        e164 = number if number and number[0] == "+" and number[1:].isdigit() else None
        self.calls.append(
            (
                call_id,
                call.queue,
                number,
                e164,
                call.caller_name,
                call.did,
                call.arrived_at,
                answered,
                call.answered_by,
                ended,
                None if until is None else max(0.0, until - call.arrived_at),
                call.abandoned,
                call.talk,
            )
        )
        self.legs += [(call_id, n, *leg) for n, leg in enumerate(call.legs)]
        if call.transfers:
            self.transfers += [(call_id, n, *t) for n, t in enumerate(call.transfers)]
        self.finished += 1
