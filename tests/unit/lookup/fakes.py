"""An in-process contact source that records its calls and can fail or dawdle on demand."""

from __future__ import annotations

import asyncio
from typing import Any


def person(name: str, match: str = "exact", **extra: Any) -> dict[str, Any]:
    return {"id": None, "name": name, "match": match} | extra


class FakeSource:
    def __init__(
        self,
        name: str,
        contacts: list[dict[str, Any]] | None = None,
        *,
        local: bool = True,
        error: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        self.name = name
        self.local = local
        self.contacts = contacts or []
        self.error = error
        self.delay = delay
        self.calls: list[tuple[str, str]] = []

    async def lookup(self, e164: str, raw: str) -> list[dict[str, Any]]:
        self.calls.append((e164, raw))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return [dict(contact) | {"source": self.name} for contact in self.contacts]
