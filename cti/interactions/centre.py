"""Where the channels hand in what arrives, and where agents' actions come back: the
universal queue's one stateful object on the event loop.

It turns each `Inbound` into a new interaction or a message of an open one (a thread is
found by channel and thread key), lets the router offer it, keeps the timer of the
earliest offer deadline, and publishes what changed through the notifier. Records go to
the `InteractionWriter`'s thread. A 1 s ticker publishes the supervisors' queue lines
and dispatches again, so work waiting for an agent is offered within a second of the
agent becoming free (the agent board has no hook for that).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from cti.channels.inbound import Channel, Inbound, Outbound, Replies
from cti.interactions.model import Interaction, Message
from cti.interactions.notifier import InteractionNotifier
from cti.interactions.records import InteractionWriter
from cti.interactions.router import (
    INTERACTION_CLOSED,
    NO_SUCH_INTERACTION,
    NOT_YOUR_INTERACTION,
    InteractionError,
    InteractionRouter,
)
from cti.interactions.settings import InteractionSettings
from cti.interactions.transcripts import Transcripts, held_data
from cti.protocol import CustomerTyping, WireEvent

log = logging.getLogger(__name__)

Publish = Callable[[WireEvent], None]
FindContacts = Callable[[Inbound], list[dict[str, Any]]]
EndListener = Callable[[Interaction, str | None], None]  # the interaction, who held it
TICK_SECONDS = 1.0


class NoReplies(LookupError):
    """No channel registered its `Replies` for the interaction's channel."""


def _no_contacts(inbound: Inbound) -> list[dict[str, Any]]:
    return []


def _new_id() -> str:
    return "i-" + uuid.uuid4().hex


class InteractionCentre:
    """Implements `cti.channels.inbound.Intake`; every method runs on the event loop."""

    def __init__(
        self,
        settings: InteractionSettings,
        router: InteractionRouter,
        notifier: InteractionNotifier,
        publish: Publish,
        *,
        writer: InteractionWriter | None = None,
        find_contacts: FindContacts = _no_contacts,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.router = router
        self._notifier = notifier
        self._publish = publish
        self._writer = writer
        self._find_contacts = find_contacts
        self._clock = clock
        self._replies: dict[str, Replies] = {}
        self._threads: dict[tuple[str, str], str] = {}  # (channel, thread key) → open id
        self._last_in: dict[str, str] = {}  # id → the newest inbound message id
        self._timer: asyncio.TimerHandle | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._transcripts = Transcripts()
        self.end_listeners: list[EndListener] = []  # told each interaction that ends

    def register_replies(self, channel: Channel, replies: Replies) -> None:
        self._replies[channel] = replies

    def start(self) -> None:
        self._ticker = asyncio.get_running_loop().create_task(self._tick(), name="interactions")

    async def aclose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker

    # -- Intake ----------------------------------------------------------------------

    def arrived(self, inbound: Inbound) -> None:
        interaction = self._open_thread(inbound.channel, inbound.thread_key)
        if interaction is None:
            if "auto" in inbound.flags:
                log.info("auto-reply %s starts no interaction", inbound.message_id)
                return
            interaction = self._new_interaction(inbound)
        self._add_message(interaction, self._message_in(interaction, inbound))
        if interaction.offer is None and interaction.accepted_at is None:
            self.dispatch()

    def left(self, channel: Channel, thread_key: str, reason: str) -> None:
        interaction = self._open_thread(channel, thread_key)
        if interaction is None:
            log.debug("%s %s left with nothing open (%s)", channel, thread_key, reason)
            return
        self._end(interaction, None, None, "visitor_left")

    def reopen(self, interaction: Interaction, messages: Iterable[Message]) -> None:
        """An interaction left open by the previous run (`cti.interactions.reload`):
        a chat ends as its visitor having left (the socket went with that run); other
        channels wait again in their place by arrival, their thread kept."""
        for message in messages:
            self._transcripts.add(message)
            if message.direction == "in":
                self._last_in[interaction.interaction_id] = message.message_id
        self.router.arrive(interaction)
        self._threads[(interaction.channel, interaction.thread_key)] = interaction.interaction_id
        if interaction.channel == "chat":
            self._end(interaction, None, None, "visitor_left")
        else:
            self._save(interaction)

    # -- agents' actions (the broker's commands; extension None: a supervisor) ---------

    def accept(self, interaction_id: str, extension: str) -> Interaction:
        interaction = self.router.accept(interaction_id, extension)
        self._save(interaction)
        self._publish(self._notifier.accepted(interaction))
        for message in self._transcripts.of(interaction_id):  # the thread so far
            self._publish_message(interaction, message)
        self._schedule()
        return interaction

    def decline(self, interaction_id: str, extension: str) -> Interaction:
        interaction = self.router.decline(interaction_id, extension)
        self._save(interaction)
        self.dispatch()
        return interaction

    async def reply(
        self, interaction_id: str, extension: str | None, text: str, agent_name: str
    ) -> Message:
        """Send the agent's words out on the interaction's channel, then record them;
        a channel that fails raises, and nothing is recorded as sent. ``agent_name`` is
        the agent's id: the customer reads its display name (`interactions.agent_names`)."""
        agent_name = self.settings.display_name(agent_name)
        interaction = self.router.owned(interaction_id, extension)
        replies = self._replies.get(interaction.channel)
        if replies is None:
            raise NoReplies(f"no way to reply on the {interaction.channel} channel")
        outbound = Outbound(
            channel=interaction.channel,  # type: ignore[arg-type]
            thread_key=interaction.thread_key,
            text=text,
            agent_name=agent_name,
            in_reply_to=self._last_in.get(interaction_id),
            subject=interaction.subject,
        )
        message_id = await replies.send(outbound)
        interaction = self.router.responded(interaction_id, extension)
        self._save(interaction)
        message = Message(interaction_id, message_id, "out", agent_name, text, self._clock())
        self._add_message(interaction, message)
        return message

    async def typing(
        self, interaction_id: str, extension: str | None, agent_name: str, on: bool
    ) -> None:
        interaction = self.router.owned(interaction_id, extension)
        agent_name = self.settings.display_name(agent_name)
        replies = self._replies.get(interaction.channel)
        if replies is not None:
            await replies.typing(interaction.channel, interaction.thread_key, agent_name, on)  # type: ignore[arg-type]

    def close(self, interaction_id: str, extension: str | None, disposition: str | None) -> None:
        interaction = self.router.get(interaction_id)
        holder = interaction.extension if interaction is not None else None
        closed = self.router.close(interaction_id, extension, disposition, "closed")
        self._after_end(closed, holder)

    def link_contact(
        self, interaction_id: str, extension: str | None, contact: dict[str, Any]
    ) -> Interaction:
        """The interaction's customer is ``contact`` (found or created from the card):
        its history and the record follow it. An agent links only what is offered to it
        or handled by it; ``extension`` None (a supervisor) links any open one."""
        interaction = self.router.get(interaction_id)
        if interaction is None:
            raise InteractionError(NO_SUCH_INTERACTION, f"no interaction {interaction_id}")
        if not interaction.open:
            raise InteractionError(INTERACTION_CLOSED, f"interaction {interaction_id} is closed")
        if extension is not None and interaction.extension != extension:
            raise InteractionError(NOT_YOUR_INTERACTION, f"{interaction_id} is not yours")
        interaction.contact = contact
        interaction.contact_ids = (int(contact["id"]),) if "id" in contact else ()
        self._save(interaction)
        return interaction

    def attachment(
        self, interaction_id: str, extension: str | None, message_id: str, index: int
    ) -> dict[str, Any]:
        """A saved attachment of an open interaction's message (its description with
        `stored_path`), for the agent handling it or a supervisor; KeyError if none."""
        interaction = self.router.get(interaction_id)
        if interaction is None or not interaction.open:
            raise InteractionError(NO_SUCH_INTERACTION, f"no open interaction {interaction_id}")
        if extension is not None and interaction.extension != extension:
            raise InteractionError(NOT_YOUR_INTERACTION, f"{interaction_id} is not yours")
        for message in self._transcripts.of(interaction_id):
            if message.message_id == message_id and 0 <= index < len(message.attachments):
                found = message.attachments[index]
                if found.get("stored_path"):
                    return found
        raise KeyError(f"no saved attachment {index} of {message_id}")

    def visitor_typing(self, chat_id: str, on: bool) -> None:
        """`VisitorTypingSink`: the chat visitor's typing state, to the agent handling it."""
        interaction = self._open_thread("chat", chat_id)
        if interaction is not None and interaction.accepted_at is not None:
            to = frozenset((interaction.extension,)) if interaction.extension else frozenset()
            self._publish(
                CustomerTyping(audience=to, interaction_id=interaction.interaction_id, on=on)
            )

    def welcome_data(self, extension: str | None, supervisor: bool) -> dict[str, Any]:
        """What a welcome lists: the identity's own open interactions with their threads
        and, for supervisors, every channel's queue line."""
        held = self.router.held_by(extension) if extension else []
        data: dict[str, Any] = {
            "interactions": [held_data(i, self._transcripts.of(i.interaction_id)) for i in held]
        }
        if supervisor:
            lines = self._notifier.current_lines(self.router.queue)
            data["interactions_queue"] = [line.data() for line in lines]
        return data

    # -- routing and timers ----------------------------------------------------------

    def dispatch(self) -> None:
        for offer in self.router.dispatch():
            interaction = self.router.get(offer.interaction_id)
            if interaction is None:
                continue
            self._save(interaction)
            self._publish(self._notifier.offered(interaction, offer))
        self._schedule()

    def expire_due(self) -> None:
        """Withdraw the offers whose time ran out, then offer them to the next agent."""
        self._timer = None
        for interaction in self.router.expire_due():
            passed = max(interaction.passed, key=interaction.passed.__getitem__, default=None)
            if passed is not None:
                self._publish(self._notifier.lapsed(interaction, passed))
            self._save(interaction)
        self.dispatch()

    def publish_queue_lines(self) -> None:
        for line in self._notifier.queue_lines(self.router.queue):
            self._publish(line)

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.router.next_deadline()
        if deadline is None:
            return
        loop = asyncio.get_running_loop()
        delay = max(0.0, deadline - self._clock())
        self._timer = loop.call_at(loop.time() + delay, self.expire_due)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                self.dispatch()
                self.publish_queue_lines()
            except Exception:  # one bad tick must not stop the wallboard for good
                log.exception("interactions: the queue tick failed")

    # -- internals -------------------------------------------------------------------

    def _open_thread(self, channel: str, thread_key: str) -> Interaction | None:
        interaction_id = self._threads.get((channel, thread_key))
        interaction = self.router.get(interaction_id) if interaction_id else None
        return interaction if interaction is not None and interaction.open else None

    def _new_interaction(self, inbound: Inbound) -> Interaction:
        contacts = self._find_contacts(inbound)
        interaction = Interaction(
            interaction_id=_new_id(),
            channel=inbound.channel,
            thread_key=inbound.thread_key,
            arrived_at=inbound.received_at,
            priority=self.settings.priority_of(inbound.channel, inbound.form),
            subject=inbound.subject,
            first_text=inbound.text,
            form=inbound.form,
            contact=contacts[0] if contacts else None,
            contact_ids=tuple(int(c["id"]) for c in contacts if "id" in c),
        )
        self.router.arrive(interaction)
        self._threads[(inbound.channel, inbound.thread_key)] = interaction.interaction_id
        self._save(interaction)
        log.info("interaction %s arrived on %s", interaction.interaction_id, inbound.channel)
        return interaction

    def _message_in(self, interaction: Interaction, inbound: Inbound) -> Message:
        self._last_in[interaction.interaction_id] = inbound.message_id
        sender = inbound.sender
        return Message(
            interaction.interaction_id,
            inbound.message_id,
            "in",
            sender.name or sender.email or sender.phone,
            inbound.text,
            inbound.received_at,
            inbound.flags,
            tuple(
                {
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "stored_path": a.stored_path,
                    "refused": a.refused,
                }
                for a in inbound.attachments
            ),
        )

    def _add_message(self, interaction: Interaction, message: Message) -> None:
        if self._writer is not None:
            self._writer.add_message(message)
        self._transcripts.add(message)
        self._publish_message(interaction, message)

    def _publish_message(self, interaction: Interaction, message: Message) -> None:
        event = self._notifier.message(
            interaction,
            message_id=message.message_id,
            direction=message.direction,
            author=message.author,
            text=message.text,
            at=message.at,
            attachments=message.attachments,
        )
        if event is not None:
            self._publish(event)

    def _end(
        self, interaction: Interaction, extension: str | None, disposition: str | None, reason: str
    ) -> None:
        holder = interaction.extension
        closed = self.router.close(interaction.interaction_id, extension, disposition, reason)
        self._after_end(closed, holder)

    def _after_end(self, interaction: Interaction, holder: str | None) -> None:
        self._threads.pop((interaction.channel, interaction.thread_key), None)
        self._last_in.pop(interaction.interaction_id, None)
        self._transcripts.drop(interaction.interaction_id)
        self._save(interaction)
        self._publish(self._notifier.ended(interaction, holder))
        for listener in self.end_listeners:
            try:
                listener(interaction, holder)
            except Exception:  # the history row is extra: the close itself stands
                log.exception(
                    "interactions: an end listener failed on %s", interaction.interaction_id
                )
        self.dispatch()  # the holder has room again

    def _save(self, interaction: Interaction) -> None:
        if self._writer is not None:
            self._writer.save(interaction)
