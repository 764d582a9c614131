"""Erlang A (callers who hang up) against a simulation of the queue, its limits and identities.

No published Erlang A table was found to copy from, so the model is checked three ways that
do not share its formulas: a seeded event-by-event simulation of the same queue, the limit
of endless patience (Erlang C, which tests/unit/reports/test_erlang.py checks against
published examples), and the rate balance of abandons (callers leave the queue at θ per
waiting caller, so abandon rate = θ·E[queue] / λ).
"""

from __future__ import annotations

import heapq
import math
import random

import pytest

from cti.reports.erlang import ErlangInputError, erlang_b, erlang_c, service_level, staff_for
from cti.reports.erlang_a import Performance, performance, staff_with_patience

AHT = 180.0
HALF_HOUR = 1800.0


def simulate(
    traffic: float, agents: int, patience: float, target: float, callers: int, seed: int
) -> tuple[float, float, float]:
    """First come, first served with exponential handle times and patience: each caller
    takes the first agent free after its arrival, unless its patience ends first.
    Returns service level, ASA of answered calls and abandon rate."""
    rng = random.Random(seed)
    free_at = [0.0] * agents
    clock, within, answered, abandoned, waited = 0.0, 0, 0, 0, 0.0
    warm_up = callers // 10
    for caller in range(warm_up + callers):
        clock += rng.expovariate(traffic / AHT)
        patience_left = rng.expovariate(1 / patience)
        start = max(clock, free_at[0])
        wait = start - clock
        counted = caller >= warm_up
        if wait <= patience_left:
            heapq.heapreplace(free_at, start + rng.expovariate(1 / AHT))
            answered += counted
            within += counted and wait <= target
            waited += wait if counted else 0.0
        else:
            abandoned += counted
    return within / callers, waited / answered, abandoned / callers


def queue_mean_length(traffic: float, agents: int, patience: float) -> float:
    """E[callers waiting] of the same birth-death chain, summed directly (small cases)."""
    weights = [traffic**k / math.factorial(k) for k in range(agents + 1)]
    waiting = []
    weight = weights[-1]
    for j in range(1, 2000):
        weight *= traffic / (agents + j * AHT / patience)
        waiting.append(weight)
    total = sum(weights) + sum(waiting)
    return sum(j * w for j, w in enumerate(waiting, start=1)) / total


@pytest.mark.parametrize(
    ("traffic", "agents", "patience", "seed"),
    [(10.0, 12, 60.0, 11), (10.0, 8, 60.0, 12), (5.0, 5, 120.0, 13)],
)
def test_performance_matches_a_simulation_of_the_queue(
    traffic: float, agents: int, patience: float, seed: int
) -> None:
    level, asa, abandons = simulate(traffic, agents, patience, 20.0, 300_000, seed)
    model = performance(traffic, agents, AHT, patience, 20.0)
    assert model.service_level == pytest.approx(level, abs=0.01)
    assert model.abandon_rate == pytest.approx(abandons, abs=0.01)
    assert model.asa_seconds == pytest.approx(asa, rel=0.1)


def test_endless_patience_is_erlang_c() -> None:
    model = performance(10.0, 14, AHT, 1e8, 20.0)
    assert model.service_level == pytest.approx(service_level(10.0, 14, AHT, 20.0), abs=1e-6)
    assert model.wait_probability == pytest.approx(erlang_c(10.0, 14), abs=1e-6)
    assert model.asa_seconds == pytest.approx(erlang_c(10.0, 14) * AHT / 4, rel=1e-4)
    assert model.abandon_rate < 1e-6


def test_abandons_balance_the_waiting_queue() -> None:
    """Callers leave the queue at 1/patience each: abandons = E[queue] / patience / λ."""
    for agents in (6, 10, 13):
        model = performance(10.0, agents, AHT, 90.0, 20.0)
        rate_balance = queue_mean_length(10.0, agents, 90.0) / 90.0 / (10.0 / AHT)
        assert model.abandon_rate == pytest.approx(rate_balance, rel=1e-9), agents


def test_occupancy_counts_only_the_calls_answered() -> None:
    model = performance(10.0, 8, AHT, 60.0, 20.0)
    assert model.occupancy == pytest.approx(10.0 * (1 - model.abandon_rate) / 8)
    assert model.occupancy < 1


def test_fewer_agents_than_erlangs_still_gives_a_finite_queue() -> None:
    """Erlang C has no answer below A agents; with hang-ups the queue stays finite."""
    model = performance(10.0, 7, AHT, 60.0, 20.0)
    assert 0 < model.service_level < 0.5
    assert 0.2 < model.abandon_rate < 0.5
    assert erlang_c(10.0, 7) == 1.0


def test_more_agents_never_lower_the_service_level_or_raise_abandons() -> None:
    runs = [performance(37.5, n, AHT, 45.0, 20.0) for n in range(20, 60)]
    levels = [run.service_level for run in runs]
    abandons = [run.abandon_rate for run in runs]
    assert levels == sorted(levels)
    assert abandons == sorted(abandons, reverse=True)


def test_more_patience_never_raises_abandons() -> None:
    abandons = [performance(10.0, 11, AHT, p, 20.0).abandon_rate for p in (10, 30, 60, 300, 3600)]
    assert abandons == sorted(abandons, reverse=True)


def test_staffing_is_the_fewest_agents_that_reach_the_target() -> None:
    for calls in (10, 100, 1000):
        found = staff_with_patience(calls, HALF_HOUR, AHT, 0.8, 20.0, 60.0)
        traffic = calls * AHT / HALF_HOUR
        assert found.service_level >= 0.8
        assert performance(traffic, found.agents - 1, AHT, 60.0, 20.0).service_level < 0.8


def test_worked_example_with_60_second_patience_needs_12_agents_not_14() -> None:
    """Call Centre Helper's example (100 calls / 30 min, AHT 180 s, 80/20) needs 14
    agents with Erlang C; if callers hang up after 60 s on average, 12 do, and 7.6%
    of the callers hang up."""
    found = staff_with_patience(100, HALF_HOUR, AHT, 0.8, 20.0, 60.0)
    assert staff_for(100, HALF_HOUR, AHT, 0.8, 20.0).agents == 14
    assert found.agents == 12
    assert round(found.abandon_rate, 3) == 0.076


def test_an_abandon_ceiling_adds_the_agents_it_takes() -> None:
    loose = staff_with_patience(100, HALF_HOUR, AHT, 0.8, 20.0, 60.0)
    capped = staff_with_patience(100, HALF_HOUR, AHT, 0.8, 20.0, 60.0, max_abandon_rate=0.05)
    assert loose.abandon_rate > 0.05
    assert capped.abandon_rate <= 0.05
    assert capped.agents > loose.agents
    fewer = performance(10.0, capped.agents - 1, AHT, 60.0, 20.0)
    assert fewer.abandon_rate > 0.05


def test_2000_erlangs_with_patience_are_staffed() -> None:
    found = staff_with_patience(20_000, HALF_HOUR, AHT, 0.8, 20.0, 60.0, max_abandon_rate=0.05)
    assert found.service_level >= 0.8
    assert found.abandon_rate <= 0.05
    assert 1500 < found.agents < staff_for(20_000, HALF_HOUR, AHT, 0.8, 20.0).agents
    assert all(math.isfinite(v) for v in (found.asa_seconds, found.occupancy))


def test_no_calls_need_no_agents() -> None:
    assert staff_with_patience(0, HALF_HOUR, AHT, 0.8, 20.0, 60.0) == Performance(
        0, 1.0, 0.0, 0.0, 0.0, 0.0
    )


def test_no_agents_leave_every_caller_to_hang_up() -> None:
    model = performance(3.0, 0, AHT, 60.0, 20.0)
    assert (model.service_level, model.abandon_rate) == (0.0, 1.0)


def test_so_many_agents_that_no_one_waits() -> None:
    assert erlang_b(1.0, 400) == 0.0
    model = performance(1.0, 400, AHT, 60.0, 20.0)
    assert (model.service_level, model.wait_probability) == (1.0, 0.0)


def test_a_zero_target_counts_only_calls_answered_at_once() -> None:
    model = performance(10.0, 12, AHT, 60.0, 0.0)
    assert model.service_level == pytest.approx(1 - model.wait_probability)


# --- bad input -------------------------------------------------------------------------


def test_zero_patience_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"patience_seconds must be .* above 0, got 0"):
        staff_with_patience(100, HALF_HOUR, AHT, 0.8, 20.0, 0.0)


def test_nan_patience_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"patience_seconds .* got nan"):
        performance(10.0, 12, AHT, math.nan, 20.0)


def test_an_abandon_ceiling_above_1_is_refused() -> None:
    with pytest.raises(ErlangInputError, match="max_abandon_rate must be above 0 and at most 1"):
        staff_with_patience(100, HALF_HOUR, AHT, 0.8, 20.0, 60.0, max_abandon_rate=1.5)


def test_zero_aht_is_refused_by_performance_too() -> None:
    with pytest.raises(ErlangInputError, match="aht_seconds"):
        performance(10.0, 12, 0.0, 60.0, 20.0)


def test_a_patience_so_long_the_queue_never_ends_is_refused_clearly() -> None:
    """A week's patience against half the agents needed: millions would wait."""
    with pytest.raises(ErlangInputError, match="patience_seconds is too long for Erlang A"):
        performance(2000.0, 1000, AHT, 7 * 86400.0, 20.0)
