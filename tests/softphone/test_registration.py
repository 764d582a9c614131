"""Registration of the agent's account against SIPp as the registrar: success after a
digest challenge, refusal (403) and a registrar that never answers, each reported as an
event with its code; the password never reaches the logs."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import replace

import pytest

from desktop.softphone import Registration, SipAccountConfig
from tests.softphone.conftest import Phone
from tests.softphone.sipp import Sipp, free_port

PASSWORD = "pw-7f3a9c-never-logged"


def account(sipp: Sipp, password: str = PASSWORD) -> SipAccountConfig:
    return SipAccountConfig(
        "sip:1001@127.0.0.1",
        registrar=f"sip:{sipp.uri_host}",
        username="1001",
        password=password,
    )


def registrar(start_sipp: Callable[..., Sipp]) -> Sipp:
    return start_sipp("registrar.xml", variables={"user": "1001", "pass": PASSWORD})


def test_registration_with_the_right_password_is_reported_ok(
    phone: Phone, start_sipp: Callable[..., Sipp], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sipp = registrar(start_sipp)
    phone.engine.register(account(sipp))
    registered = phone.wait_for(Registration)
    assert (registered.ok, registered.code, registered.expires) == (True, 200, 300)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()  # SIPp verified the digest
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(account(sipp))


def test_registration_refused_with_403_is_reported(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp = registrar(start_sipp)
    phone.engine.register(account(sipp, password="wrong-password"))
    refused = phone.wait_for(Registration)
    assert (refused.ok, refused.code, refused.reason) == (False, 403, "Forbidden")
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_silent_registrar_is_reported_at_the_engine_deadline(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    sipp = start_sipp("registrar_silent.xml")
    phone.engine.register(account(sipp))
    timed_out = phone.wait_for(Registration, timeout=3.0)  # engine deadline: 1 s, SIP: 32 s
    assert (timed_out.ok, timed_out.code) == (False, 408)
    assert "no answer from the registrar within 1 s" in timed_out.reason
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_unregistering_from_inside_the_registration_callback_is_safe(
    phone: Phone, start_sipp: Callable[..., Sipp]
) -> None:
    """A window that drops the account when registration fails does it from the slot."""
    phone.recorder.react = lambda event: phone.engine.unregister()
    sipp = registrar(start_sipp)
    phone.engine.register(account(sipp, password="wrong-password"))
    refused = phone.wait_for(Registration)
    assert refused.code == 403
    phone.settle()
    assert phone.engine.line is None
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()


def test_account_on_tcp_registers_over_tcp(phone: Phone, start_sipp: Callable[..., Sipp]) -> None:
    sipp = start_sipp("registrar.xml", variables={"user": "1001", "pass": PASSWORD}, tcp=True)
    config = account(sipp)
    phone.engine.register(replace(config, transport="tcp"))
    registered = phone.wait_for(Registration)
    assert (registered.ok, registered.code) == (True, 200)
    assert sipp.wait(phone.engine.pump) == 0, sipp.report()
    assert "SIP/2.0/TCP" in (sipp.workdir / "messages.log").read_text()


def test_registrar_refusing_the_tcp_connection_is_reported_at_once(phone: Phone) -> None:
    closed_port = free_port(socket.SOCK_STREAM)  # nothing listens there
    phone.engine.register(
        SipAccountConfig(
            "sip:1001@127.0.0.1", registrar=f"sip:127.0.0.1:{closed_port}", transport="tcp"
        )
    )
    refused = phone.wait_for(Registration, timeout=0.9)  # before the 1 s engine deadline
    assert (refused.ok, refused.code, refused.reason) == (False, 503, "Connection refused")
