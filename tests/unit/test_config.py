"""Loading and checking config/: typed values, every problem collected, secrets kept hidden."""

from __future__ import annotations

import dataclasses
import logging
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from cti.calls.extensions import DEFAULT_CHANNEL_PATTERNS
from cti.config import (
    CONFIG_DIR_ENV,
    OPTIONS,
    ConfigError,
    ConfigProblem,
    Option,
    ami_settings,
    load_config,
)
from cti.config.template import scalar
from cti.config.types import Bool, InvalidValue, Optional, StrList

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-Pa55word"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(directory: Path, **kwargs: bool) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        load_config(directory, **kwargs)
    return list(caught.value.problems)


def only_error(directory: Path) -> ConfigProblem:
    errors = [problem for problem in problems_of(directory) if problem.is_error]
    assert len(errors) == 1, errors
    return errors[0]


AGENTS = "broker:\n  agents:\n    alice: {token: alice-token-0123456789, extension: '1001'}\n"


def with_secret(directory: Path, secret: str = SECRET) -> None:
    write(directory, "secrets.yaml", f"ami:\n  secret: {secret}\n{AGENTS}").chmod(0o600)


# --- defaults and typed values -------------------------------------------------------


def test_empty_directory_gives_every_default(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert all(config.get(option.key) == option.default for option in OPTIONS)
    assert config.ami.port == 5038 and config.ami.auth == "md5"
    assert config.calls.channel_patterns == DEFAULT_CHANNEL_PATTERNS
    assert config.numbers.default_region == "US"
    assert config.logging.level == "INFO"
    assert config.secrets.ami_secret is None
    assert config.files_read == ()


def test_shipped_config_directory_loads_to_the_defaults() -> None:
    config = load_config(ROOT / "config")
    assert config.files_read == (ROOT / "config" / "cti.yaml",)
    assert all(config.get(option.key) == option.default for option in OPTIONS)


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.key)
def test_every_default_passes_its_own_type(option: Option) -> None:
    if option.default is None and not isinstance(option.type, Optional):
        assert option.secret, "only a secret or an optional value may lack a default"
        return
    default = option.default
    raw = list(default) if isinstance(default, tuple) else default
    assert option.type.parse(raw) == default


@pytest.mark.parametrize("option", OPTIONS, ids=lambda option: option.key)
def test_every_option_has_a_typed_attribute(tmp_path: Path, option: Option) -> None:
    with_secret(tmp_path)
    config = load_config(tmp_path)
    if option.secret:
        value = getattr(config.secrets, option.key.replace(".", "_"))
    elif option.top_level:
        value = getattr(config, option.key)
    else:
        value = getattr(getattr(config, option.section), option.name)
    assert value == config.get(option.key)


def test_values_from_files_are_typed(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cti.yaml",
        """
        ami:
          host: pbx.example.com
          port: 5039
          auth: plain
          connect_timeout: 3
        calls:
          channel_patterns: ['^PJSIP/(?P<ext>\\d+)-']
        numbers:
          default_region: GB
        logging:
          level: DEBUG
        """,
    )
    with_secret(tmp_path)
    config = load_config(tmp_path, require_secrets=True)
    assert (config.ami.host, config.ami.port, config.ami.auth) == ("pbx.example.com", 5039, "plain")
    assert config.ami.connect_timeout == 3.0 and isinstance(config.ami.connect_timeout, float)
    assert config.calls.channel_patterns == (r"^PJSIP/(?P<ext>\d+)-",)
    assert config.numbers.default_region == "GB"
    assert config.logging.level == "DEBUG"
    assert config.secrets.ami_secret == SECRET
    assert config.notes == ()


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.ami.port = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.values["ami.port"] = 1  # type: ignore[index]


def test_get_of_an_unknown_key_names_the_closest(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match=r"did you mean 'ami\.port'"):
        load_config(tmp_path).get("ami.prot")


# --- type errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ("ami", 'port: "5038"', "ami.port: expected an integer, got '5038'"),
        ("ami", "port: 70000", "ami.port: must be an integer, 1 to 65535, got 70000"),
        ("ami", "port: 0", "must be an integer, 1 to 65535, got 0"),
        ("ami", "port: true", "ami.port: expected an integer, got true"),
        ("ami", "port: 5038.0", "ami.port: expected an integer, got 5038.0"),
        ("ami", 'connect_timeout: "5"', "expected a number, got '5' (write it without quotes)"),
        ("ami", "connect_timeout: 0", "connect_timeout: must be greater than 0, got 0"),
        ("ami", "action_timeout: -1.5", "action_timeout: must be greater than 0, got -1.5"),
        ("ami", "ping_interval: .inf", "ping_interval: must be a finite number"),
        ("ami", "host: 42", "ami.host: expected text, got 42 (put it in quotes)"),
        ("ami", 'host: ""', "ami.host: must not be empty"),
        ("ami", "host:", "ami.host: expected text, got null (delete the line to use the default"),
        ("ami", "max_frame_bytes: 100", "must be an integer, at least 4096, got 100"),
        ("numbers", "match_last_digits: 3", "must be an integer, 4 to 15, got 3"),
        ("numbers", "match_last_digits: 16", "must be an integer, 4 to 15, got 16"),
        ("calls", "channel_patterns: abc", "expected a list, got 'abc'"),
        ("calls", "channel_patterns: []", "channel_patterns: needs at least 1 item(s)"),
        ("logging", "level: [INFO]", "logging.level: expected text, got ['INFO']"),
    ],
)
def test_value_of_the_wrong_type_or_range_is_an_error(
    tmp_path: Path, section: str, line: str, message: str
) -> None:
    write(tmp_path, "cti.yaml", f"{section}:\n  {line}\n")
    problem = only_error(tmp_path)
    assert message in str(problem)
    assert problem.line == 2


def test_bool_type_accepts_only_true_and_false() -> None:
    assert Bool().parse(True) is True
    with pytest.raises(InvalidValue, match="expected true or false"):
        Bool().parse("yes")


def test_text_list_reports_every_bad_item_and_returns_a_tuple() -> None:
    assert StrList().parse(["a", "b"]) == ("a", "b")
    with pytest.raises(InvalidValue) as caught:
        StrList().parse(["a", 1, ""])
    assert [issue.index for issue in caught.value.issues] == [1, 2]


# --- unknown keys, enums, patterns, regions ------------------------------------------


def test_unknown_option_suggests_the_closest(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  host: pbx\n  prot: 5038\n")
    problem = only_error(tmp_path)
    assert str(problem) == (
        f"{tmp_path}/cti.yaml:3: ami.prot: unknown option (did you mean 'ami.port'?)"
    )


def test_option_in_the_wrong_section_suggests_where_it_lives(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  default_region: GB\n")
    assert only_error(tmp_path).hint == "did you mean 'numbers.default_region'?"


def test_unknown_section_suggests_the_closest(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "amy:\n  port: 5038\nbrokers:\n  port: 8080\n")
    amy, broker = problems_of(tmp_path)[:2]
    assert (amy.key, amy.message, amy.hint) == ("amy", "unknown section", "did you mean 'ami'?")
    assert (broker.key, broker.hint, broker.line) == ("brokers", "did you mean 'broker'?", 3)


def test_enum_error_lists_the_allowed_values(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  auth: sha1\nlogging:\n  level: info\n")
    auth, level = problems_of(tmp_path)[:2]
    assert auth.hint == "allowed: md5, plain"
    assert level.hint == "did you mean 'INFO'? allowed: DEBUG, INFO, WARNING, ERROR"


def test_each_bad_channel_pattern_is_reported_on_its_own_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cti.yaml",
        """
        calls:
          channel_patterns:
            - '^PJSIP/(?P<ext>\\d+)-'
            - '^SIP/(\\d+)-'
            - '^IAX2/(?P<ext>\\d+'
        """,
    )
    no_group, broken = problems_of(tmp_path)[:2]
    assert no_group.line == 4 and "item 2: is not a valid pattern: needs a named group" in str(
        no_group
    )
    assert broken.line == 5 and "item 3: is not a valid pattern: missing )" in broken.message


@pytest.mark.parametrize(
    ("region", "hint"),
    [("UK", "the United Kingdom is 'GB'"), ("us", "did you mean 'US'?"), ("ZZ", None)],
)
def test_region_unknown_to_phonenumbers_is_an_error(
    tmp_path: Path, region: str, hint: str | None
) -> None:
    write(tmp_path, "cti.yaml", f"numbers:\n  default_region: {region}\n")
    problem = only_error(tmp_path)
    assert problem.message == f"is not a region known to phonenumbers, got '{region}'"
    assert problem.hint == hint


def test_norway_unquoted_is_read_as_false_and_the_hint_says_so(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "numbers:\n  default_region: NO\n")
    problem = only_error(tmp_path)
    assert problem.message == "expected a region code such as 'US', got false"
    assert problem.hint == "put it in quotes; YAML reads a bare NO as false"
    write(tmp_path, "cti.yaml", "numbers:\n  default_region: 'NO'\n")
    assert load_config(tmp_path).numbers.default_region == "NO"


def test_reconnect_min_above_max_is_an_error_on_its_line(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  reconnect_max: 5\n  reconnect_min: 10\n")
    problem = only_error(tmp_path)
    assert (problem.key, problem.line) == ("ami.reconnect_min", 3)
    assert "must not be greater than ami.reconnect_max" in problem.message


# --- file structure ------------------------------------------------------------------


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  host: pbx\n  port: 5038: 1\n")
    problem = only_error(tmp_path)
    assert (problem.line, problem.column) == (3, 13)
    assert str(problem).startswith(f"{tmp_path}/cti.yaml:3:13: YAML syntax error: mapping values")


def test_unclosed_quote_is_reported_where_it_opened_not_at_a_later_apostrophe(
    tmp_path: Path,
) -> None:
    lines = (ROOT / "config" / "cti.yaml").read_text(encoding="utf-8").splitlines()
    opened = lines.index("  host: 127.0.0.1")
    lines[opened] = "  host: '127.0.0.1"
    closed = next(n for n in range(opened + 1, len(lines)) if "'" in lines[n])
    assert lines[closed].lstrip().startswith("#"), "the shipped file has a comment quote"
    (tmp_path / "cti.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only_error(tmp_path)
    assert (problem.line, problem.column) == (opened + 1, 9)
    assert "quote is not closed on its line" in problem.message
    assert f"to line {closed + 1} " in problem.message
    assert problem.hint == "add the closing quote on this line"


@pytest.mark.parametrize("quote", ["'", '"'])
def test_quote_never_closed_is_reported_where_it_opened(tmp_path: Path, quote: str) -> None:
    write(tmp_path, "cti.yaml", f"ami:\n  port: 5038\n  host: {quote}pbx\n  username: cti\n")
    problem = only_error(tmp_path)
    assert (problem.line, problem.column) == (3, 9)
    assert "to the end of the file" in problem.message


def test_unclosed_quote_in_secrets_yaml_names_the_line_but_no_secret(tmp_path: Path) -> None:
    write(tmp_path, "secrets.yaml", f"ami:\n  secret: '{SECRET}\n{AGENTS}").chmod(0o600)
    problem = only_error(tmp_path)
    assert (problem.file, problem.line) == (f"{tmp_path}/secrets.yaml", 2)
    assert SECRET not in str(problem) and "alice-token" not in str(problem)


def test_bad_escape_inside_a_closed_quote_keeps_yaml_own_position(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", 'ami:\n  host: "pb\\x"\n')
    problem = only_error(tmp_path)
    assert problem.line == 2
    assert "double-quoted scalar" in problem.message


def test_key_set_twice_is_an_error_naming_the_first_line(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  port: 1\n  port: 2\n")
    problem = only_error(tmp_path)
    assert (problem.key, problem.line, problem.message) == (
        "ami.port",
        3,
        "is set twice (first on line 2)",
    )


def test_dotted_key_is_rejected_with_the_nested_form(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami.port: 5038\n")
    assert only_error(tmp_path).hint == "write 'ami:' and under it, indented, 'port:'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- ami\n- calls\n", "must be a mapping of sections"),
        ("ami: 5038\n", "ami: must be a section of options, not a value"),
        ("ami:\n  ? [a, b]\n  : 1\n", "has a key that is not a plain name"),
        ("ami:\n  host: !!python/object/apply:os.system ['true']\n", "could not determine"),
        ("---\nami: {}\n---\nami: {}\n", "expected a single document"),
    ],
)
def test_malformed_structure_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "cti.yaml", text)
    assert message in str(only_error(tmp_path))


def test_empty_file_and_empty_section_mean_defaults(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "# nothing yet\nami:\n")
    assert load_config(tmp_path).ami.port == 5038


def test_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").write_bytes(b"ami:\n  host: caf\xe9\n")
    assert only_error(tmp_path).message == "is not UTF-8 text (byte 16)"


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "cti.yaml").mkdir()
    assert only_error(tmp_path).message.startswith("cannot be read")


def test_explicit_directory_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    problem = problems_of(tmp_path / "nope")[0]
    assert str(problem) == f"{tmp_path}/nope: config directory does not exist"


def test_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  port: 6000\n")
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path))
    assert load_config().ami.port == 6000
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_config()


def test_default_directory_is_config_and_may_be_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CONFIG_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_config().files_read == ()
    (tmp_path / "config").mkdir()
    write(tmp_path / "config", "cti.yaml", "ami:\n  port: 6001\n")
    assert load_config().ami.port == 6001


def test_every_problem_of_both_files_is_collected(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cti.yaml",
        "ami:\n  port: x\n  auth: sha1\n  prot: 1\nlogging:\n  level: LOUD\nfoo: {}\n",
    )
    write(tmp_path, "secrets.yaml", "ami:\n  secret: 1234\n  host: pbx\n")
    problems = problems_of(tmp_path)
    assert [(Path(p.file).name, p.key) for p in problems if p.is_error] == [
        ("cti.yaml", "ami.port"),
        ("cti.yaml", "ami.auth"),
        ("cti.yaml", "ami.prot"),
        ("cti.yaml", "logging.level"),
        ("cti.yaml", "foo"),
        ("secrets.yaml", "ami.secret"),
        ("secrets.yaml", "ami.host"),
    ]


# --- secrets -------------------------------------------------------------------------


def test_secret_in_the_main_file_is_an_error_pointing_to_secrets_yaml(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", f"ami:\n  secret: {SECRET}\n")
    problem = only_error(tmp_path)
    assert (problem.key, problem.message) == (
        "ami.secret",
        "is a secret and must not be in cti.yaml",
    )
    assert problem.hint is not None and "secrets.yaml" in problem.hint


def test_plain_option_in_the_secrets_file_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "secrets.yaml", f"ami:\n  secret: {SECRET}\n  port: 5038\n")
    problem = only_error(tmp_path)
    assert (problem.key, problem.message) == ("ami.port", "is not a secret and belongs in cti.yaml")


def test_missing_secrets_file_warns_unless_secrets_are_required(tmp_path: Path) -> None:
    (note,) = load_config(tmp_path).notes
    assert note.severity == "warning" and "ami.secret, broker.agents are unset" in note.message
    (problem,) = problems_of(tmp_path, require_secrets=True)
    assert problem.is_error and problem.file == str(tmp_path / "secrets.yaml")


def test_placeholder_secret_counts_as_unset(tmp_path: Path) -> None:
    write(tmp_path, "secrets.yaml", "ami:\n  secret: change-me\n" + AGENTS).chmod(0o600)
    (problem,) = problems_of(tmp_path, require_secrets=True)
    assert problem.key == "ami.secret" and "placeholder" in problem.message


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_secrets_file_readable_by_others_gets_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "secrets.yaml", f"ami:\n  secret: {SECRET}\n" + AGENTS).chmod(0o644)
    (note,) = load_config(tmp_path, require_secrets=True).notes
    assert note.severity == "warning" and note.hint == f"chmod 600 {tmp_path}/secrets.yaml"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("cti.yaml", f"ami:\n  secret: {SECRET}\n"),
        ("secrets.yaml", f"ami:\n  secret: [{SECRET}]\n"),
        ("secrets.yaml", f"ami:\n  secret: {{{SECRET}: 1}}\n"),
        ("secrets.yaml", f'ami:\n  secret: "{SECRET}\n'),
        ("secrets.yaml", f"ami:\n  secret: !!int {SECRET}\n"),
        ("secrets.yaml", f"ami:\n  secret: {SECRET}\n  secret: {SECRET}\n  scret: {SECRET}\n"),
        ("secrets.yaml", f"ami:\n  secret: {SECRET}\n    oops: {SECRET}\n"),
    ],
)
def test_secret_value_never_appears_in_any_problem(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, text: str
) -> None:
    caplog.set_level(logging.DEBUG)
    write(tmp_path, name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, require_secrets=True)
    shown = [str(caught.value), repr(caught.value), *map(repr, caught.value.problems)]
    assert not [text for text in shown if SECRET in text]
    assert SECRET not in caplog.text


def test_secret_value_never_appears_in_config_repr_or_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with_secret(tmp_path)
    config = load_config(tmp_path, require_secrets=True)
    assert config.secrets.ami_secret == SECRET
    for text in (repr(config), str(config), repr(config.secrets), caplog.text):
        assert SECRET not in text
    assert "ami_secret=<set>" in repr(config.secrets)


def test_ami_settings_carry_the_config_and_the_secret(tmp_path: Path) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  host: pbx\n  auth: plain\n")
    with_secret(tmp_path)
    settings = ami_settings(load_config(tmp_path, require_secrets=True))
    assert (settings.host, settings.auth, settings.secret) == ("pbx", "plain", SECRET)
    assert settings.max_frame_bytes == 1048576
    (tmp_path / "secrets.yaml").unlink()
    with pytest.raises(ValueError, match=r"ami\.secret is not set"):
        ami_settings(load_config(tmp_path))


# --- rendering ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["plain", "a: b", "#x", "it's", r"^SIP/(?P<ext>\d+)$", "yes", "null", "1001", " x"]
)
def test_rendered_scalar_reads_back_as_the_same_text(value: str) -> None:
    assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}


# --- cti check-config ----------------------------------------------------------------


def main(argv: list[str]) -> int:
    """`cti.cli.main`, imported here so a broken sibling command fails only these tests."""
    from cti.cli import main as cli_main

    return cli_main(argv)


def test_check_config_prints_ok_and_exits_0_for_a_valid_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "cti.yaml", "ami:\n  port: 5039\n")
    with_secret(tmp_path)
    assert main(["check-config", "--config", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out == f"OK: {tmp_path}/cti.yaml, {tmp_path}/secrets.yaml valid; " + (
        "options not set there have their defaults\n"
    )


def test_check_config_prints_warnings_but_still_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config", "--config", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{tmp_path}/secrets.yaml: warning: not found")
    assert lines[1].startswith("OK: no config files in")


def test_check_config_prints_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_file = write(tmp_path, "cti.yaml", f"ami:\n  prot: 1\n  auth: x\n  secret: {SECRET}\n")
    before = main_file.read_bytes()
    assert main(["check-config", "--config", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{tmp_path}/cti.yaml:2: ami.prot: unknown option (did you mean 'ami.port'?)",
        f"{tmp_path}/cti.yaml:3: ami.auth: is not an allowed value, got 'x' (allowed: md5, plain)",
        f"{tmp_path}/cti.yaml:4: ami.secret: is a secret and must not be in cti.yaml "
        "(move it to secrets.yaml next to this file and chmod 600 it)",
        f"{tmp_path}/secrets.yaml: warning: not found, so ami.secret, broker.agents are unset; "
        "`cti serve` will not start without it "
        "(copy secrets.example.yaml to secrets.yaml, set it, chmod 600)",
    ]
    assert "3 error(s), 1 warning(s)" in captured.err
    assert SECRET not in captured.out + captured.err
    assert main_file.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cti.yaml"]


def test_check_config_of_a_missing_directory_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config", "--config", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().out == f"{tmp_path}/nope: config directory does not exist\n"


def test_check_config_is_registered_with_help() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check-config", "--help"])
    assert caught.value.code == 0
