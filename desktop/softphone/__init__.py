"""The built-in softphone: pjsua2 on the agent's own SIP leg, in plain Python (the Qt
side pumps it from a timer). Importable without pjsua2: `softphone_available()` says
whether the `softphone` extra is installed; without it the desktop stays in desk-phone
mode."""

from desktop.softphone.config import EngineConfig, SipAccountConfig
from desktop.softphone.engine import SoftphoneEngine, softphone_available
from desktop.softphone.errors import SoftphoneError
from desktop.softphone.events import (
    CallState,
    CallStateChanged,
    IncomingCall,
    MediaChanged,
    OperationFailed,
    Registration,
    SoftphoneEvent,
    SoftphoneListener,
    TransferProgress,
)

__all__ = [
    "CallState",
    "CallStateChanged",
    "EngineConfig",
    "IncomingCall",
    "MediaChanged",
    "OperationFailed",
    "Registration",
    "SipAccountConfig",
    "SoftphoneEngine",
    "SoftphoneError",
    "SoftphoneEvent",
    "SoftphoneListener",
    "TransferProgress",
    "softphone_available",
]
