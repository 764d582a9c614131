"""The HTTP CRM source against a real aiohttp server on 127.0.0.1:0."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from cti.lookup import (
    ContactStore,
    HttpSource,
    LookupService,
    LookupSettings,
    SecretStr,
    StoreSource,
)

ALICE = "+14155550123"
TOKEN = "Bearer s3cr3t-token-value"


@dataclass
class Crm:
    """A CRM that records what it was asked and answers as the test says."""

    base: str = ""
    requests: list[web.Request] = field(default_factory=list)
    body: Any = None
    status: int = 200
    delay: float = 0.0
    raw_text: str | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.raw_text is not None:
            return web.Response(text=self.raw_text, status=self.status)
        return web.json_response(self.body, status=self.status)


@pytest.fixture
async def crm() -> AsyncIterator[Crm]:
    state = Crm()
    app = web.Application()
    app.router.add_get("/{tail:.*}", state.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


async def lookup(source: HttpSource, *others: Any, **settings: Any) -> Any:
    service = LookupService([source, *others], LookupSettings(**settings))
    try:
        return await service.lookup("(415) 555-0123")
    finally:
        await service.aclose()


async def test_crm_contact_is_returned_with_encoded_placeholders_and_auth(crm: Crm) -> None:
    crm.body = {"contacts": [{"id": 77, "name": "Alice CRM", "company": "Acme", "tags": ["vip"]}]}
    source = HttpSource(crm.base + "/lookup?e164={e164}&raw={number}", auth_header=SecretStr(TOKEN))
    result = await lookup(source)
    assert result.contact is not None
    assert (result.contact["name"], result.contact["crm_id"], result.match) == (
        "Alice CRM",
        "77",
        "exact",
    )
    [request] = crm.requests
    assert request.query["e164"] == ALICE
    assert request.query["raw"] == "(415) 555-0123"
    assert request.raw_path.startswith("/lookup?e164=%2B14155550123&raw=%28415%29%20555-0123")
    assert request.headers["Authorization"] == TOKEN


async def test_not_found_is_no_match_and_not_an_error(crm: Crm) -> None:
    crm.status, crm.body = 404, {"error": "not found"}
    result = await lookup(HttpSource(crm.base + "/c/{e164}"))
    assert (result.known, result.sources[0].status) == (False, "ok")


@pytest.mark.parametrize(
    ("status", "text", "error"),
    [(500, None, "SourceError"), (200, "<html>oops</html>", "SourceError")],
    ids=["http-500", "not-json"],
)
async def test_broken_crm_is_skipped_for_the_next_source_and_secret_not_logged(
    crm: Crm,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
    text: str | None,
    error: str,
) -> None:
    crm.status, crm.raw_text = status, text
    store = ContactStore(tmp_path / "c.db")
    store.add_contact("Alice Local", [("4155550123", ALICE, None)])
    source = HttpSource(crm.base + "/c/{e164}", auth_header=SecretStr(TOKEN))
    with caplog.at_level(logging.DEBUG):
        result = await lookup(source, StoreSource(store))
    assert result.contact is not None and result.contact["name"] == "Alice Local"
    assert [(r.name, r.status, r.error) for r in result.sources] == [
        ("crm", "error", error),
        ("sqlite", "ok", None),
    ]
    assert "s3cr3t" not in caplog.text
    assert "s3cr3t" not in repr(source.__dict__)


@pytest.mark.parametrize("mode", ["parallel", "priority"])
async def test_hanging_crm_cannot_stretch_the_budget(crm: Crm, tmp_path: Path, mode: str) -> None:
    crm.delay, crm.body = 3.0, [{"name": "Too Late"}]
    store = ContactStore(tmp_path / "c.db")
    store.add_contact("Alice Local", [("4155550123", ALICE, None)])
    source = HttpSource(crm.base + "/c/{e164}", timeout=5.0)
    started = time.perf_counter()
    result = await lookup(source, StoreSource(store), budget_seconds=0.3, mode=mode)
    elapsed = time.perf_counter() - started
    assert 0.29 <= elapsed < 0.6, elapsed
    assert result.contact is not None and result.contact["name"] == "Alice Local"
    assert [(r.name, r.status) for r in result.sources] == [("crm", "timeout"), ("sqlite", "ok")]
    assert len(crm.requests) == 1


async def test_http_timeout_shorter_than_budget_fails_the_source(crm: Crm) -> None:
    crm.delay, crm.body = 1.0, [{"name": "Too Late"}]
    source = HttpSource(crm.base + "/c/{e164}", timeout=0.05)
    started = time.perf_counter()
    result = await lookup(source, budget_seconds=0.5)
    assert time.perf_counter() - started < 0.4
    assert (result.sources[0].status, result.sources[0].error) == ("error", "TimeoutError")


class Clock:
    """The lookup cache's clock, moved by the test instead of waiting out a TTL."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


ALICE_CRM = [{"id": 77, "name": "Alice CRM"}]
FAILURES = {
    "timeout": {"delay": 3.0},
    "http-500": {"status": 500},
    "not-json": {"raw_text": "<html>maintenance</html>"},
}


def break_crm(crm: Crm, failure: str) -> None:
    for key, value in FAILURES[failure].items():
        setattr(crm, key, value)


def heal_crm(crm: Crm, body: Any) -> None:
    crm.delay, crm.status, crm.raw_text, crm.body = 0.0, 200, None, body


async def names_now(service: LookupService) -> tuple[str | None, bool]:
    result = await service.lookup("(415) 555-0123")
    return (result.contact["name"] if result.contact else None), result.cached


@pytest.mark.parametrize("failure", FAILURES)
async def test_failed_crm_is_not_cached_so_its_contact_appears_once_it_recovers(
    crm: Crm, failure: str
) -> None:
    break_crm(crm, failure)
    source = HttpSource(crm.base + "/c/{e164}", timeout=5.0)
    service = LookupService([source], LookupSettings(budget_seconds=0.3, cache_ttl=60))
    try:
        assert await names_now(service) == (None, False)
        heal_crm(crm, ALICE_CRM)
        assert await names_now(service) == ("Alice CRM", False)  # asked again, not cached
        assert await names_now(service) == ("Alice CRM", True)  # a real answer is cached
    finally:
        await service.aclose()
    assert len(crm.requests) == 2


async def test_no_contact_from_a_healthy_crm_is_cached(crm: Crm) -> None:
    crm.status, crm.body = 404, {"error": "not found"}
    service = LookupService([HttpSource(crm.base + "/c/{e164}")], LookupSettings(cache_ttl=60))
    try:
        assert await names_now(service) == (None, False)
        assert await names_now(service) == (None, True)
    finally:
        await service.aclose()
    assert len(crm.requests) == 1


@pytest.mark.parametrize("failure", FAILURES)
async def test_failed_refresh_keeps_the_stale_contact_until_one_succeeds(
    crm: Crm, failure: str
) -> None:
    crm.body = ALICE_CRM
    clock = Clock()
    settings = LookupSettings(budget_seconds=0.3, cache_ttl=60)
    service = LookupService([HttpSource(crm.base + "/c/{e164}", timeout=5.0)], settings, clock)
    try:
        assert await names_now(service) == ("Alice CRM", False)
        clock.now += 61
        break_crm(crm, failure)
        assert await names_now(service) == ("Alice CRM", True)  # stale, refresh started
        await asyncio.gather(*service._refreshing.values())
        assert await names_now(service) == ("Alice CRM", True)  # the failed refresh kept it
        await asyncio.gather(*service._refreshing.values())
        heal_crm(crm, [{"id": 77, "name": "Alice Renamed"}])
        assert await names_now(service) == ("Alice CRM", True)
        await asyncio.gather(*service._refreshing.values())
        assert await names_now(service) == ("Alice Renamed", True)
    finally:
        await service.aclose()
    assert len(crm.requests) == 4  # the first lookup, two failed refreshes, one good one


async def lookup_with(*sources: Any, **settings: Any) -> Any:
    service = LookupService(list(sources), LookupSettings(**settings))
    try:
        return await service.lookup("(415) 555-0123")
    finally:
        await service.aclose()


@pytest.mark.parametrize("mode", ["parallel", "priority"])
async def test_exact_match_of_a_lower_ranked_crm_beats_a_suffix_match_ranked_above(
    crm: Crm, tmp_path: Path, mode: str
) -> None:
    crm.body = ALICE_CRM
    store = ContactStore(tmp_path / "c.db")
    lookalike = "+33155550123"  # a Paris number with the same last 9 digits as Alice's
    store.add_contact("Jean Lookalike", [(lookalike, lookalike, None)])
    crm_source = HttpSource(crm.base + "/c/{e164}")
    result = await lookup_with(StoreSource(store), crm_source, mode=mode)
    store.close()
    assert result.contact is not None
    assert (result.contact["name"], result.match) == ("Alice CRM", "exact")
    assert [(r.name, r.count) for r in result.sources] == [("sqlite", 1), ("crm", 1)]
