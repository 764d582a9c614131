"""The lookup service with in-process sources: who is asked, in what order, and caching."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest

from cti.lookup import ContactStore, LookupService, LookupSettings, StoreSource
from tests.unit.lookup.fakes import FakeSource, person

ALICE = "+14155550123"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    "caller", [None, "", "  ", "<unknown>", "anonymous", "Anonymous", "Restricted", "withheld"]
)
async def test_withheld_or_missing_caller_id_never_reaches_a_source(caller: str | None) -> None:
    source = FakeSource("crm", [person("Alice")])
    service = LookupService([source])
    result = await service.lookup(caller)
    assert source.calls == []
    assert (result.contact, result.matches, result.match, result.known) == (None, (), None, False)


async def test_non_number_is_not_looked_up() -> None:
    source = FakeSource("crm", [person("Alice")])
    result = await LookupService([source]).lookup("sip-trunk")
    assert source.calls == []
    assert result.number_e164 is None


async def test_single_exact_match_is_the_contact_with_history(tmp_path: Path) -> None:
    store = ContactStore(tmp_path / "c.db")
    alice = store.add_contact("Alice", [("4155550123", ALICE, None)])
    store.add_interaction(alice, "email", "in", outcome="answered")
    result = await LookupService([StoreSource(store)]).lookup("(415) 555-0123")
    assert result.number_e164 == ALICE
    assert result.match == "exact"
    assert result.contact is not None
    assert result.contact["name"] == "Alice"
    assert [(h["channel"], h["outcome"]) for h in result.contact["history"]] == [
        ("email", "answered")
    ]
    assert [(r.name, r.status, r.count) for r in result.sources] == [("sqlite", "ok", 1)]


async def test_several_matches_leave_contact_empty_and_list_all() -> None:
    source = FakeSource("csv", [person("Carol"), person("Dave")])
    result = await LookupService([source]).lookup("4155550199")
    assert result.contact is None
    assert [m["name"] for m in result.matches] == ["Carol", "Dave"]
    assert result.pop_fields()["matches"] == list(result.matches)


async def test_suffix_match_is_reported_as_weaker() -> None:
    result = await LookupService([FakeSource("csv", [person("Al", "suffix")])]).lookup(ALICE)
    assert (result.match, result.contact and result.contact["name"]) == ("suffix", "Al")


async def test_failing_source_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    broken = FakeSource("crm", error=ConnectionError("refused"), local=False)
    backup = FakeSource("csv", [person("Alice")])
    with caplog.at_level(logging.WARNING):
        result = await LookupService([broken, backup]).lookup(ALICE)
    assert result.contact is not None and result.contact["source"] == "csv"
    assert [(r.name, r.status) for r in result.sources] == [("crm", "error"), ("csv", "ok")]
    assert "contact source crm failed: ConnectionError: refused" in caplog.text


async def test_higher_priority_source_wins_in_both_modes() -> None:
    for mode in ("parallel", "priority"):
        first = FakeSource("crm", [person("From CRM")], local=False)
        second = FakeSource("csv", [person("From CSV")])
        service = LookupService([first, second], LookupSettings(mode=mode))
        result = await service.lookup(ALICE)
        assert result.contact is not None and result.contact["name"] == "From CRM", mode


async def test_priority_mode_stops_at_the_first_source_that_matches() -> None:
    first = FakeSource("sqlite", [person("Alice")])
    later = FakeSource("crm", [person("Other")], local=False)
    service = LookupService([first, later], LookupSettings(mode="priority"))
    await service.lookup(ALICE)
    assert later.calls == []


async def test_local_hit_ranked_first_starts_no_remote_source_in_parallel_mode() -> None:
    first = FakeSource("sqlite", [person("Alice")])
    remote = FakeSource("crm", [person("Other")], local=False)
    await LookupService([first, remote]).lookup(ALICE)
    assert remote.calls == []


@pytest.mark.parametrize("mode", ["parallel", "priority"])
async def test_slow_source_is_cut_off_at_the_budget(mode: str) -> None:
    slow = FakeSource("crm", [person("Late")], local=False, delay=5.0)
    backup = FakeSource("csv", [person("Alice")])
    service = LookupService([slow, backup], LookupSettings(budget_seconds=0.05, mode=mode))
    started = time.perf_counter()
    result = await service.lookup(ALICE)
    assert time.perf_counter() - started < 0.5
    assert result.contact is not None and result.contact["name"] == "Alice"
    assert result.sources[0].status == "timeout"
    await service.aclose()


async def test_fresh_cache_entry_is_served_without_asking_again() -> None:
    source = FakeSource("csv", [person("Alice")])
    clock = Clock()
    service = LookupService([source], LookupSettings(cache_ttl=60), clock=clock)
    first = await service.lookup("4155550123")
    clock.now += 59
    second = await service.lookup("4155550123")
    assert len(source.calls) == 1
    assert (first.cached, second.cached) == (False, True)
    assert second.contact == first.contact


async def test_stale_entry_is_served_at_once_and_refreshed_in_background() -> None:
    source = FakeSource("csv", [person("Alice")])
    clock = Clock()
    service = LookupService([source], LookupSettings(cache_ttl=60), clock=clock)
    await service.lookup(ALICE)
    source.contacts = [person("Alice Renamed")]
    clock.now += 61
    stale = await service.lookup(ALICE)
    assert stale.contact is not None and stale.contact["name"] == "Alice"
    await asyncio.gather(*service._refreshing.values())
    assert len(source.calls) == 2
    fresh = await service.lookup(ALICE)
    assert fresh.contact is not None and fresh.contact["name"] == "Alice Renamed"
    assert len(source.calls) == 2


async def test_stale_entry_triggers_only_one_refresh_at_a_time() -> None:
    source = FakeSource("crm", [person("Alice")], local=False, delay=0.01)
    clock = Clock()
    service = LookupService([source], LookupSettings(cache_ttl=1), clock=clock)
    await service.lookup(ALICE)
    clock.now += 2
    await asyncio.gather(*(service.lookup(ALICE) for _ in range(5)))
    await service.aclose()
    assert len(source.calls) == 2


async def test_invalidate_forgets_every_spelling_of_that_number_only() -> None:
    source = FakeSource("csv", [person("Alice")])
    service = LookupService([source])
    for number in (ALICE, "4155550123", "2125550100"):
        await service.lookup(number)
    service.invalidate(ALICE)
    for number in (ALICE, "4155550123", "2125550100"):
        await service.lookup(number)
    assert [raw for _, raw in source.calls] == [
        ALICE,
        "4155550123",
        "2125550100",
        ALICE,
        "4155550123",
    ]


async def test_explain_asks_every_source_even_after_a_hit() -> None:
    first = FakeSource("sqlite", [person("Alice")])
    second = FakeSource("crm", [person("Alice CRM")], local=False)
    result, answers = await LookupService([first, second]).explain(ALICE)
    assert [(r.name, len(c)) for r, c in answers] == [("sqlite", 1), ("crm", 1)]
    assert result.contact is not None and result.contact["name"] == "Alice"


def test_duplicate_source_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        LookupService([FakeSource("csv"), FakeSource("csv")])


async def test_concurrent_lookups_of_one_number_share_one_query() -> None:
    source = FakeSource("crm", [person("Alice")], local=False, delay=0.02)
    service = LookupService([source])
    callers = ["4155550123", "+14155550123", "(415) 555-0123"]
    results = await asyncio.gather(*(service.lookup(number) for number in callers))
    assert len(source.calls) == 1
    assert [r.number for r in results] == callers
    assert all(r.contact is not None and r.contact["name"] == "Alice" for r in results)


async def test_cancelling_the_first_caller_does_not_fail_the_others() -> None:
    source = FakeSource("crm", [person("Alice")], local=False, delay=0.05)
    service = LookupService([source])
    first = asyncio.create_task(service.lookup(ALICE))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(service.lookup(ALICE))
    await asyncio.sleep(0.01)
    first.cancel()
    result = await second
    assert result.contact is not None and result.contact["name"] == "Alice"
    assert first.cancelled()
    await service.aclose()


async def test_store_source_gives_no_history_when_several_contacts_match(
    tmp_path: Path,
) -> None:
    store = ContactStore(tmp_path / "c.db")
    for name in ("Carol", "Dave"):
        contact = store.add_contact(name, [("4155550199", "+14155550199", None)])
        store.add_interaction(contact, "call", "in")
    result = await LookupService([StoreSource(store)]).lookup("4155550199")
    assert result.contact is None
    assert [("history" in m, m["source"]) for m in result.matches] == [
        (False, "sqlite"),
        (False, "sqlite"),
    ]


@pytest.mark.parametrize("mode", ["parallel", "priority"])
async def test_exact_match_ranked_lower_beats_a_suffix_match_ranked_higher(mode: str) -> None:
    lookalike = FakeSource("csv", [person("Jean Lookalike", "suffix")])
    exact = FakeSource("sqlite", [person("Alice")])
    result = await LookupService([lookalike, exact], LookupSettings(mode=mode)).lookup(ALICE)
    assert result.contact is not None
    assert (result.contact["name"], result.match) == ("Alice", "exact")
    assert len(exact.calls) == 1  # a suffix match does not stop the search


@pytest.mark.parametrize("mode", ["parallel", "priority"])
async def test_suffix_match_still_answers_when_no_source_matches_exactly(mode: str) -> None:
    first = FakeSource("csv", [person("Al", "suffix")])
    second = FakeSource("sqlite", [person("Other", "suffix")])
    result = await LookupService([first, second], LookupSettings(mode=mode)).lookup(ALICE)
    assert result.contact is not None
    assert (result.contact["name"], result.match) == ("Al", "suffix")


async def test_answer_given_while_a_source_failed_is_not_cached() -> None:
    broken = FakeSource("crm", error=ConnectionError("refused"), local=False)
    backup = FakeSource("csv", [person("Alice Local")])
    service = LookupService([broken, backup])
    first = await service.lookup(ALICE)
    broken.error, broken.contacts = None, [person("Alice CRM")]
    second = await service.lookup(ALICE)
    assert first.contact is not None and first.contact["name"] == "Alice Local"
    assert second.contact is not None and second.contact["name"] == "Alice CRM"
    assert (second.cached, len(broken.calls)) == (False, 2)
