"""The engine's lifecycle: one pjsua2 Endpoint per process (a second one would abort the
process, so the engine refuses it with an error), restart after close, a port that is
taken, and the desktop without the `softphone` extra. Lifecycle checks that need their
own Endpoint run in a child Python, since the package's engine holds this process's."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from desktop.softphone import EngineConfig, SoftphoneEngine, SoftphoneError
from desktop.softphone.errors import ENDPOINT_EXISTS, NO_ACCOUNT, WRONG_THREAD
from tests.softphone.conftest import Phone, require_pjsua2

ROOT = Path(__file__).resolve().parents[2]


def run_child(code: str) -> str:
    """Run `code` in a fresh Python; fail with its output unless it exits 0."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_second_engine_in_the_same_process_is_refused_not_aborted(phone: Phone) -> None:
    with pytest.raises(SoftphoneError) as refused:
        SoftphoneEngine(EngineConfig())
    assert refused.value.code == ENDPOINT_EXISTS
    assert "one Endpoint per process" in refused.value.message
    assert not phone.engine.closed  # the first engine is untouched
    assert phone.engine.local_address()[0] == "127.0.0.1"


def test_operations_without_an_account_are_refused(phone: Phone) -> None:
    with pytest.raises(SoftphoneError) as refused:
        phone.engine.dial("sip:2002@127.0.0.1")
    assert refused.value.code == NO_ACCOUNT


def test_engine_starts_again_after_close_and_refuses_use_when_closed() -> None:
    require_pjsua2()
    out = run_child("""
        from desktop.softphone import EngineConfig, SoftphoneEngine, SoftphoneError
        first = SoftphoneEngine(EngineConfig())
        first.close()
        first.close()  # twice is fine
        try:
            first.hold("some-call")
        except SoftphoneError as error:
            print("closed:", error.code)
        second = SoftphoneEngine(EngineConfig())
        print("second on", second.local_address()[0])
        second.close()
    """)
    assert "closed: engine-closed" in out
    assert "second on 127.0.0.1" in out


def test_taken_port_is_a_network_error_and_frees_the_endpoint() -> None:
    require_pjsua2()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        out = run_child(f"""
            from desktop.softphone import EngineConfig, SoftphoneEngine, SoftphoneError
            try:
                SoftphoneEngine(EngineConfig(port={port}))
            except SoftphoneError as error:
                print("refused:", error.code, error.message)
            SoftphoneEngine(EngineConfig()).close()
            print("started after the failure")
        """)
    assert f"refused: network-error cannot listen on 127.0.0.1:{port}/udp" in out
    assert "started after the failure" in out


def test_without_pjsua2_the_softphone_reports_unavailable() -> None:
    out = run_child("""
        import sys
        sys.modules["pjsua2"] = None  # import fails as if the extra were not installed
        from desktop.softphone import EngineConfig, SoftphoneEngine, SoftphoneError
        from desktop.softphone import softphone_available
        print("available:", softphone_available())
        try:
            SoftphoneEngine(EngineConfig())
        except SoftphoneError as error:
            print("refused:", error.code)
    """)
    assert "available: False" in out
    assert "refused: softphone-unavailable" in out


def test_use_from_another_thread_is_refused(phone: Phone) -> None:
    errors: list[SoftphoneError] = []

    def from_worker() -> None:
        for operation in (phone.engine.pump, lambda: phone.engine.hold("x")):
            try:
                operation()
            except SoftphoneError as error:
                errors.append(error)

    worker = threading.Thread(target=from_worker)
    worker.start()
    worker.join()
    assert [error.code for error in errors] == [WRONG_THREAD, WRONG_THREAD]
