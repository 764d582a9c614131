"""config/manager.conf, config/extensions.conf and the README's "Asterisk side" stay true."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from cti.agi.lookup import CONTACT_VARIABLES, MATCHES
from cti.calls.tracker import CallTracker
from cti.config import OPTIONS_BY_KEY

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ASTERISK_SIDE = README.split("## Asterisk side", 1)[-1]

#: manager.conf class of every AMI event the tracker may read (Asterisk 22).
EVENT_CLASS = {
    **dict.fromkeys(
        [
            "Newchannel",
            "Newstate",
            "NewCallerid",
            "NewConnectedLine",
            "Hangup",
            "DialBegin",
            "DialState",
            "DialEnd",
            "BridgeEnter",
            "BridgeLeave",
            "BridgeMerge",
            "LocalBridge",
            "Hold",
            "Unhold",
            "MusicOnHoldStart",
            "MusicOnHoldStop",
            "BlindTransfer",
            "AttendedTransfer",
            "OriginateResponse",
            "ParkedCall",
            "UnParkedCall",
            "ParkedCallTimeOut",
            "ParkedCallGiveUp",
            "ParkedCallSwap",
            "BridgeCreate",
            "BridgeDestroy",
            "Pickup",
            "HangupRequest",
            "SoftHangupRequest",
        ],
        "call",
    ),
    **dict.fromkeys(
        [
            "AgentCalled",
            "AgentConnect",
            "AgentComplete",
            "AgentDump",
            "AgentRingNoAnswer",
            "QueueCallerJoin",
            "QueueCallerLeave",
            "QueueCallerAbandon",
            "QueueMemberStatus",
        ],
        "agent",
    ),
}

#: manager.conf write class of every action cti sends (None: no class needed).
ACTION_CLASS = {
    "Login": None,
    "Events": None,
    "Ping": None,
    "QueueStatus": None,
    "CoreShowChannels": "reporting",
    "Hangup": "call",
    "Redirect": "call",
    "BlindTransfer": "call",
    "Atxfer": "call",
    "Park": "call",
    "Originate": "originate",
    "QueueAdd": "agent",
    "QueueRemove": "agent",
    "QueuePause": "agent",
}
OPTIONAL_ACTION_CLASS = {"PJSIPNotify": "system"}


@pytest.fixture(scope="module")
def cti_user() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",), strict=False)
    parser.read(ROOT / "config" / "manager.conf", encoding="utf-8")
    return parser["cti"]


def classes(value: str) -> set[str]:
    return {item.strip() for item in value.split(",") if item.strip()}


def test_every_event_the_tracker_reads_is_in_the_users_read_classes(
    cti_user: configparser.SectionProxy,
) -> None:
    unknown = sorted(CallTracker().handled_events - set(EVENT_CLASS))
    assert unknown == [], "give these events their manager.conf class in EVENT_CLASS"
    needed = {EVENT_CLASS[name] for name in CallTracker().handled_events}
    assert needed <= classes(cti_user["read"])
    assert classes(cti_user["read"]) == {"call", "agent"}  # least privilege: nothing more


def test_write_classes_are_exactly_what_the_actions_need(
    cti_user: configparser.SectionProxy,
) -> None:
    needed = {cls for cls in ACTION_CLASS.values() if cls is not None}
    assert classes(cti_user["write"]) == needed


def test_readme_names_every_action_and_its_class() -> None:
    for action, cls in (ACTION_CLASS | OPTIONAL_ACTION_CLASS).items():
        assert f"`{action}`" in ASTERISK_SIDE, action
        if cls is not None:
            assert f"`write = {cls}`" in ASTERISK_SIDE


@pytest.mark.parametrize(
    "variable", ["CALLERID(name)", "CTI_MATCH", *(name for name, _ in CONTACT_VARIABLES)]
)
def test_every_variable_the_lookup_sets_is_documented(variable: str) -> None:
    assert variable in (ROOT / "config" / "extensions.conf").read_text(encoding="utf-8")
    assert variable in ASTERISK_SIDE


def test_documented_match_values_are_the_real_ones() -> None:
    example = (ROOT / "config" / "extensions.conf").read_text(encoding="utf-8")
    assert " | ".join(MATCHES) in example
    assert all(f"`{match}`" in ASTERISK_SIDE for match in MATCHES)


def test_dialplan_example_calls_the_default_address() -> None:
    host, port = OPTIONS_BY_KEY["agi.host"].default, OPTIONS_BY_KEY["agi.port"].default
    url = f"agi://{host}:{port}/lookup"
    example = (ROOT / "config" / "extensions.conf").read_text(encoding="utf-8")
    assert re.search(rf"AGI\({re.escape(url)}\)", example)
    assert url in ASTERISK_SIDE
