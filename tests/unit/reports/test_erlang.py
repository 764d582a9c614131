"""Erlang B/C and staffing against published worked examples and tables.

Sources (the values copied below, with where they were read):

[CCH] Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example",
      https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm. Inputs: 100 calls
      in 30 minutes, AHT 180 s, 80% answered in 20 s, shrinkage 30%. Result for N = 14:
      P(wait) = 0.1741, service level 88.8%, ASA 7.8 s, occupancy 71.4%, and
      14 / (1 - 0.3) = 20 agents to schedule. (Read in the page's reprint in the
      Nemotron-CC-Math-v1 web crawl; the URL is the one the page's readers cite.)
[CRAN] Damonsoul, R package "ErlangC" 0.1.0 (CRAN, 2024-12-05), README, the same example
      printed with more digits: N = 14: wait_probability 0.1741319, service_level 0.88835,
      average_speed_of_answer 7.83593701177724 s, occupancy 0.7142857, agents 14; the first
      row of its search, N = 11: wait_probability 0.6821182, service_level 0.3896138.
      https://stat.ethz.ch/CRAN/web/packages/ErlangC/readme/README.html
[PWF] pyworkforce 0.1.0, PyPI project page, the same example: raw_positions 14,
      positions 20, service_level 0.8883500191794669, occupancy 0.7142857142857143,
      waiting_probability 0.1741319335950498. https://pypi.org/project/pyworkforce/0.1.0/
[WB]  Westbay Engineers, Erlang calculator manual, "How much traffic?":
      15 lines at 1% blocking carry at most 8.108 erlangs (Erlang B).
      https://erlang.com/calculatormanual/howmuchtrafficcanatrunkgrouphandle.htm
[CCX] Westbay Engineers' forum, topic "CCXLService", 12 January 2021: the question (Sam
      Peasley, #77995): 21 agents, 57 calls of 1110 s, target 180 s, CC-Excel says 80.7%;
      the reply (Tom Howard, #78012): confirmed with Westbay Traffic Calculators, and with
      the target time changed to 20 s the agents required rise from 21 to 23. (Read in the
      thread's reprint in the Nemotron-CC-Math-v1 web crawl. The thread does not say the
      period; Westbay's Excel functions count calls per hour, and per hour is what
      reproduces 80.7%. The 80% target of the 21 -> 23 is the question's.)
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest

from cti.reports.erlang import (
    ErlangInputError,
    Staffing,
    erlang_b,
    erlang_c,
    scheduled,
    service_level,
    staff_for,
)

HALF_HOUR = 1800.0
HOUR = 3600.0


def lgamma_erlang_b(traffic: float, agents: int) -> float:
    """Erlang B straight from its definition, (A^N/N!) / sum(A^k/k!), in log space: an
    independent reference that does not use the recurrence under test."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(agents + 1)]
    top = max(logs)
    return math.exp(logs[agents] - top) / sum(math.exp(x - top) for x in logs)


def exact_erlang_c(traffic: Fraction, agents: int) -> Fraction:
    """Erlang C in exact rational arithmetic, from the textbook formula with factorials."""
    term = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    head = sum(traffic**k / math.factorial(k) for k in range(agents))
    return term / (head + term)


# --- published examples -------------------------------------------------------------


def test_call_centre_helper_worked_example_needs_14_agents() -> None:
    """[CCH]: 100 calls / 30 min, AHT 180 s, 80/20 -> 14 agents, 88.8%, 7.8 s, 71.4%."""
    staffing = staff_for(100, HALF_HOUR, 180, 0.8, 20)
    assert staffing.agents == 14
    assert round(staffing.service_level * 100, 1) == 88.8
    assert round(staffing.asa_seconds, 1) == 7.8
    assert round(staffing.occupancy * 100, 1) == 71.4
    assert round(erlang_c(10, 14), 4) == 0.1741


def test_call_centre_helper_example_schedules_20_with_30_percent_shrinkage() -> None:
    """[CCH], [PWF]: 14 / (1 - 0.3) = 20 agents to schedule."""
    assert scheduled(14, 0.3) == 20


def test_worked_example_matches_the_published_digits() -> None:
    """[CRAN] to 7 digits and [PWF] to 15: the same model, the same numbers."""
    staffing = staff_for(100, HALF_HOUR, 180, 0.8, 20)
    assert erlang_c(10, 14) == pytest.approx(0.1741319335950498, rel=1e-13)
    assert staffing.service_level == pytest.approx(0.8883500191794669, rel=1e-13)
    assert staffing.occupancy == pytest.approx(0.7142857142857143, rel=1e-15)
    assert staffing.asa_seconds == pytest.approx(7.83593701177724, rel=1e-12)
    assert round(erlang_c(10, 11), 7) == 0.6821182
    assert round(service_level(10, 11, 180, 20), 7) == 0.3896138


def test_westbay_forum_21_agents_give_80_7_percent_within_180_seconds() -> None:
    """[CCX]: 57 calls/h of 1110 s, 21 agents, 180 s -> 80.7%."""
    traffic = 57 * 1110 / HOUR
    assert round(service_level(traffic, 21, 1110, 180) * 100, 1) == 80.7


def test_westbay_forum_20_second_target_needs_23_agents_instead_of_21() -> None:
    """[CCX]: at 80%, 21 agents for a 180 s target, 23 for a 20 s target."""
    assert staff_for(57, HOUR, 1110, 0.8, 180).agents == 21
    assert staff_for(57, HOUR, 1110, 0.8, 20).agents == 23


def test_westbay_erlang_b_15_lines_carry_8_108_erlangs_at_1_percent() -> None:
    """[WB]: 8.108 E is the most 15 lines carry within 1% blocking (to 3 decimals)."""
    assert erlang_b(8.108, 15) <= 0.01 < erlang_b(8.109, 15)
    assert round(erlang_b(8.108, 15), 4) == 0.0100


# --- against the definitions ----------------------------------------------------------


@pytest.mark.parametrize(("traffic", "agents"), [(3, 4), (10, 14), (Fraction(35, 2), 21), (50, 60)])
def test_erlang_c_equals_the_factorial_formula_in_exact_arithmetic(
    traffic: Fraction | int, agents: int
) -> None:
    exact = exact_erlang_c(Fraction(traffic), agents)
    assert erlang_c(float(traffic), agents) == pytest.approx(float(exact), rel=1e-12)


@pytest.mark.parametrize("agents", [2000, 2050, 2100, 2200])
def test_2000_erlangs_match_the_log_space_definition(agents: int) -> None:
    """No factorial overflows and no precision is lost at 2,000 erlangs."""
    blocking = erlang_b(2000.0, agents)
    assert 0 < blocking < 1
    assert blocking == pytest.approx(lgamma_erlang_b(2000.0, agents), rel=1e-9)


def test_2000_erlangs_staff_for_reaches_the_target_with_the_fewest_agents() -> None:
    """2,000 erlangs: 20,000 calls of 180 s in 30 minutes."""
    staffing = staff_for(20_000, HALF_HOUR, 180, 0.8, 20)
    assert 2000 < staffing.agents < 2100
    assert staffing.service_level >= 0.8
    assert service_level(2000.0, staffing.agents - 1, 180, 20) < 0.8
    assert all(math.isfinite(v) for v in (staffing.asa_seconds, staffing.occupancy))
    assert staffing.occupancy == pytest.approx(2000 / staffing.agents)


def test_staffing_is_the_fewest_agents_that_reach_the_target() -> None:
    for calls in (1, 7, 42, 100, 333, 1000, 5000):
        staffing = staff_for(calls, HALF_HOUR, 240, 0.9, 15)
        traffic = calls * 240 / HALF_HOUR
        assert service_level(traffic, staffing.agents, 240, 15) == staffing.service_level
        assert staffing.service_level >= 0.9
        assert service_level(traffic, staffing.agents - 1, 240, 15) < 0.9, calls


def test_asa_is_the_wait_probability_times_aht_over_spare_agents() -> None:
    staffing = staff_for(100, HALF_HOUR, 180, 0.8, 20)
    assert staffing.asa_seconds == pytest.approx(erlang_c(10, 14) * 180 / (14 - 10))


# --- monotonicity ---------------------------------------------------------------------


def test_more_agents_never_lower_the_service_level_or_raise_the_wait() -> None:
    levels = [service_level(37.5, n, 300, 20) for n in range(38, 70)]
    waits = [erlang_c(37.5, n) for n in range(38, 70)]
    assert levels == sorted(levels)
    assert waits == sorted(waits, reverse=True)
    assert levels[-1] > 0.999


def test_more_calls_never_need_fewer_agents() -> None:
    needed = [staff_for(calls, HALF_HOUR, 180, 0.8, 20).agents for calls in range(0, 2001, 25)]
    assert needed == sorted(needed)
    assert needed[0] == 0


def test_a_stricter_target_never_needs_fewer_agents() -> None:
    by_level = [staff_for(400, HALF_HOUR, 180, sl / 100, 20).agents for sl in range(50, 100)]
    by_time = [staff_for(400, HALF_HOUR, 180, 0.8, t).agents for t in range(60, -1, -5)]
    assert by_level == sorted(by_level)
    assert by_time == sorted(by_time)


def test_erlang_b_falls_as_lines_are_added() -> None:
    values = [erlang_b(25.0, n) for n in range(0, 60)]
    assert values[0] == 1.0
    assert all(later < earlier for earlier, later in itertools.pairwise(values))


# --- edges ----------------------------------------------------------------------------


def test_no_calls_need_no_agents() -> None:
    assert staff_for(0, HALF_HOUR, 180, 0.8, 20) == Staffing(0, 1.0, 0.0, 0.0)


def test_too_few_agents_make_everyone_wait_and_no_one_answered_in_time() -> None:
    """At N <= A the queue grows without end: Erlang C is 1, the service level 0."""
    assert erlang_c(10.0, 10) == 1.0
    assert erlang_c(10.0, 3) == 1.0
    assert service_level(10.0, 9, 180, 20) == 0.0


def test_a_target_of_100_percent_is_reached_in_finite_staff() -> None:
    staffing = staff_for(100, HALF_HOUR, 180, 1.0, 20)
    assert staffing.service_level == 1.0
    assert 14 < staffing.agents < 60


def test_zero_target_seconds_means_answered_at_once() -> None:
    assert service_level(10.0, 14, 180, 0) == pytest.approx(1 - erlang_c(10.0, 14))


def test_shrinkage_zero_schedules_the_agents_needed() -> None:
    assert scheduled(14, 0.0) == 14
    assert scheduled(0, 0.3) == 0
    assert scheduled(14, 0.35) == 22  # 21.54 rounds up


def test_shrinkage_does_not_round_floating_point_noise_up_to_an_extra_agent() -> None:
    """1 / (1 - 0.8) and 4 / (1 - 0.9) are a hair above 5 and 40 in floating point."""
    assert scheduled(1, 0.8) == 5
    assert scheduled(4, 0.9) == 40


# --- bad input: one test each ---------------------------------------------------------


def test_zero_aht_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"aht_seconds must be .* above 0, got 0"):
        staff_for(100, HALF_HOUR, 0, 0.8, 20)


def test_negative_aht_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"aht_seconds .* got -180"):
        staff_for(100, HALF_HOUR, -180, 0.8, 20)


def test_a_target_service_level_above_1_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"target_sl must be above 0 and at most 1 .*1\.5"):
        staff_for(100, HALF_HOUR, 180, 1.5, 20)


def test_a_target_service_level_of_0_is_refused() -> None:
    with pytest.raises(ErlangInputError, match="target_sl"):
        staff_for(100, HALF_HOUR, 180, 0.0, 20)


def test_a_zero_interval_is_refused() -> None:
    with pytest.raises(ErlangInputError, match="interval_seconds must be"):
        staff_for(100, 0, 180, 0.8, 20)


def test_negative_calls_are_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"calls must be .* got -1"):
        staff_for(-1, HALF_HOUR, 180, 0.8, 20)


def test_nan_calls_are_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"calls .* got nan"):
        staff_for(math.nan, HALF_HOUR, 180, 0.8, 20)


def test_an_infinite_aht_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"aht_seconds .* got inf"):
        staff_for(100, HALF_HOUR, math.inf, 0.8, 20)


def test_negative_target_seconds_are_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"target_seconds .* got -20"):
        service_level(10.0, 14, 180, -20)


def test_traffic_beyond_any_contact_centre_is_refused() -> None:
    with pytest.raises(ErlangInputError, match="traffic of 10,000,000 erlangs is more than"):
        staff_for(1e8, HALF_HOUR, 180, 0.8, 20)


def test_shrinkage_of_100_percent_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"shrinkage must be at least 0 and below 1"):
        scheduled(14, 1.0)


def test_negative_shrinkage_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"shrinkage .* got -0.1"):
        scheduled(14, -0.1)


def test_a_fractional_or_negative_agent_count_is_refused() -> None:
    with pytest.raises(ErlangInputError, match="agents must be a whole number"):
        erlang_b(10.0, 2.5)  # type: ignore[arg-type]
    with pytest.raises(ErlangInputError, match=r"agents .* got -1"):
        erlang_c(10.0, -1)


def test_negative_traffic_is_refused() -> None:
    with pytest.raises(ErlangInputError, match=r"traffic must be .* got -3"):
        erlang_b(-3.0, 5)


def test_the_refused_input_is_named_for_callers_to_map() -> None:
    with pytest.raises(ErlangInputError) as caught:
        staff_for(100, HALF_HOUR, 0, 0.8, 20)
    assert caught.value.field == "aht_seconds"
    assert isinstance(caught.value, ValueError)
