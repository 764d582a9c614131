"""FastAGI server settings as one frozen value (built from the ``agi`` config section)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cti.agi.lookup import CALLER_NAME_POLICIES, NAME_FROM, CallerNamePolicy, NameFrom
from cti.agi.protocol import DEFAULT_MAX_LINE_BYTES

if TYPE_CHECKING:
    from cti.config.model import AgiConfig


EVICT_AFTER_SECONDS = 0.005
"""Asterisk writes its ``agi_*`` block as soon as ``connect()`` completes (res_agi.c,
``launch_netscript``), so a connection without one after this long may give its slot
away. Short, because silent clients that reconnect at once must not keep every slot young
(slots free up at ``max_connections / EVICT_AFTER_SECONDS`` per second at most)."""


@dataclass(frozen=True, slots=True)
class AgiSettings:
    """``budget_seconds`` counts from the moment Asterisk connects to the moment we close.

    ``evict_after_seconds`` is not a config option: it only has to be well above the
    time Asterisk takes to send its block and well below the budget.
    """

    host: str = "127.0.0.1"
    port: int = 4573
    budget_seconds: float = 0.3
    max_connections: int = 100
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    caller_name: CallerNamePolicy = "if-missing"
    name_from: NameFrom = "exact"
    evict_after_seconds: float = EVICT_AFTER_SECONDS

    def __post_init__(self) -> None:
        if self.budget_seconds <= 0:
            raise ValueError("budget_seconds must be greater than 0")
        if self.evict_after_seconds < 0:
            raise ValueError("evict_after_seconds must not be negative")
        if self.max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        if self.caller_name not in CALLER_NAME_POLICIES:
            raise ValueError(f"caller_name must be one of {CALLER_NAME_POLICIES}")
        if self.name_from not in NAME_FROM:
            raise ValueError(f"name_from must be one of {NAME_FROM}")

    @classmethod
    def from_config(cls, agi: AgiConfig, port: int | None = None) -> AgiSettings:
        """``port`` overrides the configured one (0 in tests: any free port)."""
        return cls(
            host=agi.host,
            port=agi.port if port is None else port,
            budget_seconds=agi.budget_seconds,
            max_connections=agi.max_connections,
            max_line_bytes=agi.max_line_bytes,
            caller_name=agi.caller_name,
            name_from=agi.name_from,
        )
