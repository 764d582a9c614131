"""REST reports for supervisors: intervals, the peaks heatmap, the self-contained HTML page.

``GET /api/reports/intervals|heatmap|html?from=&to=&queue=&interval=``. An agent is
refused (403 ``not-a-supervisor``): reports show every agent's time and every queue.
A report reads the records file on a worker thread, so the event loop keeps serving
calls meanwhile; at most `MAX_RUNNING` reports run at once and the others wait their turn,
so a burst of year-long reports cannot take every core.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from cti.broker.context import BROKER_CONTEXT
from cti.broker.rest import error_response, identify
from cti.protocol import ERR_BAD_ARGS, ERR_FAILED, ERR_NOT_A_SUPERVISOR, ERR_NOT_CONFIGURED
from cti.reports.html import CSP
from cti.reports.query import BadReportQuery, ReportQuery
from cti.reports.service import ReportBook
from cti.reports.source import RecordsUnavailable

log = logging.getLogger(__name__)

MAX_RUNNING = 2
RUNNING = web.AppKey("reports_running", asyncio.Semaphore)

Handler = Callable[[web.Request], Awaitable[web.Response]]


class _Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.text)
        self.response = response


async def _book(request: web.Request) -> ReportBook:
    """The caller must be a supervisor (401 without a good token, 403 for an agent)."""
    identity = await identify(request)
    if not identity.is_supervisor:
        raise _Refused(error_response(403, ERR_NOT_A_SUPERVISOR, "reports are for supervisors"))
    book = request.app[BROKER_CONTEXT].reports
    if book is None:
        raise _Refused(error_response(503, ERR_NOT_CONFIGURED, "no call records to report on"))
    return book


def _query(book: ReportBook, request: web.Request) -> ReportQuery:
    params = {name: request.query.getall(name) for name in request.query}
    try:
        return book.query(params)
    except BadReportQuery as exc:
        raise _Refused(error_response(400, ERR_BAD_ARGS, str(exc))) from None


async def _run(request: web.Request, work: Callable[[], Any]) -> Any:
    """``work`` on a thread, one of at most `MAX_RUNNING`; an unreadable file is a 502."""
    async with request.app[RUNNING]:
        try:
            return await asyncio.to_thread(work)
        except RecordsUnavailable as exc:
            log.error("report failed: %s", exc)  # the path stays in the server's log
            message = "the call records cannot be read; the server log says why"
            raise _Refused(error_response(502, ERR_FAILED, message)) from None


def _answering(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except _Refused as refused:
            return refused.response

    return wrapped


async def intervals(request: web.Request) -> web.Response:
    book = await _book(request)
    query = _query(book, request)
    return web.json_response(await _run(request, lambda: book.intervals(query)))


async def heatmap(request: web.Request) -> web.Response:
    book = await _book(request)
    query = _query(book, request)
    return web.json_response(await _run(request, lambda: book.heatmap(query)))


async def html(request: web.Request) -> web.Response:
    book = await _book(request)
    query = _query(book, request)
    page = await _run(request, lambda: book.html(query))
    return web.Response(
        text=page,
        content_type="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"},
    )


def add_report_routes(app: web.Application) -> None:
    app[RUNNING] = asyncio.Semaphore(MAX_RUNNING)
    app.router.add_get("/api/reports/intervals", _answering(intervals))
    app.router.add_get("/api/reports/heatmap", _answering(heatmap))
    app.router.add_get("/api/reports/html", _answering(html))
