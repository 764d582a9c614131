"""The events a queue_log holds, as Asterisk 22 writes them, and what the import makes of each.

Sources: ``ast_queue_log`` calls in ``apps/app_queue.c`` and ``main/logger.c`` of
Asterisk 22.10.1, plus the events older Asterisk versions wrote (TRANSFER,
AGENTCALLBACKLOGIN/LOGOFF) and those dialplans add with ``QueueLog()`` by convention
(DID, INFO). docs/queue-log.md lists the same table; a test keeps both in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventSpec:
    data: str  # the data fields, as app_queue.c writes them
    needs: int  # data fields a line must have to be read
    effect: str  # what the import does with it


EVENTS: dict[str, EventSpec] = {
    "ENTERQUEUE": EventSpec(
        "url|callerid|position[|callername]", 2, "a call arrives: its row starts"
    ),
    "RINGNOANSWER": EventSpec("ringtime ms", 1, "an agent leg: rang, `not_answered`"),
    "RINGCANCELED": EventSpec(
        "ringtime ms", 1, "an agent leg: rang until the caller left, `abandoned`"
    ),
    "CONNECT": EventSpec(
        "holdtime|agent channel uniqueid|ringtime", 1, "answered: the agent's leg, `on-call`"
    ),
    "COMPLETECALLER": EventSpec(
        "holdtime|calltime|position", 2, "the caller hung up: the call ends, talk = calltime"
    ),
    "COMPLETEAGENT": EventSpec(
        "holdtime|calltime|position", 2, "the agent hung up: the call ends, talk = calltime"
    ),
    "BLINDTRANSFER": EventSpec(
        "extension|context|holdtime|calltime|position",
        4,
        "a `blind` transfer to the extension; the queue's part of the call ends",
    ),
    "ATTENDEDTRANSFER": EventSpec(
        "BRIDGE|bridge or APP|app or LINK|channel|channel, then holdtime|calltime|position",
        5,
        "an `attended` transfer (target unknown: ''); the queue's part of the call ends",
    ),
    "TRANSFER": EventSpec(
        "extension|context|holdtime|calltime[|position]",
        4,
        "(before Asterisk 12) a `blind` transfer, as BLINDTRANSFER",
    ),
    "ABANDON": EventSpec(
        "position|original position|waittime", 3, "the caller hung up waiting: abandoned"
    ),
    "EXITWITHTIMEOUT": EventSpec(
        "position|original position|waittime", 0, "left the queue unanswered (timeout)"
    ),
    "EXITEMPTY": EventSpec(
        "position|original position|waittime", 0, "left the queue unanswered (no agents)"
    ),
    "EXITWITHKEY": EventSpec(
        "key|position|original position|waittime", 0, "left the queue unanswered (a key)"
    ),
    "WITHDRAW": EventSpec(
        "position|original position|waittime|info", 0, "left the queue unanswered (withdrawn)"
    ),
    "AGENTDUMP": EventSpec("", 0, "an agent leg: hung up before the caller was connected"),
    "SYSCOMPAT": EventSpec("", 0, "an agent leg: the channels could not be bridged"),
    "DID": EventSpec("did", 1, "the call's `did` (dialplan convention)"),
    "INFO": EventSpec("free text", 0, "read, nothing stored (dialplan convention)"),
    "ADDMEMBER": EventSpec("PAUSED or empty", 0, "the member logs in to the queue"),
    "REMOVEMEMBER": EventSpec("", 0, "the member leaves the queue; no queue left: `logged-out`"),
    "PAUSE": EventSpec("reason", 0, "`paused` with the reason, in that queue"),
    "UNPAUSE": EventSpec("reason", 0, "no longer paused in that queue"),
    "PAUSEALL": EventSpec("reason", 0, "read; the PAUSE line of each queue that follows counts"),
    "UNPAUSEALL": EventSpec("reason", 0, "read; the UNPAUSE lines that follow count"),
    "AGENTLOGIN": EventSpec("channel", 0, "an app_agent_pool agent logs in"),
    "AGENTLOGOFF": EventSpec("channel|logintime", 0, "the agent logs off: `logged-out`"),
    "AGENTCALLBACKLOGIN": EventSpec("exten@context", 0, "(before Asterisk 1.6) as AGENTLOGIN"),
    "AGENTCALLBACKLOGOFF": EventSpec(
        "exten@context|logintime|reason", 0, "(before Asterisk 1.6) as AGENTLOGOFF"
    ),
    "QUEUESTART": EventSpec(
        "", 0, "Asterisk started: calls still open end, agents were out meanwhile"
    ),
    "CONFIGRELOAD": EventSpec("", 0, "read, nothing stored (the logger reloaded)"),
    "PENALTY": EventSpec("penalty", 0, "read, nothing stored"),
    "RINGINUSE": EventSpec("0 or 1", 0, "read, nothing stored"),
    "OUTCALL": EventSpec("status|talktime|params", 0, "read, nothing stored (QueueUpdate)"),
}
