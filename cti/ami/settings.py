"""AMI connection settings and the reconnect backoff (imported by `cti.ami.client`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from cti.ami.parser import DEFAULT_MAX_FRAME_BYTES


@dataclass(frozen=True, kw_only=True)
class AmiSettings:
    """Where and how to log in; the secret is kept out of repr and logs."""

    host: str = "127.0.0.1"
    port: int = 5038
    username: str
    secret: str = field(repr=False)
    auth: Literal["plain", "md5"] = "plain"
    connect_timeout: float = 5.0
    action_timeout: float = 10.0
    ping_interval: float = 20.0  # <= 0 disables the keepalive
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0
    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    events: str = "on"

    def __post_init__(self) -> None:
        if self.auth not in ("plain", "md5"):
            raise ValueError(f"auth must be 'plain' or 'md5', not {self.auth!r}")
        if not 0 < self.reconnect_min <= self.reconnect_max:
            raise ValueError("need 0 < reconnect_min <= reconnect_max")
        if self.connect_timeout <= 0 or self.action_timeout <= 0:
            raise ValueError("timeouts must be positive")


class Backoff:
    """Exponential delays with jitter, so a fleet of clients does not reconnect in step."""

    def __init__(self, minimum: float, maximum: float) -> None:
        self.minimum, self.maximum = minimum, maximum
        self.failures = 0

    def next(self) -> float:
        base = min(self.maximum, self.minimum * 2.0 ** min(self.failures, 60))
        self.failures += 1
        return base * (0.5 + random.random() / 2)

    def reset(self) -> None:
        self.failures = 0
