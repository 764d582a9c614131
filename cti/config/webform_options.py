"""Options of the `webforms` section: the signed web forms ``POST /api/webforms/{form}``.

A form's field mapping is in cti.yaml; its signing secret is in secrets.yaml under
``webforms.secrets``, like the agents' tokens, so no problem message ever shows one (they
name the form). A form's priority is the `interactions` section's, not repeated here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cti.config.option import Option, Rule
from cti.config.types import Float, Int, InvalidValue, Issue, Optional, ValueType, kind_of

if TYPE_CHECKING:
    from cti.channels.webform import WebForm, WebFormLimits
    from cti.config.model import Config

WEBFORMS_SECTION = (
    "Web forms a website's back end posts, signed, to `POST /api/webforms/{form}`: which "
    "fields hold the sender and the text, and the size limits."
)

FORM_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FORM_NAME_RULE = "1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit"
MAPPING_KEYS = ("name_field", "email_field", "phone_field", "subject_field", "text_field")
MAX_FIELD_NAME_CHARS = 100
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True, slots=True)
class FormMapping:
    """Which submitted fields hold the sender's name, email, phone, the subject, the text."""

    name_field: str | None = None
    email_field: str | None = None
    phone_field: str | None = None
    subject_field: str | None = None
    text_field: str | None = None


def _form_issue(form: object) -> Issue | None:
    if isinstance(form, str) and FORM_NAME.match(form):
        return None
    return Issue(f"{form}: a form name must be {FORM_NAME_RULE}", "such as contact", key=str(form))


def _mapping_issues(form: str, entry: object) -> list[Issue]:
    if entry is None:
        return []
    if not isinstance(entry, dict):
        hint = "write the fields under it, e.g. email_field: email"
        return [
            Issue(f"{form}: expected a mapping of fields, got {kind_of(entry)}", hint, key=form)
        ]
    issues: list[Issue] = []
    for key, field_name in entry.items():
        if key not in MAPPING_KEYS:
            close = difflib.get_close_matches(str(key), MAPPING_KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(MAPPING_KEYS)
            issues.append(Issue(f"{form}: unknown key {key!r}", hint, key=form))
        elif field_name is not None and (
            not isinstance(field_name, str) or not 0 < len(field_name) <= MAX_FIELD_NAME_CHARS
        ):
            message = (
                f"{form}: {key} must be a field name of 1 to {MAX_FIELD_NAME_CHARS} characters"
            )
            issues.append(Issue(message, "the name attribute of the form's input", key=form))
    return issues


@dataclass(frozen=True, slots=True)
class FormMap(ValueType):
    """``{form: {name_field, email_field, phone_field, subject_field, text_field}}``."""

    @property
    def label(self) -> str:
        return "mapping of form name to its name_field, email_field, phone_field, " + (
            "subject_field and text_field"
        )

    def parse(self, value: object) -> dict[str, FormMapping]:
        if not isinstance(value, dict):
            hint = "write 'contact:' and under it email_field, text_field..."
            raise InvalidValue.single(f"expected a mapping of forms, got {kind_of(value)}", hint)
        issues = [issue for form in value if (issue := _form_issue(form))]
        for form, entry in value.items():
            issues.extend(_mapping_issues(str(form), entry))
        if issues:
            raise InvalidValue(issues)
        return {form: FormMapping(**(entry or {})) for form, entry in value.items()}


@dataclass(frozen=True, slots=True)
class FormSecrets(ValueType):
    """``{form: secret}`` from secrets.yaml; a problem names the form, never the secret."""

    @property
    def label(self) -> str:
        return (
            f"mapping of form name to its signing secret (at least {MIN_SECRET_LENGTH} characters)"
        )

    def parse(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            hint = "write 'contact: <secret>', one line per form"
            raise InvalidValue.single(f"expected a mapping of forms, got {kind_of(value)}", hint)
        issues = [issue for form in value if (issue := _form_issue(form))]
        hint = "generate one with: openssl rand -hex 32"
        issues.extend(
            Issue(f"{form}: secret must be text of at least {MIN_SECRET_LENGTH} characters", hint)
            for form, secret in value.items()
            if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH
        )
        if issues:
            raise InvalidValue(issues)
        return {str(form): secret for form, secret in value.items()}


def _unpaired(values: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """Forms without a secret, and secrets of no form."""
    forms, secrets = values.get("webforms.forms"), values.get("webforms.secrets")
    form_names = set(forms) if isinstance(forms, Mapping) else set()
    secret_names = set(secrets) if isinstance(secrets, Mapping) else set()
    return sorted(form_names - secret_names), sorted(secret_names - form_names)


def _describe_unpaired(values: Mapping[str, object]) -> str:
    no_secret, no_form = _unpaired(values)
    parts = []
    if no_secret:
        parts.append("have no secret in webforms.secrets (secrets.yaml): " + ", ".join(no_secret))
    if no_form:
        parts.append("webforms.secrets has secrets of no form: " + ", ".join(no_form))
    return "; ".join(parts)


FORMS_NEED_SECRETS = Rule(
    "webforms.forms",
    ("webforms.secrets",),
    lambda values: _unpaired(values) == ([], []),
    "every form needs a secret in webforms.secrets, and every secret a form",
    "each form signs with its own secret: add it to secrets.yaml, or remove the entry",
    describe=_describe_unpaired,
)

WEBFORM_OPTIONS: tuple[Option, ...] = (
    Option(
        "webforms.forms",
        Optional(FormMap()),
        None,
        "The forms accepted, by name (the `{form}` of the URL), each with the fields that "
        "hold the sender's name, email and phone, the subject and the text. The agent reads "
        "the text field first, then every other field as 'name: value' (no text field: "
        "every field). Null: no form is accepted.",
        example=(
            "# contact:",
            "#   name_field: name",
            "#   email_field: email",
            "#   text_field: message",
        ),
    ),
    Option(
        "webforms.secrets",
        Optional(FormSecrets()),
        None,
        "Each form's signing secret (HMAC-SHA256, docs/channels.md), shared with the "
        "website's back end only.",
        secret=True,
        example=("# contact: <the output of: openssl rand -hex 32>",),
    ),
    Option(
        "webforms.max_body_bytes",
        Int(1024, 10485760),
        65536,
        "Largest submission body, in bytes; a bigger one is refused with 413.",
    ),
    Option("webforms.max_fields", Int(1, 1000), 50, "Most fields one submission may have."),
    Option(
        "webforms.max_field_name_chars",
        Int(1, 1000),
        100,
        "Longest field name, in characters.",
    ),
    Option(
        "webforms.max_value_chars",
        Int(1, 1000000),
        10000,
        "Longest field value, in characters.",
    ),
    Option(
        "webforms.replay_window",
        Float(above=0),
        300.0,
        "Seconds a signature's timestamp may differ from the server's clock; each "
        "signature is accepted once within it.",
    ),
)


def webform_setup(config: Config) -> tuple[dict[str, WebForm], WebFormLimits]:
    """The forms (with their secrets) and limits the receiver is built with."""
    from cti.channels.webform import WebForm, WebFormLimits

    section, secrets = config.webforms, config.secrets.webforms_secrets or {}
    forms = {
        name: WebForm(name, secrets[name], *(getattr(mapping, key) for key in MAPPING_KEYS))
        for name, mapping in (section.forms or {}).items()
    }
    limits = WebFormLimits(
        max_body_bytes=section.max_body_bytes,
        max_fields=section.max_fields,
        max_field_name_chars=section.max_field_name_chars,
        max_value_chars=section.max_value_chars,
        replay_window=section.replay_window,
    )
    return forms, limits
