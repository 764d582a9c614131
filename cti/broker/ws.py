"""The /ws endpoint: origin check, hello handshake, then commands in and events out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import WSMsgType, web

from cti.broker.auth import AgentIdentity
from cti.broker.context import BROKER_CONTEXT, BrokerContext, peer_address
from cti.broker.frames import parse_object
from cti.broker.hub import encode
from cti.broker.sessions import Session
from cti.protocol import (
    CLOSE_BAD_HELLO,
    CLOSE_BAD_TOKEN,
    CLOSE_NO_TOKEN,
    CLOSE_TRY_AGAIN,
    CLOSE_UNSUPPORTED_VERSION,
    ERR_BAD_ARGS,
    ERR_BAD_FRAME,
    ERR_BUSY,
    ERR_UNKNOWN_OP,
    OP_COMMAND,
    OP_HELLO,
    PROTOCOL_VERSION,
    error_frame,
    result_frame,
)

log = logging.getLogger(__name__)

HELLO_SECRETS = frozenset({"token"})
"""Hello fields that are only compared: not refused for lone surrogates (a bad token)."""


class HandshakeRefused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def parse_frame(text: str, opaque: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A client frame: one JSON object, bounded and encodable; else BadFrame (a ValueError)."""
    return parse_object(text, opaque)


def check_hello(frame: dict[str, Any]) -> tuple[str, int | None]:
    """Token and last_seq of a hello frame, or HandshakeRefused with its close code."""
    if frame.get("op") != OP_HELLO:
        raise HandshakeRefused(CLOSE_BAD_HELLO, "first frame must be hello")
    version = frame.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise HandshakeRefused(CLOSE_UNSUPPORTED_VERSION, f"only v{PROTOCOL_VERSION} is spoken")
    token = frame.get("token")
    if not isinstance(token, str) or not token:
        raise HandshakeRefused(CLOSE_NO_TOKEN, "no token")
    last_seq = frame.get("last_seq")
    if last_seq is not None and (type(last_seq) is not int or last_seq < 0):
        raise HandshakeRefused(CLOSE_BAD_HELLO, "last_seq must be a non-negative integer or null")
    return token, last_seq


def hello_epoch(frame: dict[str, Any]) -> str | None:
    """The epoch the hello's last_seq belongs to: a string, or null/absent."""
    epoch = frame.get("epoch")
    if epoch is not None and not isinstance(epoch, str):
        raise HandshakeRefused(CLOSE_BAD_HELLO, "epoch must be a string or null")
    return epoch


async def handshake(
    ws: web.WebSocketResponse, ctx: BrokerContext, address: str
) -> tuple[AgentIdentity, int | None, str | None]:
    try:
        msg = await ws.receive(timeout=ctx.settings.hello_timeout)
    except TimeoutError:
        raise HandshakeRefused(CLOSE_NO_TOKEN, "no hello in time") from None
    if msg.type == WSMsgType.CLOSING:  # the broker closed it: shutdown, or it gave way
        raise HandshakeRefused(CLOSE_TRY_AGAIN, "closed by the broker before its hello")
    if msg.type != WSMsgType.TEXT:
        raise HandshakeRefused(CLOSE_BAD_HELLO, "first frame must be a text hello")
    try:
        frame = parse_frame(msg.data, HELLO_SECRETS)
    except ValueError as exc:
        raise HandshakeRefused(CLOSE_BAD_HELLO, str(exc)) from None
    token, last_seq = check_hello(frame)
    epoch = hello_epoch(frame)
    identity = await ctx.authenticate(token, address)
    if identity is None:
        raise HandshakeRefused(CLOSE_BAD_TOKEN, "bad token")
    return identity, last_seq, epoch


async def refuse(ws: web.WebSocketResponse, refusal: HandshakeRefused, timeout: float) -> None:
    """Close with the refusal's code; a peer that never answers the close frame (a silent
    socket) is cut off after `timeout`, not after aiohttp's 10 s, so it frees its descriptor.
    """
    with contextlib.suppress(TimeoutError):  # aiohttp closes the transport when cancelled
        async with asyncio.timeout(timeout):
            await ws.close(code=refusal.code, message=refusal.reason.encode())


async def websocket_handler(request: web.Request) -> web.StreamResponse:
    ctx = request.app[BROKER_CONTEXT]
    origin = request.headers.get("Origin")
    if origin is not None and origin not in ctx.settings.allowed_origins:
        log.warning("refused WebSocket from origin %r", origin[:200])
        raise web.HTTPForbidden(text="origin not allowed")
    # Pops are small and latency matters more than bytes: no per-message deflate.
    ws = web.WebSocketResponse(
        max_msg_size=ctx.settings.max_msg_size,
        compress=False,
        heartbeat=ctx.settings.heartbeat,
    )
    await ws.prepare(request)
    address = peer_address(request)
    ticket = ctx.pending.admit(ws)
    try:
        identity, last_seq, epoch = await handshake(ws, ctx, address)
    except HandshakeRefused as exc:
        log.info("handshake from %s refused: %s", address, exc.reason)
        await refuse(ws, exc, ctx.settings.close_timeout)
        return ws
    finally:
        ctx.pending.leave(ticket)
    session = Session(
        ws,
        identity,
        ctx.settings.send_queue_size,
        ctx.metrics,
        ctx.settings.close_timeout,
        request.transport,
        ctx.writes,
    )
    ctx.broker.attach(session, last_seq, ctx.commands.capabilities(identity), epoch)
    try:
        await serve_session(session, ctx)
    finally:
        ctx.broker.detach(session)
        await session.wait_closed()
        log.info("agent %s disconnected (close code %s)", identity.agent_id, ws.close_code)
    return ws


async def serve_session(session: Session, ctx: BrokerContext) -> None:
    """Read client frames until the socket closes; commands run as their own tasks."""
    running: set[asyncio.Task[None]] = set()
    limit = ctx.settings.commands_in_flight
    try:
        async for msg in session.ws:
            if msg.type == WSMsgType.TEXT:
                task = handle_text(session, ctx, msg.data, busy=len(running) >= limit)
                if task is not None:
                    running.add(task)
                    task.add_done_callback(running.discard)
            elif msg.type == WSMsgType.BINARY:
                session.send(encode(error_frame(ERR_BAD_FRAME, "binary frames are not spoken")))
    finally:
        for task in running:
            task.cancel()


def handle_text(
    session: Session, ctx: BrokerContext, text: str, busy: bool
) -> asyncio.Task[None] | None:
    """Answer a bad frame at once, or start the command; `busy` refuses new commands."""
    try:
        frame = parse_frame(text)
    except ValueError as exc:
        session.send(encode(error_frame(ERR_BAD_FRAME, str(exc))))
        return None
    op = frame.get("op")
    if op != OP_COMMAND:
        session.send(encode(error_frame(ERR_UNKNOWN_OP, f"unknown op {op!r}")))
        return None
    command_id = frame.get("id")
    name = frame.get("name")
    args = frame.get("args", {})
    if not isinstance(command_id, str | int) or not isinstance(name, str):
        reply = result_frame(command_id, False, ERR_BAD_FRAME, "command needs an id and a name")
        session.send(encode(reply))
        return None
    if not isinstance(args, dict):
        reply = result_frame(command_id, False, ERR_BAD_ARGS, "args must be an object")
        session.send(encode(reply))
        return None
    if busy:
        reply = result_frame(command_id, False, ERR_BUSY, "too many commands in flight")
        session.send(encode(reply))
        return None
    return asyncio.create_task(run_command(session, ctx, command_id, name, args))


async def run_command(
    session: Session, ctx: BrokerContext, command_id: str | int, name: str, args: dict[str, Any]
) -> None:
    result = await ctx.commands.run(session.identity, name, args)
    session.send(encode(result_frame(command_id, result.ok, result.error, result.message)))
