"""The `webforms` section: forms in cti.yaml, their secrets in secrets.yaml, limits; every
bad value named with a hint and never showing a secret; the receiver's forms and limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.channels.webform import WebForm, WebFormLimits
from cti.config import ConfigError, ConfigProblem, load_config
from cti.config.webform_options import webform_setup

SECRET = "f" * 24 + "0123456789abcdef"  # 40 characters
FORMS = (
    "webforms:\n"
    "  forms:\n"
    "    contact: {name_field: name, email_field: email, text_field: message}\n"
    "    callback: {phone_field: tel, subject_field: topic}\n"
)
SECRETS = f"webforms:\n  secrets:\n    contact: {SECRET}\n    callback: {SECRET[::-1]}\n"


def write(directory: Path, main: str, secrets: str | None = None) -> None:
    (directory / "cti.yaml").write_text(main, encoding="utf-8")
    if secrets is not None:
        path = directory / "secrets.yaml"
        path.write_text(secrets, encoding="utf-8")
        path.chmod(0o600)


def errors(directory: Path, main: str, secrets: str | None = None) -> list[ConfigProblem]:
    write(directory, main, secrets)
    with pytest.raises(ConfigError) as caught:
        load_config(directory)
    return [problem for problem in caught.value.problems if problem.is_error]


def test_defaults_accept_no_form_and_keep_the_standard_limits(tmp_path: Path) -> None:
    forms, limits = webform_setup(load_config(tmp_path))
    assert forms == {}
    assert limits == WebFormLimits()


def test_forms_get_their_mapping_and_their_own_secret(tmp_path: Path) -> None:
    write(tmp_path, FORMS, SECRETS)
    forms, _ = webform_setup(load_config(tmp_path))
    assert forms == {
        "contact": WebForm("contact", SECRET, "name", "email", None, None, "message"),
        "callback": WebForm("callback", SECRET[::-1], None, None, "tel", "topic", None),
    }


def test_a_form_with_no_mapping_is_accepted_and_lists_every_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "webforms:\n  forms:\n    quote:\n",
        f"webforms:\n  secrets:\n    quote: {SECRET}\n",
    )
    forms, _ = webform_setup(load_config(tmp_path))
    assert forms == {"quote": WebForm("quote", SECRET)}


def test_limits_reach_the_receiver(tmp_path: Path) -> None:
    body = (
        "webforms:\n  max_body_bytes: 4096\n  max_fields: 5\n  max_field_name_chars: 20\n"
        "  max_value_chars: 300\n  replay_window: 60\n"
    )
    write(tmp_path, body)
    _, limits = webform_setup(load_config(tmp_path))
    assert limits == WebFormLimits(4096, 5, 20, 300, 60.0)


def test_secrets_never_show_in_the_repr_of_the_config(tmp_path: Path) -> None:
    write(tmp_path, FORMS, SECRETS)
    config = load_config(tmp_path)
    assert SECRET not in repr(config.secrets)
    assert SECRET not in repr(webform_setup(config)[0])


@pytest.mark.parametrize(
    ("forms", "message", "hint"),
    [
        ("  forms: [contact]\n", "expected a mapping of forms, got a list", "contact:"),
        ("  forms:\n    Contact Us: {}\n", "Contact Us: a form name must be", "such as contact"),
        ("  forms:\n    contact: email\n", "contact: expected a mapping of fields", "email_field"),
        ("  forms:\n    contact: {email: email}\n", "contact: unknown key 'email'", "email_field"),
        ("  forms:\n    contact: {colour: x}\n", "unknown key 'colour'", "allowed: name_field"),
        ("  forms:\n    contact: {email_field: ''}\n", "email_field must be a field name", "name"),
        ("  forms:\n    contact: {text_field: 3}\n", "text_field must be a field name", "name"),
    ],
)
def test_a_bad_form_is_refused_naming_it(
    tmp_path: Path, forms: str, message: str, hint: str
) -> None:
    secrets = f"webforms:\n  secrets:\n    contact: {SECRET}\n"
    (problem, *_) = errors(tmp_path, "webforms:\n" + forms, secrets)
    assert problem.key == "webforms.forms", problem
    assert message in problem.message, problem
    assert problem.hint is not None and hint in problem.hint, problem


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ("  max_body_bytes: 100\n", "webforms.max_body_bytes", "1024 to 10485760"),
        ("  max_fields: 0\n", "webforms.max_fields", "1 to 1000"),
        ("  max_field_name_chars: '20'\n", "webforms.max_field_name_chars", "integer"),
        ("  max_value_chars: 0\n", "webforms.max_value_chars", "1 to 1000000"),
        ("  replay_window: 0\n", "webforms.replay_window", "greater than 0"),
        ("  secret_header: x\n", "webforms.secret_header", "unknown"),
    ],
)
def test_a_bad_limit_is_refused_naming_its_key(
    tmp_path: Path, body: str, key: str, message: str
) -> None:
    (problem,) = errors(tmp_path, "webforms:\n" + body)
    assert problem.key == key and message in problem.message, problem


def test_a_short_secret_is_refused_naming_the_form_never_the_secret(tmp_path: Path) -> None:
    short = "tooshort-secret-value"
    problems = errors(tmp_path, FORMS, f"webforms:\n  secrets:\n    contact: {short}\n")
    (problem,) = [p for p in problems if p.key == "webforms.secrets"]
    assert "contact: secret must be text of at least 32 characters" in problem.message
    assert problem.hint is not None and "openssl rand" in problem.hint
    assert all(short not in str(p) and short not in repr(p) for p in problems)


def test_secrets_that_are_not_a_mapping_are_refused(tmp_path: Path) -> None:
    (problem,) = errors(tmp_path, "", f"webforms:\n  secrets: {SECRET}\n")
    assert problem.key == "webforms.secrets" and "expected a mapping" in problem.message
    assert SECRET not in str(problem)


def test_a_secret_written_in_cti_yaml_is_refused_without_showing_it(tmp_path: Path) -> None:
    problems = errors(tmp_path, f"webforms:\n  secrets:\n    contact: {SECRET}\n")
    assert [p.key for p in problems] == ["webforms.secrets"]
    assert "secrets.yaml" in str(problems[0]) and SECRET not in str(problems[0])


def test_a_form_without_a_secret_stops_the_load_naming_the_form(tmp_path: Path) -> None:
    secrets = f"webforms:\n  secrets:\n    contact: {SECRET}\n"
    (problem,) = errors(tmp_path, FORMS, secrets)
    assert problem.key == "webforms.forms"
    assert "no secret in webforms.secrets (secrets.yaml): callback" in problem.message
    assert SECRET not in str(problem)


def test_forms_without_secrets_yaml_cannot_load(tmp_path: Path) -> None:
    (problem,) = errors(tmp_path, FORMS)
    assert "callback, contact" in problem.message


def test_a_secret_of_no_form_is_refused_naming_it(tmp_path: Path) -> None:
    secrets = SECRETS + f"    old: {SECRET}\n"
    (problem,) = errors(tmp_path, FORMS, secrets)
    assert "webforms.secrets has secrets of no form: old" in problem.message
    assert SECRET not in str(problem)
