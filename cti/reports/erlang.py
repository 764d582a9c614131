"""Erlang C staffing: how many agents an interval needs to reach a service level target.

The model is M/M/N: calls arrive at random (Poisson), handle times are exponential, and no
caller hangs up while waiting. It is the standard of workforce planning, and it errs on the
safe side: callers who give up lighten the load, so real queues need a little less
(`cti.reports.erlang_a` models them).

Every probability comes from Erlang B's recurrence B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)),
whose terms stay in [0, 1]: no factorial and no power of A, so 2,000 erlangs or more neither
overflow nor lose precision. `staff_for` continues the same recurrence one agent at a time
from the traffic upward, so finding the staffing costs no more than one Erlang B.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_TRAFFIC = 100_000.0
"""Erlangs. A queue beyond this (a hundred thousand agents busy at once) is a unit mixed up,
not a contact centre; left alone, a billion erlangs would keep the recurrence (one step per
agent) busy for minutes."""


class ErlangInputError(ValueError):
    """An input the model cannot take; the message names the input and why.

    ``field`` is the input's parameter name (``aht_seconds``, ``target_sl``...), so that a
    command line can name its own option instead.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Staffing:
    """The fewest agents that reach the target, and how the queue runs with them."""

    agents: int
    """The fewest agents that reach the target (0 when no calls)."""
    service_level: float
    """Share of calls answered within the target time at that staffing, 0..1."""
    asa_seconds: float
    """Average speed of answer over all calls (those answered at once count 0 s)."""
    occupancy: float
    """Traffic / agents: the share of their time the agents spend handling calls, 0..1."""


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability of ``agents`` lines offered ``traffic`` erlangs, no queue."""
    _check_traffic(traffic)
    _check_agents(agents)
    blocking = 1.0
    for lines in range(1, agents + 1):  # _next_blocking inlined: the loop is the hot spot
        carried = traffic * blocking
        blocking = carried / (lines + carried)
    return blocking


def erlang_b_table(traffic: float, agents: int) -> list[float]:
    """B(0), B(1) ... B(agents) at ``traffic``: one recurrence for searches that try many
    staffings of the same traffic."""
    _check_traffic(traffic)
    _check_agents(agents)
    table = [1.0]
    for lines in range(1, agents + 1):
        table.append(_next_blocking(traffic, lines, table[-1]))
    return table


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call waits at all (1.0 when the agents cannot keep up)."""
    _check_traffic(traffic)
    _check_agents(agents)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return _wait_probability(traffic, agents, erlang_b(traffic, agents))


def service_level(traffic: float, agents: int, aht_seconds: float, target_seconds: float) -> float:
    """P(wait ≤ target) = 1 - C·exp(-(N - A)·t / AHT); 0.0 when the queue grows forever."""
    check_service_inputs(aht_seconds, target_seconds)
    wait_probability = erlang_c(traffic, agents)
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return _service_level(traffic, agents, wait_probability, aht_seconds, target_seconds)


def staff_for(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_sl: float,
    target_seconds: float,
) -> Staffing:
    """The fewest agents for ``calls`` in an interval so that ``target_sl`` of them are
    answered within ``target_seconds``, with the SL, ASA and occupancy they give."""
    traffic = check_staffing_inputs(calls, interval_seconds, aht_seconds, target_sl, target_seconds)
    if traffic == 0:
        return Staffing(agents=0, service_level=1.0, asa_seconds=0.0, occupancy=0.0)
    agents = math.floor(traffic) + 1
    blocking = erlang_b(traffic, agents)
    while True:
        wait_probability = _wait_probability(traffic, agents, blocking)
        level = _service_level(traffic, agents, wait_probability, aht_seconds, target_seconds)
        if level >= target_sl:
            asa = wait_probability * aht_seconds / (agents - traffic)
            return Staffing(agents, level, asa, traffic / agents)
        agents += 1
        blocking = _next_blocking(traffic, agents, blocking)


def check_service_inputs(aht_seconds: float, target_seconds: float) -> None:
    """Refuse an AHT or a target time no service level can be computed for."""
    _check_positive("aht_seconds", aht_seconds)
    _check_target_seconds(target_seconds)


def check_staffing_inputs(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_sl: float,
    target_seconds: float,
) -> float:
    """The traffic in erlangs of a staffing question, once every input is known possible."""
    _check_calls(calls)
    _check_positive("interval_seconds", interval_seconds)
    check_service_inputs(aht_seconds, target_seconds)
    _check_target_sl(target_sl)
    traffic = calls * aht_seconds / interval_seconds
    _check_traffic(traffic)
    return traffic


def scheduled(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` remain after ``shrinkage`` (breaks, training,
    absence: the share of paid time not available for calls): ceil(agents / (1 - s))."""
    _check_agents(agents)
    if not math.isfinite(shrinkage) or not 0 <= shrinkage < 1:
        raise ErlangInputError(
            "shrinkage", f"must be at least 0 and below 1 (0.3 means 30%), got {shrinkage!r}"
        )
    # Rounded first: 1 / (1 - 0.8) is 5.000000000000001 in floating point, and 5 agents
    # are enough, not 6.
    return math.ceil(round(agents / (1 - shrinkage), 9))


def _next_blocking(traffic: float, lines: int, blocking: float) -> float:
    carried = traffic * blocking
    return carried / (lines + carried)


def _wait_probability(traffic: float, agents: int, blocking: float) -> float:
    """Erlang C from Erlang B: C = N·B / (N - A·(1 - B)), for N > A."""
    return agents * blocking / (agents - traffic * (1 - blocking))


def _service_level(
    traffic: float, agents: int, wait_probability: float, aht: float, target: float
) -> float:
    return 1.0 - wait_probability * math.exp(-(agents - traffic) * target / aht)


def _check_traffic(traffic: float) -> None:
    if not math.isfinite(traffic) or traffic < 0:
        raise ErlangInputError(
            "traffic", f"must be a finite number of erlangs, at least 0, got {traffic!r}"
        )
    if traffic > MAX_TRAFFIC:
        raise ErlangInputError(
            "traffic",
            f"of {traffic:,.0f} erlangs is more than {MAX_TRAFFIC:,.0f}: check the calls, "
            "the interval and the AHT (all in the same unit?)",
        )


def _check_agents(agents: int) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise ErlangInputError("agents", f"must be a whole number, at least 0, got {agents!r}")


def _check_calls(calls: float) -> None:
    if not math.isfinite(calls) or calls < 0:
        raise ErlangInputError("calls", f"must be a finite number, at least 0, got {calls!r}")


def _check_positive(name: str, value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise ErlangInputError(name, f"must be a finite number of seconds above 0, got {value!r}")


def _check_target_sl(target_sl: float) -> None:
    if not math.isfinite(target_sl) or not 0 < target_sl <= 1:
        raise ErlangInputError(
            "target_sl", f"must be above 0 and at most 1 (0.8 means 80%), got {target_sl!r}"
        )


def _check_target_seconds(target_seconds: float) -> None:
    if not math.isfinite(target_seconds) or target_seconds < 0:
        raise ErlangInputError(
            "target_seconds",
            f"must be a finite number of seconds, at least 0, got {target_seconds!r}",
        )
