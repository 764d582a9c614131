"""Number → contact(s): normalise, ask the sources under a time budget, cache the answer.

Local sources (in-process, never suspend) run inline, remote ones as tasks. In
``parallel`` mode every remote source starts at once, unless a local source ranked above
all of them already matched exactly; in ``priority`` mode sources are asked one after
another until one matches exactly. Either way the answer comes from the highest-ranked
source with an exact match, else the highest-ranked with a suffix match, and a failing
or slow source is logged and skipped, never fatal.

Only complete results are cached (every source asked answered): a failure is never
cached as "no contact", and a refresh that fails keeps the stale entry it was refreshing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from cti.calls.callerid import clean_number, is_withheld
from cti.lookup.cache import TtlCache
from cti.lookup.result import Answer, LookupResult, SourceReport, exact_matches
from cti.lookup.settings import LookupSettings
from cti.lookup.sources import ContactSource
from cti.numbers import to_e164

log = logging.getLogger(__name__)


async def _ask(source: ContactSource, e164: str, raw: str) -> Answer:
    """One source's answer and timing; an exception becomes an "error" report."""
    started = time.perf_counter()
    try:
        found = await source.lookup(e164, raw)
    except Exception as exc:
        elapsed = time.perf_counter() - started
        # the message may embed a URL with the number, never a header, so it is safe to log
        log.warning("contact source %s failed: %s: %s", source.name, type(exc).__name__, exc)
        return SourceReport(source.name, "error", elapsed, 0, type(exc).__name__), []
    return SourceReport(source.name, "ok", time.perf_counter() - started, len(found)), found


class LookupService:
    """The hot path a ringing call takes; see the module docstring for the order rules."""

    def __init__(
        self,
        sources: Sequence[ContactSource],
        settings: LookupSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sources = tuple(sources)
        names = [source.name for source in self.sources]
        if len(set(names)) != len(names):
            raise ValueError(f"contact source names must be unique: {names}")
        self.settings = settings or LookupSettings()
        self.cache: TtlCache[LookupResult] = TtlCache(
            self.settings.cache_ttl, self.settings.cache_size, clock
        )
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        self._cancelled: set[asyncio.Task[Answer]] = set()
        self._inflight: dict[str, asyncio.Future[LookupResult]] = {}

    async def lookup(self, number: str | None) -> LookupResult:
        """The contact(s) for a caller ID; withheld or unparseable numbers ask no source.

        The cache is keyed by the caller ID as given, so a hit skips parsing the number
        (phonenumbers costs more than the indexed query).
        """
        raw = clean_number(number) if number is not None else None
        if raw is None or is_withheld(raw, None):
            return LookupResult.unknown(raw)
        cached = self.cache.get(raw)
        if cached is not None:
            result, fresh = cached
            if not fresh and raw not in self._refreshing and result.number_e164 is not None:
                task = asyncio.create_task(self._refresh(raw, result.number_e164))
                self._refreshing[raw] = task
                task.add_done_callback(lambda _t: self._refreshing.pop(raw, None))
            return result.from_cache()
        e164 = to_e164(raw, self.settings.default_region)
        if e164 is None:
            return LookupResult.unknown(raw)
        return await self._shared_query(raw, e164)

    async def _shared_query(self, raw: str, e164: str) -> LookupResult:
        """One query per number at a time: a queue call rings several agents at once."""
        waiter = self._inflight.get(e164)
        if waiter is not None:
            try:
                result = replace(await asyncio.shield(waiter), number=raw)
                self._remember(raw, result)
                return result
            except asyncio.CancelledError:
                if not waiter.cancelled():
                    raise  # we were cancelled ourselves
                return await self._shared_query(raw, e164)  # the first caller was
        future: asyncio.Future[LookupResult] = asyncio.get_running_loop().create_future()
        self._inflight[e164] = future
        try:
            result = await self.query(raw, e164)
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._inflight[e164]
        future.set_result(result)
        self._remember(raw, result)
        return result

    def _remember(self, raw: str, result: LookupResult) -> None:
        if result.complete:
            self.cache.put(raw, result)

    async def explain(self, number: str | None) -> tuple[LookupResult, list[Answer]]:
        """The dry run: the result plus every source's own answer (none is skipped)."""
        raw = clean_number(number) if number is not None else None
        e164 = None if raw is None else to_e164(raw, self.settings.default_region)
        if raw is None or e164 is None or is_withheld(raw, None):
            return LookupResult.unknown(raw), []
        deadline = time.perf_counter() + self.settings.budget_seconds
        remote = [source for source in self.sources if not source.local]
        tasks = {source.name: asyncio.create_task(_ask(source, e164, raw)) for source in remote}
        answers = [await _ask(source, e164, raw) for source in self.sources if source.local]
        answers.extend(await self._collect(tasks, deadline))
        order = {source.name: rank for rank, source in enumerate(self.sources)}
        answers.sort(key=lambda answer: order[answer[0].name])
        return LookupResult.from_answers(raw, e164, answers), answers

    def invalidate(self, number_e164: str | None = None) -> None:
        """Forget the cached answers for a number (e.g. after a new interaction), or all."""
        if number_e164 is None:
            self.cache.discard()
        else:
            self.cache.discard(lambda result: result.number_e164 == number_e164)

    async def _refresh(self, raw: str, e164: str) -> None:
        """Replace a stale entry, unless a source failed: then the stale one is kept
        (and stays stale, so the next lookup of the number tries again)."""
        self._remember(raw, await self.query(raw, e164))

    async def query(self, raw: str, e164: str) -> LookupResult:
        """Ask the sources, bypassing the cache."""
        if self.settings.mode == "priority":
            answers = await self._in_priority_order(e164, raw)
        else:
            answers = await self._in_parallel(e164, raw)
        return LookupResult.from_answers(raw, e164, answers)

    async def _in_priority_order(self, e164: str, raw: str) -> list[Answer]:
        deadline = time.perf_counter() + self.settings.budget_seconds
        answers: list[Answer] = []
        for source in self.sources:
            if source.local:
                answers.append(await _ask(source, e164, raw))
            else:
                task = asyncio.create_task(_ask(source, e164, raw))
                answers.extend(await self._collect({source.name: task}, deadline))
            if exact_matches(answers[-1][1]):
                break
        return answers

    async def _in_parallel(self, e164: str, raw: str) -> list[Answer]:
        deadline = time.perf_counter() + self.settings.budget_seconds
        answers: list[Answer] = []
        remote = [source for source in self.sources if not source.local]
        first_remote = self.sources.index(remote[0]) if remote else len(self.sources)
        for source in self.sources[:first_remote]:
            answers.append(await _ask(source, e164, raw))
            if exact_matches(answers[-1][1]):
                return answers
        tasks = {source.name: asyncio.create_task(_ask(source, e164, raw)) for source in remote}
        for source in self.sources[first_remote:]:
            if source.local:
                answers.append(await _ask(source, e164, raw))
        answers.extend(await self._collect(tasks, deadline))
        order = {source.name: rank for rank, source in enumerate(self.sources)}
        return sorted(answers, key=lambda answer: order[answer[0].name])

    async def _collect(
        self, tasks: dict[str, asyncio.Task[Answer]], deadline: float
    ) -> list[Answer]:
        """Wait for `tasks` until `deadline`; late ones are cancelled and reported."""
        if not tasks:
            return []
        started = time.perf_counter()
        await asyncio.wait(tasks.values(), timeout=max(0.0, deadline - started))
        answers: list[Answer] = []
        for name, task in tasks.items():
            if task.done():
                answers.append(task.result())
                continue
            task.cancel()
            self._cancelled.add(task)
            task.add_done_callback(self._cancelled.discard)
            waited = time.perf_counter() - started
            log.warning("contact source %s timed out after %.0f ms", name, waited * 1000)
            answers.append((SourceReport(name, "timeout", waited, 0, "timeout"), []))
        return answers

    async def aclose(self) -> None:
        """Stop background refreshes and close sources that hold connections."""
        pending = [*self._refreshing.values(), *self._cancelled]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for source in self.sources:
            closer = getattr(source, "aclose", None)
            if closer is not None:
                await closer()
