"""Broker settings: plain data, filled by whoever builds the server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BrokerSettings:
    """Limits that keep one client from hurting the others or the broker."""

    host: str = "127.0.0.1"
    port: int = 8765
    journal_size: int = 1000  # events kept per agent for gapless reconnects
    send_queue_size: int = 256  # frames waiting per connection before it counts as slow
    max_msg_size: int = 64 * 1024  # largest client frame, bytes
    hello_timeout: float = 10.0  # seconds a new socket may stay silent
    max_pending_hellos: int = 256  # sockets without hello at once; the oldest gives way
    allowed_origins: frozenset[str] = frozenset()  # browser Origins; absent Origin is allowed
    command_timeout: float = 10.0  # seconds a call-control command may take
    commands_in_flight: int = 8  # per connection; more are answered `busy`
    auth_fail_delay: float = 0.5  # first delay after a bad token from one address
    auth_fail_delay_max: float = 10.0
    auth_fail_window: float = 600.0  # seconds a failure is remembered
    auth_fail_addresses: int = 10_000  # addresses remembered at most
    close_timeout: float = 2.0  # seconds to wait for a close handshake
    heartbeat: float | None = 30.0  # ping interval that finds vanished desktops; None: off


DEFAULT_DISPOSITIONS = ("resolved", "callback", "voicemail", "wrong-number", "escalated")
DEFAULT_PAUSE_REASONS = ("lunch", "break", "training", "meeting")  # queues.pause_reasons


@dataclass(frozen=True, slots=True)
class DesktopSettings:
    """What every desktop is told in its welcome; replaced whole on a config reload."""

    crm_url: str | None = None  # link template: {contact_id}, {crm_id}, {number}
    dispositions: tuple[str, ...] = DEFAULT_DISPOSITIONS  # allowed outcomes of a call note
    pause_reasons: tuple[str, ...] = DEFAULT_PAUSE_REASONS  # what agent.pause accepts

    def welcome_data(self) -> dict[str, object]:
        return {
            "crm_url": self.crm_url,
            "dispositions": list(self.dispositions),
            "pause_reasons": list(self.pause_reasons),
        }
