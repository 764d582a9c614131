"""The broker finds an event's recipients from its audience, exactly as `receives` rules."""

from __future__ import annotations

from cti.broker.auth import AgentDirectory, AgentIdentity
from cti.broker.hub import Broker
from cti.broker.metrics import BrokerMetrics
from cti.broker.routing import receives
from tests.broker_events import answered, ringing

IDENTITIES = [
    AgentIdentity("alice", "1001"),
    AgentIdentity("alice-laptop", "1001"),  # two agents may share an extension
    AgentIdentity("bob", "1002"),
    AgentIdentity("carol", "1003"),
    AgentIdentity("sue", "1900", "supervisor"),
    AgentIdentity("tom", "1901", "supervisor"),
]


def make_broker() -> Broker:
    tokens = {f"tok-{identity.agent_id}": identity for identity in IDENTITIES}
    return Broker(AgentDirectory(tokens), journal_size=16, metrics=BrokerMetrics())


def names(broker: Broker, event: object) -> set[str]:
    return {state.identity.agent_id for state in broker.recipients(event)}  # type: ignore[arg-type]


def test_recipients_match_the_routing_rule_for_every_agent() -> None:
    broker = make_broker()
    events = [ringing("c1", "1001"), ringing("c2", "1002"), answered("c1", "1001")]
    events.append(ringing("c3", "1999"))  # nobody has 1999: supervisors only
    for event in events:
        expected = {
            identity.agent_id
            for identity in IDENTITIES
            if receives(event, identity.extension, identity.is_supervisor)
        }
        assert names(broker, event) == expected


def test_ringing_is_journalled_only_for_its_extension_and_supervisors() -> None:
    broker = make_broker()
    broker.publish(ringing("c1", "1002"))
    seqs = {state.identity.agent_id: state.journal.seq for state in broker._states.values()}
    assert seqs == {
        "alice": 0,
        "alice-laptop": 0,
        "bob": 1,
        "carol": 0,
        "sue": 1,
        "tom": 1,
    }
