"""The desktop's part of the broker: capabilities, settings defaults, note and contact forms."""

from __future__ import annotations

import pytest

from cti.broker import AgentIdentity, CommandService, DesktopSettings
from cti.broker.contact_forms import BadArgs, parse_contact, parse_note, parse_search
from cti.broker.routing import CallBook
from cti.broker.settings import DEFAULT_DISPOSITIONS
from cti.config.desktop_options import DEFAULT_DISPOSITIONS as CONFIG_DISPOSITIONS
from cti.config.queue_options import DEFAULT_PAUSE_REASONS
from tests.call_control_stub import StubCallControl

ALICE = AgentIdentity("alice", "1001")


def NoControl() -> StubCallControl:
    """A PBX side whose device carries out only hang-up and dial."""
    return StubCallControl(commands=["call.hangup", "call.dial"])


def test_capabilities_list_only_supported_commands_when_call_control_exists() -> None:
    assert CommandService(CallBook(), NoControl(), 1.0).capabilities(ALICE) == [
        "call.hangup",
        "call.dial",
    ]
    assert CommandService(CallBook(), None, 1.0).capabilities(ALICE) == []


def test_broker_and_config_default_to_the_same_dispositions_and_pause_reasons() -> None:
    assert DEFAULT_DISPOSITIONS == CONFIG_DISPOSITIONS
    assert DesktopSettings().welcome_data() == {
        "crm_url": None,
        "dispositions": list(DEFAULT_DISPOSITIONS),
        "pause_reasons": list(DEFAULT_PAUSE_REASONS),
    }


def test_contact_form_strips_text_and_drops_repeated_tags() -> None:
    form = parse_contact(
        {"name": " Ann ", "tags": ["a", "a "], "phones": [{"number": " 0612 ", "label": None}]}
    )
    assert (form.name, form.phones) == ("Ann", [("0612", None)])
    assert form.details == {"company": None, "email": None, "notes": None, "tags": ["a"]}


def test_note_form_checks_the_disposition_against_the_allowed_ones() -> None:
    note = parse_note({"call_id": "c1", "disposition": "done", "contact_id": 4}, ["done"])
    assert (note.call_id, note.disposition, note.contact_id, note.notes) == ("c1", "done", 4, None)
    with pytest.raises(BadArgs, match="disposition"):
        parse_note({"call_id": "c1", "disposition": "sold"}, ["done"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"q": "ann"}, ("ann", 50)), ({"q": "ann", "limit": "200"}, ("ann", 200))],
)
def test_search_query_defaults_and_bounds(query: dict[str, str], expected: object) -> None:
    assert parse_search(query) == expected
