"""Which broker pop belongs to a call ringing on the softphone.

The exact key is an `X-CTI-Call-Id` header carrying the Asterisk linkedid (the broker's
`call_id`), which a pre-dial handler can add on the agent's leg:
`same => n,Set(PJSIP_HEADER(add,X-CTI-Call-Id)=${CHANNEL(linkedid)})`. Without it, the
caller's number must match, as sent or in E.164 form.
"""

from __future__ import annotations

import phonenumbers

from desktop.softphone.events import IncomingCall

CALL_ID_HEADER = "X-CTI-Call-Id"


def header_call_id(incoming: IncomingCall) -> str | None:
    """The broker call_id named by the INVITE, if the dialplan added it."""
    for name, value in incoming.x_headers.items():
        if name.lower() == CALL_ID_HEADER.lower():
            return value
    return None


def matches_pop(
    incoming: IncomingCall,
    call_id: str,
    caller_number: str | None,
    caller_e164: str | None,
    region: str | None,
) -> bool:
    """Whether `incoming` is the softphone leg of the pop (`call_id`, caller's number)."""
    named = header_call_id(incoming)
    if named is not None:
        return named == call_id
    if not incoming.number:
        return False
    if caller_number and incoming.number == caller_number:
        return True
    return caller_e164 is not None and _e164(incoming.number, region) == caller_e164


def _e164(number: str, region: str | None) -> str | None:
    """The SIP caller's number as E.164 (the desktop shares only the protocol with cti)."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
