"""`broker.max_pending_hellos` reaches the broker's settings, and a bad value is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cti.assembly import broker_settings
from cti.broker import BrokerSettings
from cti.config import ConfigError, load_config


def config_dir(directory: Path, main: str) -> Path:
    (directory / "cti.yaml").write_text(main, encoding="utf-8")
    return directory


def test_the_option_sets_the_cap_and_defaults_to_256(tmp_path: Path) -> None:
    config = load_config(config_dir(tmp_path, "broker:\n  max_pending_hellos: 7\n"))
    assert broker_settings(config).max_pending_hellos == 7
    default = load_config(config_dir(tmp_path, ""))
    assert broker_settings(default).max_pending_hellos == 256 == BrokerSettings().max_pending_hellos


@pytest.mark.parametrize("value", ["0", "-3", "lots"])
def test_a_cap_below_one_or_not_a_number_is_refused_naming_the_key(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir(tmp_path, f"broker:\n  max_pending_hellos: {value}\n"))
    assert [problem.key for problem in caught.value.errors] == ["broker.max_pending_hellos"]
