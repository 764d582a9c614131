"""The ways non-voice contacts come in (email, chat, web forms), each a real component.

Every channel hands what arrives to an `Intake` as an `Inbound` and sends an agent's words
back out through its `Replies`; the shared types live in `cti.channels.inbound`.
"""
