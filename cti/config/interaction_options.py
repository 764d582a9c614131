"""Options of the `interactions` section: how the universal queue orders and offers email
threads, chats and web forms (priorities, capacity beside the agent's state, offer
timeout, first-response targets, skills).

Per-channel mappings default to null, meaning the built-in values each description
names; a mapping set in cti.yaml overrides only the channels it lists.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cti.config.option import Option
from cti.config.types import Int, InvalidValue, Issue, Optional, ValueType, kind_of

INTERACTIONS_SECTION = (
    "The universal queue of email threads, chats and web forms (docs/protocol.md): "
    "their priorities, how many each agent takes at once, offers and service targets."
)

CHANNEL_NAMES = ("email", "chat", "webform")


def _channel_problem(channel: object) -> tuple[str, str | None] | None:
    if channel in CHANNEL_NAMES:
        return None
    close = difflib.get_close_matches(str(channel), CHANNEL_NAMES, n=1)
    suggestion = f"did you mean {close[0]!r}?" if close else None
    return f"{channel}: is not a channel (email, chat, webform)", suggestion


@dataclass(frozen=True, slots=True)
class ChannelInts(ValueType):
    """``{channel: integer}`` with each integer from ``low`` to ``high``."""

    low: int
    high: int
    unit: str = "a number"

    @property
    def label(self) -> str:
        return (
            f"mapping of channel (email, chat, webform) to {self.unit} ({self.low} to {self.high})"
        )

    def parse(self, value: object) -> dict[str, int]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of channels, got {kind_of(value)}", "write 'chat: 3'"
            )
        issues: list[Issue] = []
        for channel, number in value.items():
            problem = _channel_problem(channel)
            if problem is not None:
                issues.append(Issue(problem[0], suggestion=problem[1], key=str(channel)))
            elif isinstance(number, bool) or not isinstance(number, int):
                issues.append(Issue(f"{channel}: expected an integer, got {kind_of(number)}"))
            elif not self.low <= number <= self.high:
                issues.append(Issue(f"{channel}: must be {self.low} to {self.high}, got {number}"))
        if issues:
            raise InvalidValue(issues)
        return {str(channel): int(number) for channel, number in value.items()}


@dataclass(frozen=True, slots=True)
class FormPriorities(ValueType):
    """``{form name: priority}``: a form's own priority, instead of the channel's."""

    @property
    def label(self) -> str:
        return "mapping of web form name to priority (-100 to 100)"

    def parse(self, value: object) -> dict[str, int]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of forms, got {kind_of(value)}", "write 'contact: 5'"
            )
        issues: list[Issue] = []
        for form, number in value.items():
            if isinstance(number, bool) or not isinstance(number, int) or abs(number) > 100:
                issues.append(Issue(f"{form}: must be an integer from -100 to 100", key=str(form)))
        if issues:
            raise InvalidValue(issues)
        return {str(form): int(number) for form, number in value.items()}


@dataclass(frozen=True, slots=True)
class Skills(ValueType):
    """``{extension: [channel, ...]}``: the channels an agent is offered."""

    @property
    def label(self) -> str:
        return "mapping of agent extension to a list of channels (email, chat, webform)"

    def parse(self, value: object) -> dict[str, tuple[str, ...]]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of extensions, got {kind_of(value)}",
                "write '1001: [email, chat]'",
            )
        issues: list[Issue] = []
        for extension, channels in value.items():
            if not isinstance(channels, list):
                issues.append(
                    Issue(f"{extension}: expected a list of channels", key=str(extension))
                )
                continue
            for channel in channels:
                problem = _channel_problem(channel)
                if problem is not None:
                    message = f"{extension}: {problem[0]}"
                    issues.append(Issue(message, suggestion=problem[1], key=str(extension)))
        if issues:
            raise InvalidValue(issues)
        return {str(ext): tuple(channels) for ext, channels in value.items()}


@dataclass(frozen=True, slots=True)
class AgentNames(ValueType):
    """``{agent id: display name}``: the name a customer reads under an agent's reply."""

    @property
    def label(self) -> str:
        return "mapping of agent id (broker.agents) to a display name (1 to 64 characters)"

    def parse(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of agent ids, got {kind_of(value)}", "write 'alice: Alice'"
            )
        issues: list[Issue] = []
        for agent, name in value.items():
            if not isinstance(name, str) or not 1 <= len(name.strip()) <= 64:
                issues.append(
                    Issue(f"{agent}: expected a name of 1 to 64 characters", key=str(agent))
                )
            elif any(ch in name for ch in "\r\n\x00"):
                issues.append(Issue(f"{agent}: a name cannot hold line breaks", key=str(agent)))
        if issues:
            raise InvalidValue(issues)
        return {str(agent): str(name).strip() for agent, name in value.items()}


INTERACTION_OPTIONS: tuple[Option, ...] = (
    Option(
        "interactions.priority",
        Optional(ChannelInts(-100, 100, "priority")),
        None,
        "Priority of each channel's interactions in the universal queue: higher is offered "
        "first, then the oldest. Unset channels: chat 2, webform 1, email 0.",
        example=("# chat: 2", "# webform: 1", "# email: 0"),
    ),
    Option(
        "interactions.form_priority",
        Optional(FormPriorities()),
        None,
        "Priority of a web form's interactions by form name, instead of "
        "`interactions.priority`'s webform entry.",
        example=("# contact: 5",),
    ),
    Option(
        "interactions.capacity",
        Optional(ChannelInts(0, 50, "interactions at once")),
        None,
        "How many interactions of each channel an available agent holds at once (offered "
        "or accepted). Unset channels: chat 3, email 1, webform 1.",
        example=("# chat: 3", "# email: 1", "# webform: 1"),
    ),
    Option(
        "interactions.beside_call",
        Optional(ChannelInts(0, 50, "interactions at once")),
        None,
        "How many interactions of each channel an agent ringing, on a call or holding one "
        "holds at once. Unset channels: 0 (nothing beside a call). Agents in wrap-up, "
        "paused or logged out are offered nothing.",
        example=("# chat: 1",),
    ),
    Option(
        "interactions.offer_timeout_seconds",
        Int(5, 3600),
        30,
        "An offer not accepted within this many seconds goes to the next agent.",
    ),
    Option(
        "interactions.reoffer_after_seconds",
        Int(0, 86_400),
        120,
        "An agent who declined or let an offer lapse is offered that interaction again "
        "only after this many seconds (others first).",
    ),
    Option(
        "interactions.first_response_seconds",
        Optional(ChannelInts(1, 604_800, "seconds")),
        None,
        "First-response target of each channel, from arrival to an agent's first reply: "
        "shown on the wallboard and reported. Unset channels: email 14400 (4 hours), "
        "chat 60, webform 3600.",
        example=("# email: 14400", "# chat: 60", "# webform: 3600"),
    ),
    Option(
        "interactions.skills",
        Optional(Skills()),
        None,
        "Channels each agent extension is offered; an agent not listed takes every channel.",
        example=("# '1001': [email, chat]",),
    ),
    Option(
        "interactions.agent_names",
        Optional(AgentNames()),
        None,
        "The name customers read under each agent's email and chat replies (an email's "
        "From name, the chat's author); an agent not listed signs with its agent id.",
        example=("# alice: Alice Martin",),
    ),
)
