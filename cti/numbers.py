"""Phone number normalisation, always through `phonenumbers` (never hand-written rules)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


@lru_cache(maxsize=4096)  # a queue call rings several agents with one number
def to_e164(number: str | None, region: str | None) -> str | None:
    """E.164 form of `number`, using `region` for national numbers; None if not a number."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
