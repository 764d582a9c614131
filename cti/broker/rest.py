"""REST: the same operations as the WebSocket, for scripts and CRMs, with Bearer tokens."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from cti.broker.auth import AgentIdentity
from cti.broker.commands import CommandResult
from cti.broker.context import BROKER_CONTEXT, BrokerContext, peer_address
from cti.broker.frames import BadFrame, parse_object
from cti.broker.metrics import CONTENT_TYPE
from cti.protocol import (
    CMD_DIAL,
    CMD_HANGUP,
    ERR_AMI_DISCONNECTED,
    ERR_AMI_PERMISSION_DENIED,
    ERR_BAD_ARGS,
    ERR_BAD_FRAME,
    ERR_BAD_TOKEN,
    ERR_CALL_GONE,
    ERR_FAILED,
    ERR_INTERACTION_CLOSED,
    ERR_INTERACTION_NOT_OFFERED,
    ERR_NO_CONTACT,
    ERR_NO_QUEUES,
    ERR_NO_SUCH_AGENT,
    ERR_NO_SUCH_CALL,
    ERR_NO_SUCH_CONTACT,
    ERR_NO_SUCH_EXTENSION,
    ERR_NO_SUCH_INTERACTION,
    ERR_NO_TOKEN,
    ERR_NOT_A_SUPERVISOR,
    ERR_NOT_CONFIGURED,
    ERR_NOT_LOGGED_IN,
    ERR_NOT_SUPPORTED,
    ERR_NOT_YOUR_CALL,
    ERR_NOT_YOUR_INTERACTION,
    ERR_TIMEOUT,
    ERR_TOO_LARGE,
    ERR_UNKNOWN_COMMAND,
    ERR_UNKNOWN_PAUSE_REASON,
)

log = logging.getLogger(__name__)

STATUS_OF_ERROR = {
    ERR_BAD_ARGS: 400,
    ERR_BAD_FRAME: 400,
    ERR_UNKNOWN_COMMAND: 400,
    ERR_UNKNOWN_PAUSE_REASON: 400,
    ERR_NOT_YOUR_CALL: 403,
    ERR_NOT_A_SUPERVISOR: 403,
    ERR_NO_SUCH_AGENT: 404,
    ERR_NO_SUCH_CALL: 404,
    ERR_NO_SUCH_EXTENSION: 404,
    ERR_NO_SUCH_CONTACT: 404,
    ERR_NO_CONTACT: 409,
    ERR_NO_QUEUES: 409,
    ERR_NOT_LOGGED_IN: 409,
    ERR_NOT_YOUR_INTERACTION: 403,
    ERR_NO_SUCH_INTERACTION: 404,
    ERR_INTERACTION_NOT_OFFERED: 409,
    ERR_INTERACTION_CLOSED: 410,
    ERR_CALL_GONE: 410,
    ERR_TOO_LARGE: 413,
    ERR_NOT_SUPPORTED: 501,
    ERR_NOT_CONFIGURED: 503,
    ERR_TIMEOUT: 504,
    ERR_FAILED: 502,
    ERR_AMI_PERMISSION_DENIED: 502,
    ERR_AMI_DISCONNECTED: 503,
}


def error_response(status: int, error: str, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": error, "message": message}, status=status)


async def identify(request: web.Request) -> AgentIdentity:
    """The caller's identity from `Authorization: Bearer`, or a 401 JSON answer."""
    ctx = request.app[BROKER_CONTEXT]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise json_error(web.HTTPUnauthorized, ERR_NO_TOKEN, "send Authorization: Bearer <token>")
    identity = await ctx.authenticate(token.strip(), peer_address(request))
    if identity is None:
        raise json_error(web.HTTPUnauthorized, ERR_BAD_TOKEN, "bad token")
    return identity


def json_error(kind: type[web.HTTPClientError], error: str, message: str) -> web.HTTPClientError:
    body = json.dumps({"ok": False, "error": error, "message": message})
    headers = {"WWW-Authenticate": "Bearer"} if kind is web.HTTPUnauthorized else None
    return kind(text=body, content_type="application/json", headers=headers)


def result_response(result: CommandResult) -> web.Response:
    status = 200 if result.ok else STATUS_OF_ERROR.get(result.error or "", 502)
    body = {"ok": result.ok, "error": result.error, "message": result.message}
    return web.json_response(body, status=status)


async def read_object(request: web.Request) -> dict[str, Any]:
    """The JSON object of the body, parsed like a WebSocket frame; 400 or 413 otherwise."""
    if not request.can_read_body:
        return {}
    try:
        text = await request.text()
    except (UnicodeDecodeError, LookupError):  # LookupError: an unknown charset
        raise json_error(
            web.HTTPBadRequest, ERR_BAD_FRAME, "body is not text in its charset"
        ) from None
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[BROKER_CONTEXT].settings.max_msg_size
        text = json.dumps(
            {"ok": False, "error": ERR_TOO_LARGE, "message": f"body larger than {limit} bytes"}
        )
        raise web.HTTPRequestEntityTooLarge(
            limit, text=text, content_type="application/json"
        ) from None
    try:
        return parse_object(text)
    except BadFrame as exc:
        raise json_error(web.HTTPBadRequest, ERR_BAD_FRAME, f"body: {exc}") from None


async def health(request: web.Request) -> web.Response:
    ctx = request.app[BROKER_CONTEXT]
    return web.json_response(
        {
            "status": "ok",
            "agents_connected": ctx.broker.connected_agents(),
            "ami_connected": bool(ctx.metrics.ami_connected),
        }
    )


async def metrics(request: web.Request) -> web.Response:
    text = request.app[BROKER_CONTEXT].metrics.render()
    return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE})


async def list_calls(request: web.Request) -> web.Response:
    identity = await identify(request)
    ctx = request.app[BROKER_CONTEXT]
    return web.json_response({"calls": ctx.broker.calls_for(identity)})


async def hangup(request: web.Request) -> web.Response:
    identity = await identify(request)
    call_id = request.match_info["call_id"]
    return await run(request.app[BROKER_CONTEXT], identity, CMD_HANGUP, {"call_id": call_id})


async def call_command(request: web.Request) -> web.Response:
    """``POST /api/calls/{call_id}/hold`` (resume, answer, transfer): the body adds args."""
    identity = await identify(request)
    args = await read_object(request)
    args["call_id"] = request.match_info["call_id"]
    name = "call." + request.match_info["verb"]
    return await run(request.app[BROKER_CONTEXT], identity, name, args)


async def dial(request: web.Request) -> web.Response:
    identity = await identify(request)
    args = await read_object(request)
    return await run(request.app[BROKER_CONTEXT], identity, CMD_DIAL, args)


async def agent_command(request: web.Request) -> web.Response:
    """``POST /api/agents/{agent}/pause`` (login, logout, unpause, dnd): the body adds args."""
    identity = await identify(request)
    args = await read_object(request)
    args["agent"] = request.match_info["agent"]
    name = "agent." + request.match_info["verb"]
    return await run(request.app[BROKER_CONTEXT], identity, name, args)


async def command(request: web.Request) -> web.Response:
    identity = await identify(request)
    body = await read_object(request)
    name, args = body.get("name"), body.get("args", {})
    if not isinstance(name, str) or not isinstance(args, dict):
        return error_response(400, ERR_BAD_FRAME, "body needs a string name and an object args")
    return await run(request.app[BROKER_CONTEXT], identity, name, args)


async def run(
    ctx: BrokerContext, identity: AgentIdentity, name: str, args: dict[str, Any]
) -> web.Response:
    return result_response(await ctx.commands.run(identity, name, args))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/health", health)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/calls", list_calls)
    app.router.add_post("/api/calls/{call_id}/hangup", hangup)
    app.router.add_post("/api/calls/{call_id}/{verb:hold|resume|answer|transfer}", call_command)
    app.router.add_post("/api/dial", dial)
    app.router.add_post("/api/commands", command)
    app.router.add_post("/api/agents/{agent}/{verb:login|logout|pause|unpause|dnd}", agent_command)
