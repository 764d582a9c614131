"""Softphone settings: validated when built, the password kept out of repr."""

from __future__ import annotations

import pytest

from desktop.softphone import EngineConfig, SipAccountConfig, SoftphoneError
from desktop.softphone.errors import INVALID_CONFIG


def test_password_is_not_in_repr_or_str() -> None:
    account = SipAccountConfig("sip:1001@pbx.test", "sip:pbx.test", "1001", "hunter2-secret")
    assert "hunter2-secret" not in repr(account)
    assert "hunter2-secret" not in str(account)
    assert account.password == "hunter2-secret"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"sip_uri": "1001@pbx.test"}, "sip_uri"),
        ({"sip_uri": "sip:1001@pbx.test", "registrar": "pbx.test"}, "registrar"),
        ({"sip_uri": "sip:1001@pbx.test", "transport": "sctp"}, "transport"),
        ({"sip_uri": "sip:1001@pbx.test", "expires": 5}, "expires"),
        ({"sip_uri": "sip:1001@pbx.test", "password": "x"}, "username"),
    ],
)
def test_bad_account_settings_name_the_key(fields: dict[str, object], key: str) -> None:
    with pytest.raises(SoftphoneError) as refused:
        SipAccountConfig(**fields)  # type: ignore[arg-type]
    assert refused.value.code == INVALID_CONFIG
    assert f"setting {key}:" in refused.value.message


@pytest.mark.parametrize("fields", [{"port": 70000}, {"request_timeout": 0}, {"log_level": 9}])
def test_bad_engine_settings_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(SoftphoneError) as refused:
        EngineConfig(**fields)  # type: ignore[arg-type]
    assert refused.value.code == INVALID_CONFIG


def test_tcp_account_routes_uris_over_tcp() -> None:
    account = SipAccountConfig("sip:1001@pbx.test", "sip:pbx.test", transport="tcp")
    assert account.with_transport("sip:pbx.test") == "sip:pbx.test;transport=tcp"
    assert account.with_transport("sip:pbx.test;transport=tls") == "sip:pbx.test;transport=tls"
    assert account.with_transport("") == ""
