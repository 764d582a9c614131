"""Agent state periods from queue_log lines: the rows of `agent_periods` the live records
would have, with ``source = 'queue_log'``.

An agent's state follows from what the lines say about it: logged in (ADDMEMBER,
AGENTLOGIN, or any line naming it: a static member never logs in), `on-call` from a
CONNECT to the end of that call, `paused` (with the reason of its newest PAUSE) while it
is paused in any queue, `available` otherwise, `logged-out` once it left its last queue
(REMOVEMEMBER) or logged off. The queue_log has no ringing or wrap-up of its own, so
those states do not appear. As live, a period ends where the next begins; a state that
lasted less than the log's one-second resolution is replaced by the next one.

An agent that cti has recorded live keeps the live periods: the import keeps its
queue_log periods only before the first live one (a period running into it is cut
there), since the live periods cover the agent without gaps from then on.
"""

from __future__ import annotations

from collections.abc import Mapping

from cti.protocol import AVAILABLE, LOGGED_OUT, ON_CALL, PAUSED

Row = tuple[str, str, str | None, float, float, str | None]  # as PERIOD_COLUMNS
State = tuple[str, str | None, str | None]  # state, reason, call_id
_OUT: State = (LOGGED_OUT, None, None)
_AVAILABLE: State = (AVAILABLE, None, None)


class QueueAgent:
    __slots__ = (
        "calls",
        "closed",
        "extension",
        "logged_in",
        "paused",
        "queues",
        "since",
        "state",
    )

    def __init__(self, extension: str) -> None:
        self.extension = extension
        self.state: State | None = None
        self.since = 0.0
        self.logged_in = True
        self.calls: list[str] = []
        self.paused: dict[str, str | None] = {}  # queue → reason; the newest last
        self.queues: set[str] = set()  # queues it joined by ADDMEMBER
        self.closed: Row | None = None  # its last ended period, held back (see _move)

    def shown(self) -> State:
        if not self.logged_in:
            return _OUT
        if self.calls:
            return (ON_CALL, None, self.calls[-1])
        if self.paused:
            return (PAUSED, next(reversed(self.paused.values())), None)
        return _AVAILABLE


class AgentBuilder:
    """The agents of one import; ended periods wait in ``periods`` until taken."""

    def __init__(self, live_from: Mapping[str, float] | None = None) -> None:
        self.agents: dict[str, QueueAgent] = {}
        self.periods: list[Row] = []
        self._live_from = dict(live_from or {})

    def agent(self, extension: str) -> QueueAgent:
        found = self.agents.get(extension)
        if found is None:
            found = self.agents[extension] = QueueAgent(extension)
        return found

    def seen(self, extension: str, epoch: float) -> None:
        """A line names the agent: it is logged in (a static member never logs in)."""
        agent = self.agent(extension)
        if not agent.logged_in or agent.state is None:
            agent.logged_in = True
            self._show(agent, epoch)

    def on_call(self, extension: str, epoch: float, call_id: str) -> None:
        agent = self.agents.get(extension) or self.agent(extension)
        agent.logged_in = True
        agent.calls.append(call_id)
        self._move(agent, epoch, (ON_CALL, None, call_id))

    def off_call(self, extension: str, epoch: float, call_id: str) -> None:
        agent = self.agents.get(extension) or self.agent(extension)
        calls = agent.calls
        if calls and calls[-1] == call_id:
            calls.pop()
        elif call_id in calls:
            calls.remove(call_id)
        agent.logged_in = True
        self._move(agent, epoch, agent.shown())

    def pause(self, extension: str, epoch: float, queue: str, reason: str | None) -> None:
        agent = self.agent(extension)
        agent.paused.pop(queue, None)
        agent.paused[queue] = reason
        agent.logged_in = True
        self._show(agent, epoch)

    def unpause(self, extension: str, epoch: float, queue: str) -> None:
        agent = self.agent(extension)
        agent.paused.pop(queue, None)
        agent.logged_in = True
        self._show(agent, epoch)

    def join(self, extension: str, epoch: float, queue: str, paused: bool) -> None:
        agent = self.agent(extension)
        agent.queues.add(queue)
        if paused:
            agent.paused[queue] = None
        agent.logged_in = True
        self._show(agent, epoch)

    def leave(self, extension: str, epoch: float, queue: str) -> None:
        agent = self.agent(extension)
        agent.queues.discard(queue)
        agent.paused.pop(queue, None)
        if not agent.queues:
            self._log_out(agent)
        self._show(agent, epoch)

    def log_in(self, extension: str, epoch: float) -> None:
        self.seen(extension, epoch)

    def log_off(self, extension: str, epoch: float) -> None:
        agent = self.agent(extension)
        agent.queues.clear()
        self._log_out(agent)
        self._show(agent, epoch)

    def restart(self, last_seen: float, epoch: float) -> None:
        """Asterisk restarted: out from its last line to the start, then as before (its
        members come back, persistent ones with their pause) but off every call."""
        for agent in self.agents.values():
            if agent.state is None or not agent.logged_in:
                continue
            self._move(agent, last_seen, _OUT)
            agent.calls.clear()
            self._show(agent, epoch)

    def close(self, last_seen: float) -> None:
        """The end of the file: open periods end at its last line, the last it tells."""
        for agent in self.agents.values():
            if agent.state is not None:
                self._emit(agent, max(agent.since, last_seen))
                agent.state = None
            if agent.closed is not None:
                self.periods.append(agent.closed)
                agent.closed = None

    def take(self) -> list[Row]:
        rows, self.periods = self.periods, []
        return rows

    @staticmethod
    def _log_out(agent: QueueAgent) -> None:
        agent.logged_in = False
        agent.paused.clear()
        agent.calls.clear()

    def _show(self, agent: QueueAgent, epoch: float) -> None:
        self._move(agent, epoch, agent.shown())

    def _move(self, agent: QueueAgent, epoch: float, state: State) -> None:
        """The last ended period is held back: when a state lasts no time (a call talked
        0 s, a pause undone in the same second), the one before it goes on instead of a
        second row of the same state."""
        if agent.state == state:
            return
        if agent.state is not None:
            if epoch > agent.since:
                self._emit(agent, epoch)
            else:  # the old state lasted no time: the new one replaces it
                epoch = agent.since
                before = agent.closed
                if before is not None and before[4] == epoch and before[1:3] + before[5:] == state:
                    agent.closed = None
                    agent.state, agent.since = state, before[3]
                    return
        agent.state = state
        agent.since = epoch

    def _emit(self, agent: QueueAgent, ended: float) -> None:
        assert agent.state is not None
        started = agent.since
        if self._live_from:
            live = self._live_from.get(agent.extension)
            if live is not None:
                if started >= live:
                    return
                ended = min(ended, live)
        if agent.closed is not None:
            self.periods.append(agent.closed)
        state, reason, call_id = agent.state
        agent.closed = (agent.extension, state, reason, started, ended, call_id)
