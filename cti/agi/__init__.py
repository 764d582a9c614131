"""FastAGI: the dialplan's lookup step, ``AGI(agi://127.0.0.1:4573/lookup)``.

A sans-I/O parser and command builder (`protocol`), the lookup script's rules (`lookup`),
one connection under a time budget (`session`) and the listener (`server`).
"""

from cti.agi.lookup import CALLER_NAME_POLICIES, MATCHES, NAME_FROM, CallerNamePolicy, NameFrom
from cti.agi.protocol import (
    AgiEnvironment,
    AgiParser,
    AgiProtocolError,
    AgiReply,
    HangupNotice,
    LineTooLong,
    quote,
    set_variable,
    verbose,
)
from cti.agi.server import AgiServer, AgiStats
from cti.agi.session import SCRIPTS, AgiSession, CallerLookup
from cti.agi.settings import AgiSettings

__all__ = [
    "CALLER_NAME_POLICIES",
    "MATCHES",
    "NAME_FROM",
    "SCRIPTS",
    "AgiEnvironment",
    "AgiParser",
    "AgiProtocolError",
    "AgiReply",
    "AgiServer",
    "AgiSession",
    "AgiSettings",
    "AgiStats",
    "CallerLookup",
    "CallerNamePolicy",
    "HangupNotice",
    "LineTooLong",
    "NameFrom",
    "quote",
    "set_variable",
    "verbose",
]
