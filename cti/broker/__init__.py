"""The broker: pushes domain events to agent desktops over WebSocket, serves REST and commands."""

from cti.broker.app import build_context, make_app, make_runner
from cti.broker.auth import AgentDirectory, AgentIdentity, FailureThrottle
from cti.broker.commands import CallControl, CommandError, CommandResult, CommandService
from cti.broker.context import BROKER_CONTEXT, BrokerContext, ContactBook, Directory
from cti.broker.hub import Broker
from cti.broker.metrics import STAGES, BrokerMetrics
from cti.broker.settings import BrokerSettings, DesktopSettings

__all__ = [
    "BROKER_CONTEXT",
    "STAGES",
    "AgentDirectory",
    "AgentIdentity",
    "Broker",
    "BrokerContext",
    "BrokerMetrics",
    "BrokerSettings",
    "CallControl",
    "CommandError",
    "CommandResult",
    "CommandService",
    "ContactBook",
    "DesktopSettings",
    "Directory",
    "FailureThrottle",
    "build_context",
    "make_app",
    "make_runner",
]
