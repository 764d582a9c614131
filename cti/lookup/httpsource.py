"""A CRM reached over HTTP: GET a URL template, read JSON contacts back.

The URL template takes ``{number}`` (as the PBX gave it) and ``{e164}``, both URL-encoded.
The auth header value is a `SecretStr`: it goes on the wire and nowhere else.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from cti.lookup.settings import SecretStr

log = logging.getLogger(__name__)

Contact = dict[str, Any]
_FIELDS = ("name", "company", "email", "notes")


class SourceError(Exception):
    """The CRM answered, but not with contacts."""


def build_url(template: str, e164: str, raw: str) -> str:
    return template.replace("{number}", quote(raw, safe="")).replace("{e164}", quote(e164, safe=""))


def to_contact(item: Any, source: str) -> Contact:
    """A CRM record as a contact dict; raises `SourceError` for anything but an object."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise SourceError("CRM record is not an object with a 'name'")
    contact: Contact = {"id": None} | {key: item.get(key) for key in _FIELDS}
    tags = item.get("tags")
    contact["tags"] = [str(tag) for tag in tags] if isinstance(tags, list) else []
    crm_id = item.get("crm_id", item.get("id"))
    contact["crm_id"] = None if crm_id is None else str(crm_id)
    contact["source"] = source
    contact["match"] = "exact"
    return contact


def contacts_from_json(body: Any, source: str) -> list[Contact]:
    """Accepts a list, ``{"contacts": [...]}``, a single object, or null (no match)."""
    if body is None:
        return []
    if isinstance(body, dict) and isinstance(body.get("contacts"), list):
        body = body["contacts"]
    items = body if isinstance(body, list) else [body]
    return [to_contact(item, source) for item in items]


class HttpSource:
    """One CRM endpoint; 404 means "nobody has this number", other errors fail the source."""

    local = False

    def __init__(
        self,
        url_template: str,
        *,
        name: str = "crm",
        auth_header: SecretStr | None = None,
        auth_header_name: str = "Authorization",
        timeout: float = 0.25,
    ) -> None:
        self.name = name
        self.url_template = url_template
        self._auth = auth_header
        self._auth_name = auth_header_name
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Accept": "application/json"}
            if self._auth is not None:
                headers[self._auth_name] = self._auth.reveal()
            self._session = aiohttp.ClientSession(
                headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout)
            )
        return self._session

    async def lookup(self, e164: str, raw: str) -> list[Contact]:
        # encoded=True: send our percent-encoding as is, the CRM may compare it byte for byte
        url = URL(build_url(self.url_template, e164, raw), encoded=True)
        async with self._client().get(url, allow_redirects=False) as response:
            if response.status == 404:
                return []
            if response.status != 200:
                raise SourceError(f"HTTP {response.status}")
            try:
                body = await response.json(content_type=None)
            except ValueError:
                raise SourceError("response is not JSON") from None
        return contacts_from_json(body, self.name)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
