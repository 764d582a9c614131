"""Routing on real objects: longest idle first, capacity per channel beside the agent's
state, skills, offer timeout to the next agent, decline to someone else, and who may act."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from cti.interactions.model import (
    ACTIVE,
    CHAT,
    CLOSED,
    EMAIL,
    OFFERED,
    WAITING,
    Interaction,
    Offer,
)
from cti.interactions.router import (
    INTERACTION_CLOSED,
    NO_SUCH_INTERACTION,
    NOT_OFFERED,
    NOT_YOUR_INTERACTION,
    AgentAvailability,
    InteractionError,
    InteractionRouter,
)
from cti.interactions.rules import RoutingRules
from cti.protocol import AVAILABLE, ON_CALL, PAUSED, WRAP_UP


class Clock:
    def __init__(self) -> None:
        self.now = 1_796_000_000.0

    def __call__(self) -> float:
        return self.now


class Staff:
    """The agents' states as the board would give them, changed by the test."""

    def __init__(self) -> None:
        self.agents: dict[str, AgentAvailability] = {}

    def set(self, extension: str, state: str, since: float) -> None:
        self.agents[extension] = AgentAvailability(extension, state, since)

    def __call__(self) -> list[AgentAvailability]:
        return list(self.agents.values())


def rules(**changes: object) -> RoutingRules:
    base: dict[str, object] = {"offer_timeout_seconds": 20.0, "reoffer_after_seconds": 300.0}
    base.update(changes)
    return RoutingRules(**base)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def staff() -> Staff:
    return Staff()


def make(router: InteractionRouter, interaction_id: str, channel: str = EMAIL) -> Interaction:
    """An interaction arriving now (the router's clock)."""
    interaction = Interaction(interaction_id, channel, f"t-{interaction_id}", router._clock())
    router.arrive(interaction)
    return interaction


def offered(offers: list[Offer]) -> list[tuple[str, str]]:
    return [(o.interaction_id, o.extension) for o in offers]


def test_offer_goes_to_the_agent_idle_longest(clock: Clock, staff: Staff) -> None:
    staff.set("1002", AVAILABLE, clock.now - 10)
    staff.set("1001", AVAILABLE, clock.now - 5)
    staff.set("1003", AVAILABLE, clock.now - 600)
    router = InteractionRouter(rules(), staff, clock)
    make(router, "i1")
    assert offered(router.dispatch()) == [("i1", "1003")]


def test_work_spreads_because_an_offer_resets_idle_time(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    staff.set("1002", AVAILABLE, clock.now - 50)
    router = InteractionRouter(rules(capacity=MappingProxyType({CHAT: 3})), staff, clock)
    for n in range(4):
        make(router, f"c{n}", CHAT)
    assert offered(router.dispatch()) == [
        ("c0", "1001"),
        ("c1", "1002"),
        ("c2", "1001"),
        ("c3", "1002"),
    ]


def test_busy_paused_and_wrapup_agents_are_offered_nothing_by_default(
    clock: Clock, staff: Staff
) -> None:
    staff.set("1001", ON_CALL, clock.now - 100)
    staff.set("1002", PAUSED, clock.now - 100)
    staff.set("1003", WRAP_UP, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    interaction = make(router, "i1", CHAT)
    assert router.dispatch() == []
    assert interaction.status == WAITING
    staff.set("1003", AVAILABLE, clock.now)
    assert offered(router.dispatch()) == [("i1", "1003")]


def test_capacity_beside_a_call_lets_an_agent_on_a_call_take_chats(
    clock: Clock, staff: Staff
) -> None:
    staff.set("1001", ON_CALL, clock.now - 100)
    beside = MappingProxyType({CHAT: 1})
    router = InteractionRouter(rules(beside_call=beside), staff, clock)
    make(router, "c1", CHAT)
    make(router, "c2", CHAT)
    make(router, "m1", EMAIL)
    assert offered(router.dispatch()) == [("c1", "1001")]


def test_capacity_per_channel_caps_what_one_agent_holds(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(capacity=MappingProxyType({CHAT: 3, EMAIL: 1})), staff, clock)
    for n in range(4):
        make(router, f"c{n}", CHAT)
    make(router, "m1", EMAIL)
    make(router, "m2", EMAIL)
    got = offered(router.dispatch())
    assert sorted(got) == [("c0", "1001"), ("c1", "1001"), ("c2", "1001"), ("m1", "1001")]
    assert [i.interaction_id for i in router.queue.in_order()] == ["c3", "m2"]


def test_a_closed_interaction_frees_room_for_the_next(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    make(router, "m1")
    make(router, "m2")
    assert offered(router.dispatch()) == [("m1", "1001")]
    router.accept("m1", "1001")
    assert router.dispatch() == []
    router.close("m1", "1001", "solved", "closed")
    assert offered(router.dispatch()) == [("m2", "1001")]


def test_skills_keep_a_channel_from_agents_without_it(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 500)
    staff.set("1002", AVAILABLE, clock.now - 10)
    skills = MappingProxyType({"1001": frozenset({EMAIL})})
    router = InteractionRouter(rules(skills=skills), staff, clock)
    make(router, "c1", CHAT)
    assert offered(router.dispatch()) == [("c1", "1002")]


def test_offer_times_out_and_goes_to_the_next_agent(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    staff.set("1002", AVAILABLE, clock.now - 50)
    router = InteractionRouter(rules(), staff, clock)
    interaction = make(router, "m1")
    assert offered(router.dispatch()) == [("m1", "1001")]
    assert router.next_deadline() == clock.now + 20
    clock.now += 19.9
    assert router.expire_due() == []
    clock.now += 0.1
    assert router.expire_due() == [interaction]
    assert interaction.status == WAITING
    assert offered(router.dispatch()) == [("m1", "1002")]
    with pytest.raises(InteractionError) as late:
        router.accept("m1", "1001")
    assert late.value.code == NOT_YOUR_INTERACTION


def test_declined_offer_goes_to_someone_else_then_back_after_the_pause(
    clock: Clock, staff: Staff
) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    interaction = make(router, "m1")
    router.dispatch()
    router.decline("m1", "1001")
    assert router.dispatch() == []  # nobody else, and 1001 just passed
    staff.set("1002", AVAILABLE, clock.now)
    assert offered(router.dispatch()) == [("m1", "1002")]
    router.decline("m1", "1002")
    clock.now += 300
    assert offered(router.dispatch()) == [("m1", "1001")]
    assert interaction.offered_at == clock.now - 300  # the first offer's time is kept


def test_requeued_interaction_keeps_its_place_ahead_of_newer_ones(
    clock: Clock, staff: Staff
) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    make(router, "old")
    router.dispatch()
    clock.now += 5
    make(router, "new")
    router.decline("old", "1001")
    staff.set("1002", AVAILABLE, clock.now)
    assert offered(router.dispatch()) == [("old", "1002"), ("new", "1001")]


def test_accept_then_reply_sets_times_once(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    interaction = make(router, "m1")
    router.dispatch()
    clock.now += 3
    router.accept("m1", "1001")
    assert (interaction.status, interaction.accepted_at) == (ACTIVE, clock.now)
    assert router.next_deadline() is None
    clock.now += 7
    router.responded("m1", "1001")
    clock.now += 7
    router.responded("m1", "1001")
    assert interaction.first_response_at == clock.now - 7


def test_an_agent_cannot_act_on_another_agents_interaction(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    make(router, "m1")
    router.dispatch()
    for act in (
        lambda: router.accept("m1", "1002"),
        lambda: router.decline("m1", "1002"),
        lambda: router.close("m1", "1002", None, "closed"),
        lambda: router.responded("m1", "1002"),
    ):
        with pytest.raises(InteractionError) as refused:
            act()
        assert refused.value.code == NOT_YOUR_INTERACTION
    router.accept("m1", "1001")
    with pytest.raises(InteractionError) as twice:
        router.accept("m1", "1001")
    assert twice.value.code == NOT_OFFERED
    with pytest.raises(InteractionError) as stolen:
        router.responded("m1", "1002")
    assert stolen.value.code == NOT_YOUR_INTERACTION


def test_unknown_and_closed_interactions_say_so(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    with pytest.raises(InteractionError) as unknown:
        router.accept("nope", "1001")
    assert unknown.value.code == NO_SUCH_INTERACTION
    make(router, "m1")
    router.dispatch()
    router.accept("m1", "1001")
    closed = router.close("m1", "1001", "solved", "closed")
    assert (closed.status, closed.disposition, closed.closed_at) == (CLOSED, "solved", clock.now)
    for act in (
        lambda: router.accept("m1", "1001"),
        lambda: router.close("m1", "1001", None, "closed"),
        lambda: router.responded("m1", "1001"),
    ):
        with pytest.raises(InteractionError) as late:
            act()
        assert late.value.code == INTERACTION_CLOSED
    assert router.get("m1") is closed


def test_supervisor_or_system_may_close_a_waiting_interaction(clock: Clock, staff: Staff) -> None:
    router = InteractionRouter(rules(), staff, clock)
    interaction = make(router, "c1", CHAT)
    router.close("c1", None, None, "visitor_left")
    assert (interaction.status, interaction.end_reason) == (CLOSED, "visitor_left")
    assert len(router.queue) == 0
    staff.set("1001", AVAILABLE, clock.now - 100)
    assert router.dispatch() == []


def test_owner_cannot_close_an_offer_it_has_not_accepted(clock: Clock, staff: Staff) -> None:
    staff.set("1001", AVAILABLE, clock.now - 100)
    router = InteractionRouter(rules(), staff, clock)
    interaction = make(router, "m1")
    router.dispatch()
    with pytest.raises(InteractionError) as early:
        router.close("m1", "1001", None, "closed")
    assert early.value.code == NOT_OFFERED
    assert interaction.status == OFFERED


def test_the_same_interaction_cannot_arrive_twice(clock: Clock, staff: Staff) -> None:
    router = InteractionRouter(rules(), staff, clock)
    make(router, "m1")
    with pytest.raises(ValueError, match="already open"):
        make(router, "m1")
