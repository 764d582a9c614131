"""The broker's REST API as the desktop uses it: contacts and after-call interactions.

Every failure becomes an `ApiError` carrying the broker's kebab-case id and its human
message, so the window can show exactly what went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)

T = TypeVar("T")

ERR_UNREACHABLE = "unreachable"
ERR_BAD_ANSWER = "bad-answer"
Params = dict[str, str] | Sequence[tuple[str, str]]  # a list repeats a key (queue=a&queue=b)


class ApiError(Exception):
    def __init__(self, error: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} ({self.error})"


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """What the "Create contact" form collects; `phones` are (number, label) pairs."""

    name: str
    company: str = ""
    email: str = ""
    notes: str = ""
    tags: tuple[str, ...] = ()
    phones: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "company": self.company or None,
            "email": self.email or None,
            "notes": self.notes or None,
            "tags": list(self.tags),
            "phones": [{"number": number, "label": label} for number, label in self.phones],
        }


class BrokerApi:
    def __init__(
        self, base_url: str, token: str, session: aiohttp.ClientSession, timeout: float = 10.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _call(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> dict[str, Any]:
        try:
            async with self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=self._headers,
                timeout=self._timeout,
            ) as response:
                answer = await self._json(response)
                status = response.status
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.info("%s %s failed: %r", method, path, exc)
            raise ApiError(ERR_UNREACHABLE, "cannot reach the server") from exc
        if status >= 400 or answer.get("ok") is False:
            error = str(answer.get("error") or f"http-{status}")
            message = str(answer.get("message") or f"the server answered {status}")
            raise ApiError(error, message, status)
        return answer

    @staticmethod
    async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
        try:
            answer = await response.json(content_type=None)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ApiError(ERR_BAD_ANSWER, f"unexpected answer ({response.status})")
        return answer

    @classmethod
    async def _error_answer(cls, response: aiohttp.ClientResponse) -> dict[str, Any]:
        """A refusal's JSON body, or nothing when it has none (a proxy's page)."""
        try:
            return await cls._json(response)
        except ApiError:
            return {}

    @staticmethod
    def _dicts(value: object) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            return []
        return [item for item in value if isinstance(item, dict)]

    async def lookup(self, number: str) -> list[dict[str, Any]]:
        answer = await self._call("GET", "/api/lookup", params={"number": number})
        return self._dicts(answer.get("matches"))

    async def search(self, query: str) -> list[dict[str, Any]]:
        answer = await self._call("GET", "/api/contacts", params={"q": query})
        return self._dicts(answer.get("contacts"))

    async def contact(self, contact_id: int) -> dict[str, Any]:
        answer = await self._call("GET", f"/api/contacts/{int(contact_id)}")
        contact = answer.get("contact", answer)
        return contact if isinstance(contact, dict) else {}

    async def create_contact(self, draft: ContactDraft) -> dict[str, Any]:
        answer = await self._call("POST", "/api/contacts", body=draft.body())
        contact = answer.get("contact")
        if not isinstance(contact, dict):
            raise ApiError(ERR_BAD_ANSWER, "the server did not return the new contact")
        return contact

    async def link_interaction(self, interaction_id: str, contact_id: int) -> dict[str, Any]:
        """Make the contact the interaction's customer; the answer carries its history."""
        path = f"/api/interactions/{quote(interaction_id, safe='')}/contact"
        answer = await self._call("POST", path, body={"contact_id": int(contact_id)})
        contact = answer.get("contact")
        if not isinstance(contact, dict):
            raise ApiError(ERR_BAD_ANSWER, "the server did not return the linked contact")
        return contact

    async def attachment(self, interaction_id: str, message_id: str, index: int) -> bytes:
        """A saved attachment's bytes, as the server keeps them (never opened here)."""
        path = f"/api/interactions/{quote(interaction_id, safe='')}/attachment"
        params = {"message_id": message_id, "index": str(int(index))}
        return await self._get(path, params, lambda response: response.read())

    async def save_interaction(
        self, call_id: str, disposition: str, notes: str, contact_id: int | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"call_id": call_id, "disposition": disposition, "notes": notes}
        if contact_id is not None:
            body["contact_id"] = contact_id
        answer = await self._call("POST", "/api/interactions", body=body)
        interaction = answer.get("interaction")
        return interaction if isinstance(interaction, dict) else {}

    async def get_json(self, path: str, params: Params) -> dict[str, Any]:
        """Any GET route answering a JSON object (the reports)."""
        return await self._call("GET", path, params=params)

    async def get_page(self, path: str, params: Params) -> str:
        """A GET route answering a page (``text/html``), with the token in the header."""
        return await self._get(path, params, lambda response: response.text())

    async def _get(
        self,
        path: str,
        params: Params,
        body: Callable[[aiohttp.ClientResponse], Awaitable[T]],
    ) -> T:
        """A GET whose answer is not JSON; a refusal still carries the server's error id."""
        try:
            async with self._session.get(
                self.base_url + path, params=params, headers=self._headers, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    answer = await self._error_answer(response)
                    raise ApiError(
                        str(answer.get("error") or f"http-{response.status}"),
                        str(answer.get("message") or f"the server answered {response.status}"),
                        response.status,
                    )
                return await body(response)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.info("GET %s failed: %r", path, exc)
            raise ApiError(ERR_UNREACHABLE, "cannot reach the server") from exc
