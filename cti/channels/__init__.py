"""The ways in besides calls (email, chat, web forms), each handing `Inbound` to an `Intake`.

Channels know nothing of queues or agents: they turn what arrives into plain, safe `Inbound`
values and send an agent's `Outbound` words back out. `cti/interactions` does the rest.
"""

from cti.channels.inbound import Attachment, Channel, Inbound, Intake, Outbound, Party, Replies

__all__ = ["Attachment", "Channel", "Inbound", "Intake", "Outbound", "Party", "Replies"]
