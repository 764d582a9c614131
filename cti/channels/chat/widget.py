"""The widget's files and a demo page, served by the broker beside ``/chat/ws``.

The files are read once at start: they ship inside the package and never change while the
broker runs, so each answer carries an ETag and a modest max-age (a site that embeds the
widget picks up a new release within the hour) and ``nosniff`` so nothing else is guessed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from aiohttp import web

CACHE_CONTROL = "public, max-age=3600"
DEMO_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat widget demo</title>
<script src="/chat/widget.js" defer></script>
</head>
<body>
<h1>Example Ltd</h1>
<p>This page embeds the chat widget with one line:
<code>&lt;script src="/chat/widget.js" defer&gt;&lt;/script&gt;</code>.
Open the chat at the bottom right.</p>
</body>
</html>
"""
# The demo runs under a strict policy: the widget needs no inline script or style.
DEMO_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'"


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'

    async def serve(self, request: web.Request) -> web.Response:
        headers = {
            "Cache-Control": CACHE_CONTROL,
            "ETag": self.etag,
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("If-None-Match") == self.etag:
            return web.Response(status=304, headers=headers)
        return web.Response(
            body=self.body, content_type=self.content_type, charset="utf-8", headers=headers
        )


def _packaged(name: str, content_type: str) -> StaticFile:
    body = resources.files("cti.channels.chat").joinpath("static", name).read_bytes()
    return StaticFile(body, content_type)


async def _demo(_: web.Request) -> web.Response:
    headers = {"Content-Security-Policy": DEMO_POLICY, "Cache-Control": "no-cache"}
    return web.Response(text=DEMO_PAGE, content_type="text/html", headers=headers)


def add_widget_routes(app: web.Application, demo_page: bool = True) -> None:
    """Serve ``/chat/widget.js``, ``/chat/widget.css`` and, unless turned off, ``/chat/demo``."""
    app.router.add_get("/chat/widget.js", _packaged("widget.js", "text/javascript").serve)
    app.router.add_get("/chat/widget.css", _packaged("widget.css", "text/css").serve)
    if demo_page:
        app.router.add_get("/chat/demo", _demo)
