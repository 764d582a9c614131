"""The ``lookup`` script: which channel variables a directory answer sets. No I/O.

``CTI_MATCH`` is always set, and set last: a dialplan that sees it knows every other
variable of this lookup was set too (a session cut short by the budget sets none or only
some of them, never ``CTI_MATCH``). Its value is one of `MATCHES`, safe to use in a
``$[...]`` expression, unlike names and companies, which come from the directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from cti.agi.protocol import AgiEnvironment
from cti.calls.callerid import UNKNOWN_VALUES
from cti.lookup.result import LookupResult

CallerNamePolicy = Literal["if-missing", "always", "never"]
CALLER_NAME_POLICIES: tuple[CallerNamePolicy, ...] = ("if-missing", "always", "never")
NameFrom = Literal["exact", "suffix"]
NAME_FROM: tuple[NameFrom, ...] = ("exact", "suffix")
"""Match strengths that may name the caller: a suffix match shares only the last digits,
which a number from another country can share, so by default it does not."""
MATCHES = ("exact", "suffix", "multiple", "none")
CONTACT_VARIABLES = (("CTI_CONTACT_ID", "id"), ("CTI_COMPANY", "company"), ("CTI_CRM_ID", "crm_id"))
"""Channel variable and contact field; empty fields are not set (unset reads as empty)."""

_NUMBER_LIKE = re.compile(r"[\d\s+()./#*-]*")


def number_to_look_up(environment: AgiEnvironment) -> str:
    """The first AGI() argument when the dialplan gives one, else the caller ID number."""
    arguments = environment.arguments
    if arguments and arguments[0].strip():
        return arguments[0].strip()
    return environment.caller_number


def name_is_missing(name: str) -> bool:
    """No real name: empty, ``unknown``, or only a number (trunks often repeat the number)."""
    cleaned = name.strip()
    return cleaned.lower() in UNKNOWN_VALUES or _NUMBER_LIKE.fullmatch(cleaned) is not None


def match_kind(result: LookupResult) -> str:
    """One of `MATCHES`: several candidates count as ``multiple`` whatever their quality."""
    if len(result.matches) > 1:
        return "multiple"
    if result.contact is None or result.match is None:
        return "none"
    return result.match


def variables_for(
    environment: AgiEnvironment,
    result: LookupResult,
    policy: CallerNamePolicy,
    name_from: NameFrom = "exact",
) -> list[tuple[str, str]]:
    """(name, value) pairs to set, in order; ``CTI_MATCH`` always comes last.

    The contact's variables are set for any single match, so the dialplan sees what was
    found; only ``CALLERID(name)``, which the agent's phone shows as fact, waits for a
    match as strong as ``name_from``.
    """
    pairs: list[tuple[str, str]] = []
    contact = result.contact
    if contact is not None:
        name = _text(contact, "name")
        strong = result.match == "exact" or (name_from == "suffix" and result.match == "suffix")
        if name and strong and _should_rename(environment.caller_name, policy):
            pairs.append(("CALLERID(name)", name))
        for variable, key in CONTACT_VARIABLES:
            if value := _text(contact, key):  # unset reads as empty: save the round trip
                pairs.append((variable, value))
    pairs.append(("CTI_MATCH", match_kind(result)))
    return pairs


def _should_rename(current: str, policy: CallerNamePolicy) -> bool:
    if policy == "always":
        return True
    return policy == "if-missing" and name_is_missing(current)


def _text(contact: Mapping[str, Any], key: str) -> str:
    value = contact.get(key)
    return "" if value is None else str(value)
