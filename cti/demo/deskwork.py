"""Demo agents who work the universal queue: accept what is offered, answer, close.

Over their own WebSockets, as a person at the desktop would: after a moment an agent
accepts an `interaction.offered` (now and then it declines, so the next agent gets the
offer), replies on email and chat, keeps a chat going while the visitor answers, and
closes with a disposition from the config. The agent a person has on the desktop is not
driven. Times are simulated seconds, divided by the demo's speed; a refusal (the offer
lapsed, the visitor left) is logged and the demo goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from random import Random
from typing import Any

from cti.demo.client import NotConnected, PopClient

log = logging.getLogger(__name__)

PICK_UP = (2.0, 6.0)  # simulated seconds before accepting an offer
WRITE = (3.0, 8.0)  # simulated seconds to write a reply
DECLINE_SHARE = 0.1
CHAT_LINES = 3  # agent lines in a chat before closing it, if the visitor stays
REPLIES = {
    "email": "Thank you for your mail. I have looked into it and sorted it out; "
    "you will see the change on your account within a day.",
    "chat": ("Hello, thanks for waiting! Let me check that for you.", "Thanks, one moment…"),
}
DONE = {"chat": "Glad I could help. Have a nice day!"}


class DeskWork:
    def __init__(
        self,
        agents: Mapping[str, PopClient],
        dispositions: Sequence[str],
        rng: Random,
        speed: float = 1.0,
        note: Callable[[str], None] | None = None,
    ) -> None:
        self.agents, self.dispositions = dict(agents), list(dispositions)
        self._note = note or (lambda text: None)
        self.rng, self.speed = rng, speed
        self.closed: list[tuple[str, str]] = []  # (extension, interaction id)
        self._work: dict[str, asyncio.Task[None]] = {}  # interaction id -> its handling
        self._heard: dict[str, asyncio.Event] = {}  # chat interaction id -> visitor spoke
        self._closing: set[str] = set()  # its end is our own close: nothing to cancel

    def frame(self, extension: str, frame: Mapping[str, Any]) -> None:
        """One frame of `extension`'s; the bots act on interaction events only."""
        data = frame.get("data")
        if extension not in self.agents or frame.get("op") != "event" or not isinstance(data, dict):
            return
        kind, iid = frame.get("type"), str(data.get("interaction_id"))
        if kind == "interaction.offered" and iid not in self._work:
            task = asyncio.create_task(self._take(extension, iid, str(data.get("channel"))))
            self._work[iid] = task
            task.add_done_callback(lambda _: self._work.pop(iid, None))
        elif kind == "interaction.message" and data.get("direction") == "in":
            if iid in self._heard:
                self._heard[iid].set()
        elif kind == "interaction.ended" and iid in self._work and iid not in self._closing:
            self._work[iid].cancel()

    async def stop(self) -> None:
        for task in list(self._work.values()):
            task.cancel()
        await asyncio.gather(*self._work.values(), return_exceptions=True)

    async def _take(self, extension: str, iid: str, channel: str) -> None:
        client = self.agents[extension]
        await self._pause(PICK_UP)
        if self.rng.random() < DECLINE_SHARE:
            await self._ask(client, "interaction.decline", {"interaction_id": iid})
            return
        self._heard[iid] = asyncio.Event()
        try:
            if not await self._ask(client, "interaction.accept", {"interaction_id": iid}):
                return
            self._note(f"{client.label} took the {channel} {iid}")
            if channel == "chat":
                await self._chat(client, iid)
            elif channel == "email":
                await self._reply(client, iid, str(REPLIES["email"]))
            await self._pause(WRITE)
            disposition = self.rng.choice(self.dispositions)
            args = {"interaction_id": iid, "disposition": disposition}
            self._closing.add(iid)
            if await self._ask(client, "interaction.close", args):
                self.closed.append((extension, iid))
                self._note(f"{client.label} closed the {channel} {iid}: {disposition}")
        finally:
            self._heard.pop(iid, None)
            self._closing.discard(iid)

    async def _chat(self, client: PopClient, iid: str) -> None:
        """Answer, then once more each time the visitor answers, up to a few lines."""
        lines = [*REPLIES["chat"], DONE["chat"]]
        for line in lines[:CHAT_LINES]:
            heard = self._heard[iid]
            heard.clear()
            await self._ask(client, "interaction.typing", {"interaction_id": iid, "on": True})
            await self._pause(WRITE)
            if not await self._reply(client, iid, line):
                return
            try:
                async with asyncio.timeout(60.0 / self.speed):
                    await heard.wait()
            except TimeoutError:
                return

    async def _reply(self, client: PopClient, iid: str, text: str) -> bool:
        return await self._ask(client, "interaction.reply", {"interaction_id": iid, "text": text})

    async def _ask(self, client: PopClient, name: str, args: dict[str, Any]) -> bool:
        try:
            result = await client.command(name, args)
        except (NotConnected, TimeoutError) as exc:
            log.info("demo desk: %s %s not sent: %s", client.label, name, exc)
            return False
        if not result.get("ok"):
            log.info("demo desk: %s %s refused: %s", client.label, name, result.get("message"))
            return False
        log.info("demo desk: %s %s %s", client.label, name, args.get("interaction_id"))
        return True

    async def _pause(self, span: tuple[float, float]) -> None:
        await asyncio.sleep(self.rng.uniform(*span) / self.speed)
