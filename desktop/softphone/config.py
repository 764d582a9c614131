"""Plain settings of the softphone. The password is a secret: it is kept out of `repr`
(and so out of logs and tracebacks) and handed only to pjsua2's credential store."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.softphone.errors import INVALID_CONFIG, SoftphoneError

TRANSPORTS = ("udp", "tcp")
_SIP_URI = re.compile(r"^sips?:[^\s@<>\"]+(@[^\s<>\"]+)?$", re.IGNORECASE)


def is_sip_uri(text: str) -> bool:
    return bool(_SIP_URI.match(text))


def _invalid(key: str, why: str) -> SoftphoneError:
    return SoftphoneError(INVALID_CONFIG, f"softphone setting {key}: {why}")


@dataclass(frozen=True)
class EngineConfig:
    """Where the SIP stack listens and how long an agent waits for an answer.

    `request_timeout` is the engine's own deadline for REGISTER, hold, resume and REFER:
    SIP gives up only after 32 s (timer F), far too long for a button in a window.
    """

    bind_address: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    null_audio: bool = True  # no sound card: media flows through pjmedia's null device
    request_timeout: float = 8.0
    user_agent: str = "cti-screenpop softphone"
    log_level: int = 3  # pjsip verbosity (0-6) routed to logging at DEBUG
    log_sip_messages: bool = False  # full SIP messages in the log (digest headers included)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise _invalid("port", f"{self.port} is not a port number")
        if self.request_timeout <= 0:
            raise _invalid("request_timeout", "must be positive")
        if not 0 <= self.log_level <= 6:
            raise _invalid("log_level", "must be 0-6")


@dataclass(frozen=True)
class SipAccountConfig:
    """The agent's SIP account. An empty `registrar` means no registration (a peer that
    sends calls straight to the softphone's address)."""

    sip_uri: str
    registrar: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    realm: str = "*"
    transport: str = "udp"
    expires: int = 300

    def __post_init__(self) -> None:
        if not is_sip_uri(self.sip_uri):
            raise _invalid("sip_uri", f"{self.sip_uri!r} is not a sip: URI")
        if self.registrar and not is_sip_uri(self.registrar):
            raise _invalid("registrar", f"{self.registrar!r} is not a sip: URI")
        if self.transport not in TRANSPORTS:
            raise _invalid("transport", f"{self.transport!r}: use one of {', '.join(TRANSPORTS)}")
        if self.expires < 60:
            raise _invalid("expires", "must be at least 60 seconds")
        if self.password and not self.username:
            raise _invalid("username", "a password needs a username")

    def with_transport(self, uri: str) -> str:
        """`uri` routed over this account's transport (UDP is SIP's default)."""
        if not uri or self.transport == "udp" or ";transport=" in uri.lower():
            return uri
        return f"{uri};transport={self.transport}"
