"""The access log, without anything that can carry a secret.

aiohttp's default line holds the whole request target and the Referer, so a token sent
as ``/ws?token=...`` (or a CRM page's URL with one) was written to the log. This line
keeps the path, shows only *that* a query was sent, and of the headers only the
User-Agent; Authorization, Cookie and Referer are never read.
"""

from __future__ import annotations

import re

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

MAX_SHOWN = 200
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def shown(text: str) -> str:
    """Client text fit for one log line: printable ASCII, bounded."""
    return _UNPRINTABLE.sub("?", text[:MAX_SHOWN])


class RedactingAccessLogger(AbstractAccessLogger):
    """One line per request: who, what path, the status, size and time."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        url = request.rel_url
        query = "?[redacted]" if url.raw_query_string else ""
        self.logger.info(
            '%s "%s %s%s HTTP/%d.%d" %d %d %.3fs "%s"',
            request.remote,
            shown(request.method),
            shown(url.raw_path),
            query,
            request.version.major,
            request.version.minor,
            response.status,
            response.body_length,
            time,
            shown(request.headers.get("User-Agent", "-")),
        )
