"""Options of the contact-centre layer: the `queues` section and the `agents` map.

Pause reasons, wrap-up and the queues each agent logs in to travel into AMI actions
(QueuePause ``Reason``, QueueAdd ``Queue``/``Interface``), so every text is checked
here for what would break or forge an AMI header: control characters (a CR/LF starts a
new header) and lengths app_queue truncates (``reason_paused[80]``, ``membername[80]``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cti.config.agents import EXTENSION
from cti.config.option import Option, Rule
from cti.config.types import (
    Bool,
    Choice,
    Int,
    InvalidValue,
    Issue,
    Optional,
    StrList,
    ValueType,
    kind_of,
)

QUEUES_SECTION = (
    "The contact-centre layer: pause reasons, wrap-up after queue calls, the service "
    "level convention, and who hears about callers waiting in a queue."
)
AGENTS_SECTION = (
    "The queues each agent logs in to (`agent.login`), keyed by extension. Every "
    "extension here needs an agent in `broker.agents` (secrets.yaml)."
)

#: pause reasons cti sets itself; an admin's list may not reuse them
HOLD, WRAP_UP, DND, LOGGED_OUT = "hold", "wrap-up", "dnd", "logged-out"
RESERVED_REASONS = (HOLD, WRAP_UP, DND, LOGGED_OUT)
DEFAULT_PAUSE_REASONS = ("lunch", "break", "training", "meeting")
MAX_AMI_TEXT = 79  # app_queue keeps reasons and member names in char[80]
SHORT_ABANDONS = ("exclude", "count")
_AGENT_FIELDS = ("queues", "interface", "state_interface", "penalty")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class AgentQueues:
    """One agent's memberships; ``interface`` None means from ``calls.dial_channel``."""

    queues: tuple[str, ...] = ()
    interface: str | None = None
    state_interface: str | None = None
    penalty: int = 0


def ami_text_problem(text: str, limit: int = MAX_AMI_TEXT) -> str | None:
    """Why ``text`` cannot go into an AMI header as it is, or None."""
    if not text.strip() or text != text.strip():
        return "must be text without spaces at either end"
    if _CONTROL.search(text):
        return "must not contain control characters (a line break would end the AMI header)"
    if len(text) > limit:
        return f"must be at most {limit} characters (Asterisk cuts longer ones)"
    return None


@dataclass(frozen=True, slots=True)
class PauseReasons(StrList):
    """Reasons an agent may pick; never one of cti's own (hold, wrap-up, dnd, logged-out)."""

    @property
    def label(self) -> str:
        return f"list of text, each at most {MAX_AMI_TEXT} characters"

    def parse(self, value: object) -> tuple[str, ...]:
        reasons = StrList.parse(self, value)
        repeated = sorted({reason for reason in reasons if reasons.count(reason) > 1})
        if repeated:
            raise InvalidValue.single(f"lists {repeated[0]!r} twice", got=list(reasons))
        return reasons

    def check_item(self, item: str) -> None:
        problem = ami_text_problem(item)
        if problem is not None:
            raise InvalidValue.single(problem, got=item)
        if item.lower() in RESERVED_REASONS:
            hint = "cti pauses with " + ", ".join(RESERVED_REASONS) + " itself"
            raise InvalidValue.single("is a reason cti sets itself", hint, item)


@dataclass(frozen=True, slots=True)
class QueueSeconds(ValueType):
    """``{queue: seconds}`` with seconds an integer from 0 to ``maximum``."""

    maximum: int = 3600

    @property
    def label(self) -> str:
        return f"mapping of queue name to seconds (0 to {self.maximum})"

    def parse(self, value: object) -> dict[str, int]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of queues, got {kind_of(value)}", "write 'support: 30'"
            )
        issues: list[Issue] = []
        for queue, seconds in value.items():
            problem = _queue_name_problem(queue) or self._seconds_problem(seconds)
            if problem is not None:
                issues.append(Issue(f"{queue}: {problem}", key=str(queue)))
        if issues:
            raise InvalidValue(issues)
        return {str(queue): int(seconds) for queue, seconds in value.items()}

    def _seconds_problem(self, seconds: object) -> str | None:
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            return f"must be 0 to {self.maximum} seconds, got {kind_of(seconds)}"
        if not 0 <= seconds <= self.maximum:
            return f"must be 0 to {self.maximum} seconds, got {seconds}"
        return None


@dataclass(frozen=True, slots=True)
class AgentQueueMap(ValueType):
    """``{extension: {queues, interface, state_interface, penalty}}`` → `AgentQueues`."""

    @property
    def label(self) -> str:
        return "mapping of extension to queues, interface, state_interface and penalty"

    def parse(self, value: object) -> dict[str, AgentQueues]:
        if not isinstance(value, dict):
            raise InvalidValue.single(
                f"expected a mapping of extensions, got {kind_of(value)}",
                "write '1001:' (in quotes) and under it queues",
            )
        issues = [
            Issue(f"{ext}: {message}", hint, key=str(ext))
            for ext, entry in value.items()
            for message, hint in _agent_issues(ext, entry)
        ]
        if issues:
            raise InvalidValue(issues)
        return {str(ext): _agent(entry) for ext, entry in value.items()}


def _queue_name_problem(queue: object) -> str | None:
    if not isinstance(queue, str):
        return f"a queue name must be text, got {kind_of(queue)}"
    return ami_text_problem(queue, limit=128)


def _agent_issues(extension: object, entry: object) -> list[tuple[str, str | None]]:
    if not isinstance(extension, str) or not EXTENSION.match(extension):
        return [("extension must be 2 to 8 digits, in quotes", "write '1001': with quotes")]
    if not isinstance(entry, dict):
        return [(f"expected queues, interface and penalty, got {kind_of(entry)}", None)]
    found = [_unknown_key(key) for key in entry if key not in _AGENT_FIELDS]
    queues = entry.get("queues", [])
    if not isinstance(queues, list) or not queues:
        found.append(("queues must be a list of at least one queue name", "queues: [support]"))
    else:
        found.extend((f"queues: {p}", None) for q in queues if (p := _queue_name_problem(q)))
        if len(set(map(str, queues))) != len(queues):
            found.append(("queues: a queue is listed twice", None))
    for name in ("interface", "state_interface"):
        text = entry.get(name)
        if text is not None and not isinstance(text, str):
            found.append((f"{name} must be text such as PJSIP/1001, got {kind_of(text)}", None))
        elif text is not None and (problem := _interface_problem(text)):
            found.append((f"{name} {problem}", "such as PJSIP/1001 or Local/1001@agents"))
    penalty = entry.get("penalty", 0)
    if isinstance(penalty, bool) or not isinstance(penalty, int) or penalty < 0:
        found.append((f"penalty must be an integer of at least 0, got {kind_of(penalty)}", None))
    return found


def _unknown_key(key: object) -> tuple[str, str | None]:
    close = difflib.get_close_matches(str(key), _AGENT_FIELDS, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(_AGENT_FIELDS)
    return f"unknown key {key!r}", hint


def _interface_problem(text: str) -> str | None:
    problem = ami_text_problem(text, limit=80)
    if problem is None and "/" not in text:
        problem = "must be TECH/resource"
    return problem


def _agent(entry: dict[str, object]) -> AgentQueues:
    queues = entry.get("queues", [])
    interface, state_interface = entry.get("interface"), entry.get("state_interface")
    penalty = entry.get("penalty", 0)
    return AgentQueues(
        tuple(str(queue) for queue in queues) if isinstance(queues, list) else (),
        interface if isinstance(interface, str) else None,
        state_interface if isinstance(state_interface, str) else None,
        penalty if isinstance(penalty, int) else 0,
    )


def agents_without_account(values: Mapping[str, object]) -> list[str]:
    """Extensions under `agents` that no agent of ``broker.agents`` has.

    Unknown while secrets.yaml is not read (``broker.agents`` unset): nothing to report.
    """
    agents, accounts = values.get("agents"), values.get("broker.agents")
    if not isinstance(agents, Mapping) or not isinstance(accounts, tuple):
        return []
    known = {getattr(account, "extension", None) for account in accounts}
    return sorted(extension for extension in agents if extension not in known)


AGENTS_NEED_ACCOUNTS = Rule(
    "agents",
    ("broker.agents",),
    lambda values: not agents_without_account(values),
    "names an extension no agent of broker.agents has",
    "add the agent to broker.agents in secrets.yaml, or remove the entry",
    describe=lambda values: (
        "names extensions no agent of broker.agents (secrets.yaml) has: "
        + ", ".join(agents_without_account(values))
    ),
)

QUEUE_OPTIONS: tuple[Option, ...] = (
    Option(
        "queues.pause_reasons",
        PauseReasons(min_items=1),
        DEFAULT_PAUSE_REASONS,
        "Reasons an agent may pause with (`agent.pause`); any other is refused with "
        "`unknown-pause-reason`. cti's own reasons (hold, wrap-up, dnd, logged-out) "
        "cannot be listed.",
    ),
    Option(
        "queues.wrapup_seconds",
        Int(0, 3600),
        0,
        "Seconds an agent stays paused with reason `wrap-up` after a queue call it "
        "answered ends, unless its note for the call is saved first; 0 for no wrap-up.",
    ),
    Option(
        "queues.wrapup_by_queue",
        Optional(QueueSeconds()),
        None,
        "Wrap-up seconds of calls from these queues, instead of `queues.wrapup_seconds`.",
        example=("# support: 30", "# sales: 0"),
    ),
    Option(
        "queues.service_level_seconds",
        Int(1, 3600),
        20,
        "A queue call answered within this many seconds of joining the queue counts as "
        "answered in time for the service level (docs/service-level.md).",
    ),
    Option(
        "queues.short_abandon_seconds",
        Int(0, 3600),
        5,
        "A caller who gives up within this many seconds of joining is a short abandon.",
    ),
    Option(
        "queues.short_abandons",
        Choice(SHORT_ABANDONS),
        "exclude",
        "Whether short abandons count in the service level: `exclude` leaves them out of "
        "the calls offered, `count` counts them as offered and not answered in time.",
    ),
    Option(
        "queues.announce_waiting",
        Bool(),
        False,
        "Also send `call.queued` (a caller waiting) to the agents of that queue, not only "
        "to supervisors.",
    ),
)

AGENTS_OPTION = Option(
    "agents",
    Optional(AgentQueueMap()),
    None,
    "For each agent extension: `queues` it logs in to, `interface` (the queue member "
    "interface; default `calls.dial_channel` for the extension), `state_interface` "
    "(device whose state app_queue reads; default the interface) and `penalty` (0 and up).",
    example=(
        "# '1001':",
        "#   queues: [support, sales]",
        "#   penalty: 0",
        "# '1002':",
        "#   queues: [support]",
        "#   interface: Local/1002@agents",
        "#   state_interface: PJSIP/1002",
    ),
)
