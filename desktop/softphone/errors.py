"""The one exception type of the softphone: every refusal or failure of an operation on
the agent's SIP leg carries a stable id (for the window and the logs) and a human message."""

from __future__ import annotations

UNAVAILABLE = "softphone-unavailable"  # pjsua2-python (the `softphone` extra) is missing
ENDPOINT_EXISTS = "endpoint-exists"  # pjsua2 allows one Endpoint per process
ENGINE_CLOSED = "engine-closed"
WRONG_THREAD = "wrong-thread"  # pjsua2 runs on the thread that created the engine
INVALID_CONFIG = "invalid-config"
INVALID_TARGET = "invalid-target"
NO_ACCOUNT = "no-account"
NO_SUCH_CALL = "no-such-call"
WRONG_STATE = "wrong-state"
NETWORK = "network-error"
SIP_ERROR = "sip-error"


class SoftphoneError(Exception):
    """Raised by engine operations; never raised into pjsua2 callbacks."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"
