"""The welcome frame, typed: who this agent is, what the server lets it do, its settings,
and the contact centre around it (kept raw here: `desktop.centre` checks each entry)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Welcome:
    """`capabilities` is None when the server did not say (an older broker): then every
    control is offered and the broker's answer tells whether it worked."""

    agent: str
    extension: str
    seq: int
    calls: list[dict[str, Any]] = field(default_factory=list)
    resync: bool = False
    crm_url: str | None = None
    dispositions: tuple[str, ...] = ()
    capabilities: frozenset[str] | None = None
    epoch: str | None = None  # names the broker journal that `seq` counts in
    pbx_connected: bool = True  # an older broker does not say: assume the link is up
    pbx_since: str | None = None
    pause_reasons: tuple[str, ...] = ()  # what agent.pause accepts
    agent_state: dict[str, Any] | None = None  # this identity's own agent.state data
    presence: list[Any] = field(default_factory=list)
    supervision: dict[str, Any] | None = None  # `agents`, `queues`, `waiting`: supervisors
    interactions: list[Any] = field(default_factory=list)  # this identity's open ones
    interactions_queue: list[Any] = field(default_factory=list)  # supervisors: per channel

    @property
    def supervisor(self) -> bool:
        """Only a supervisor's welcome lists the agents: the wallboard is for it alone."""
        return self.supervision is not None


def _text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def parse_welcome(frame: dict[str, Any]) -> Welcome:
    settings = frame.get("settings")
    settings = settings if isinstance(settings, dict) else {}
    calls = frame.get("calls")
    seq = frame.get("seq")
    crm_url = settings.get("crm_url")
    capabilities = frame.get("capabilities")
    epoch = frame.get("epoch")
    pbx = frame.get("pbx")
    pbx = pbx if isinstance(pbx, dict) else {}
    since = pbx.get("since")
    own = frame.get("agent_state")
    presence = frame.get("presence")
    return Welcome(
        agent=str(frame.get("agent") or ""),
        extension=str(frame.get("extension") or ""),
        seq=seq if isinstance(seq, int) else 0,
        calls=[call for call in calls if isinstance(call, dict)] if isinstance(calls, list) else [],
        resync=frame.get("resync") is True,
        crm_url=crm_url if isinstance(crm_url, str) and crm_url else None,
        dispositions=_text_list(settings.get("dispositions")),
        capabilities=frozenset(_text_list(capabilities)) if "capabilities" in frame else None,
        epoch=epoch if isinstance(epoch, str) and epoch else None,
        pbx_connected=pbx.get("connected") is not False,
        pbx_since=since if isinstance(since, str) else None,
        pause_reasons=_text_list(settings.get("pause_reasons")),
        agent_state=own if isinstance(own, dict) else None,
        presence=presence if isinstance(presence, list) else [],
        supervision=_supervision(frame),
        interactions=_list(frame.get("interactions")),
        interactions_queue=_list(frame.get("interactions_queue")),
    )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _supervision(frame: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(frame.get("agents"), list):
        return None
    return {key: frame.get(key) for key in ("agents", "queues", "waiting")}
