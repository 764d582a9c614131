"""The universal queue: every email thread, chat and web form is an interaction that
waits in one queue (priority, then age) and is offered to one available agent, using
the same agent state as calls (`cti.agents`).

Split by job: `model` (what an interaction is), `queue` (the waiting order), `router`
(who is offered what, offer timeouts and declines); channels hand their messages in
through the `InteractionCentre` (`cti.channels.inbound.Intake`).
"""
