"""Erlang A (M/M/N+M): Erlang C with callers who hang up when their patience runs out.

Real callers give up. Those who do free the queue for the others, and they are not answered
within the target either, so a queue with a known mean patience needs a different staffing
than Erlang C's, usually a little lower. Patience is exponential with mean
``patience_seconds`` (the model's θ = 1 / patience), calls are served first come, first
served, and the service level keeps cti's definition: answered within the target over
offered, so a caller who gives up counts against it (docs/service-level.md).

The number of calls in the system is a birth-death chain, with N agents each finishing at
rate μ = 1/AHT and j waiting callers leaving at rate jθ besides. Relative to the state "all
N agents busy, nobody waiting", the states with an idle agent weigh 1/B(N, A) - 1 (Erlang B,
from `cti.reports.erlang`) and the state with j waiting weighs ∏ A / (N + i·AHT/patience),
summed in log space so that nothing overflows. A caller who arrives behind j others reaches
an agent after V_j, a sum of exponentials of rates Nμ + iθ (i = 0..j), unless it hangs up
first; its chance to be answered within t is x/(x+j+1) · I_u(j+1, x+1) with x = Nμ/θ,
u = 1 - exp(-θt) and I the regularized incomplete beta function, which for a whole first
argument is a finite sum (docs/erlang.md derives it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from cti.reports.erlang import (
    ErlangInputError,
    check_service_inputs,
    check_staffing_inputs,
    erlang_b,
    erlang_b_table,
    staff_for,
)

MAX_QUEUE_TERMS = 2_000_000
"""Waiting-queue lengths summed before giving up: a patience so long against so few agents
that the queue would hold millions is Erlang C's case, not Erlang A's."""
_NEGLIGIBLE = 40.0
"""Queue states whose weight is below e^-40 of the largest add nothing to a float sum."""


@dataclass(frozen=True, slots=True)
class Performance:
    """How a queue with ``agents`` agents runs when callers may hang up."""

    agents: int
    service_level: float
    """Answered within the target over offered, 0..1 (a caller who hangs up counts against)."""
    asa_seconds: float
    """Average wait of the answered calls (those answered at once count 0 s)."""
    abandon_rate: float
    """Share of offered calls that hang up before an agent answers, 0..1."""
    occupancy: float
    """Traffic the agents actually carry / agents, 0..1."""
    wait_probability: float
    """Share of calls that find every agent busy."""


def performance(
    traffic: float, agents: int, aht_seconds: float, patience_seconds: float, target_seconds: float
) -> Performance:
    """The service level, ASA, abandons and occupancy of ``agents`` agents at ``traffic``."""
    check_service_inputs(aht_seconds, target_seconds)
    _check_patience(patience_seconds)
    blocking = erlang_b(traffic, agents)  # checks the traffic and the agents
    return _performance(traffic, agents, blocking, aht_seconds, patience_seconds, target_seconds)


def _performance(
    traffic: float, agents: int, blocking: float, aht: float, patience: float, target: float
) -> Performance:
    if traffic == 0:
        return Performance(agents, 1.0, 0.0, 0.0, 0.0, 0.0)
    if agents == 0:  # every caller waits until they hang up
        return Performance(0, 0.0, 0.0, 1.0, 0.0, 1.0)
    if blocking == 0.0:  # so many spare agents that no one ever waits
        return Performance(agents, 1.0, 0.0, 0.0, traffic / agents, 0.0)
    queue = _Queue(traffic, agents, aht, patience, target)
    return queue.performance(math.log((1 - blocking) / blocking))


def staff_with_patience(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_sl: float,
    target_seconds: float,
    patience_seconds: float,
    max_abandon_rate: float | None = None,
) -> Performance:
    """The fewest agents whose service level reaches ``target_sl`` (and whose abandon rate
    stays at most ``max_abandon_rate``, if given), callers hanging up after
    ``patience_seconds`` on average, and how the queue runs with them.

    Both measures improve with every agent added, so a bisection finds the fewest."""
    traffic = check_staffing_inputs(calls, interval_seconds, aht_seconds, target_sl, target_seconds)
    _check_patience(patience_seconds)
    most_abandons = _check_max_abandon_rate(max_abandon_rate)
    if traffic == 0:
        return Performance(0, 1.0, 0.0, 0.0, 0.0, 0.0)

    blocking: list[float] = []  # B(0), B(1)... of this traffic, grown as probes need

    def run(agents: int) -> _Probe:
        if agents >= len(blocking):
            blocking[:] = erlang_b_table(traffic, max(agents, 2 * len(blocking)))
        found = _performance(
            traffic, agents, blocking[agents], aht_seconds, patience_seconds, target_seconds
        )
        return found.service_level >= target_sl and found.abandon_rate <= most_abandons, found

    # The agents answer at most N/A of the calls, so N <= target·A cannot reach the target.
    short = math.floor(target_sl * traffic)
    # Erlang C's answer is close unless callers are impatient, and probes above the traffic
    # are cheap (a short queue), so the search starts there.
    start = max(
        short + 1, staff_for(calls, interval_seconds, aht_seconds, target_sl, target_seconds).agents
    )
    return _fewest_meeting(run, short, start)


_Probe = tuple[bool, Performance]
"""Whether a staffing meets the target, and how the queue runs with it."""


def _fewest_meeting(run: Callable[[int], _Probe], short: int, start: int) -> Performance:
    """Bisection for the fewest agents that meet the target, ``short`` known to fall short,
    galloping from ``start`` (1, 2, 4... agents at a time) to bracket the answer first."""
    meets, found = run(start)
    enough, step = start, 1
    while not meets:
        short, enough, step = enough, enough + step, step * 2
        meets, found = run(enough)
    while enough - step > short:
        meets, candidate = run(enough - step)
        if not meets:
            short = enough - step
            break
        enough, found, step = enough - step, candidate, step * 2
    while enough - short > 1:
        middle = (short + enough) // 2
        meets, candidate = run(middle)
        if meets:
            enough, found = middle, candidate
        else:
            short = middle
    return found


class _Queue:
    """One evaluation: the queue's states summed once, each term with its caller's fate."""

    def __init__(
        self, traffic: float, agents: int, aht: float, patience: float, target: float
    ) -> None:
        self.traffic, self.agents = traffic, agents
        self.ratio = aht / patience  # θ/μ
        self.x = agents / self.ratio  # Nμ/θ
        self.theta_t = target / patience
        self.serve_rate = agents / aht  # Nμ, per second
        self.abandon_rate = 1 / patience  # θ, per second

    def performance(self, log_idle: float) -> Performance:
        terms = self._terms()
        top = max(log_idle, max(t[0] for t in terms))
        idle = math.exp(log_idle - top)
        total = idle
        waiting = served = within = wait_time = 0.0
        for log_weight, answered, in_time, mean_wait in terms:
            weight = math.exp(log_weight - top)
            total += weight
            waiting += weight
            served += weight * answered
            within += weight * answered * in_time
            wait_time += weight * answered * mean_wait
        answered_share = (idle + served) / total
        abandoned = (waiting - served) / total
        return Performance(
            agents=self.agents,
            service_level=min(1.0, (idle + within) / total),
            asa_seconds=wait_time / total / answered_share,
            abandon_rate=max(0.0, abandoned),
            occupancy=min(1.0, self.traffic * (1 - abandoned) / self.agents),
            wait_probability=waiting / total,
        )

    def _terms(self) -> list[tuple[float, float, float, float]]:
        """Per queue length j: log weight, P(answered), P(within target | answered),
        E[wait | answered]."""
        terms: list[tuple[float, float, float, float]] = []
        beta = _IncompleteBeta(self.x + 1, self.theta_t)
        log_weight, top, inverse_sum = 0.0, 0.0, 0.0
        peak = (self.traffic - self.agents) / self.ratio  # weights grow until here
        if peak > MAX_QUEUE_TERMS:
            raise self._endless()
        for j in range(MAX_QUEUE_TERMS):
            if j > 0:
                log_weight += math.log(self.traffic / (self.agents + j * self.ratio))
                top = max(top, log_weight)
                if j > peak and log_weight < top - _NEGLIGIBLE:
                    return terms
            inverse_sum += 1 / (self.serve_rate + (j + 1) * self.abandon_rate)
            answered = self.x / (self.x + j + 1)
            terms.append((log_weight, answered, beta.next_value(), inverse_sum))
        raise self._endless()

    def _endless(self) -> ErlangInputError:
        return ErlangInputError(
            "patience_seconds",
            f"is too long for Erlang A with {self.agents} agents at {self.traffic:,.0f} "
            "erlangs (the queue would hold millions): leave the patience out (Erlang C)",
        )


class _IncompleteBeta:
    """I_u(m, b) for m = 1, 2, 3... in turn, u = 1 - exp(-θt): for a whole m it is
    1 - sum over i < m of C(b+i-1, i) u^i (1-u)^b, each term from the last, in logs."""

    def __init__(self, b: float, theta_t: float) -> None:
        self.b = b
        self.log_u = math.log(-math.expm1(-theta_t)) if theta_t > 0 else -math.inf
        self.log_term = -theta_t * b  # log of (1-u)^b
        self.index = 0
        self.partial = 0.0

    def next_value(self) -> float:
        if self.index > 0:
            factor = (self.b + self.index - 1) / self.index
            self.log_term += math.log(factor) + self.log_u
        self.partial += math.exp(self.log_term)
        self.index += 1
        return max(0.0, 1.0 - self.partial)


def _check_patience(patience_seconds: float) -> None:
    if not math.isfinite(patience_seconds) or patience_seconds <= 0:
        raise ErlangInputError(
            "patience_seconds",
            f"must be a finite number of seconds above 0, got {patience_seconds!r}",
        )


def _check_max_abandon_rate(max_abandon_rate: float | None) -> float:
    if max_abandon_rate is None:
        return 1.0
    if not math.isfinite(max_abandon_rate) or not 0 < max_abandon_rate <= 1:
        raise ErlangInputError(
            "max_abandon_rate",
            f"must be above 0 and at most 1 (0.05 means 5%), got {max_abandon_rate!r}",
        )
    return max_abandon_rate
