"""Softphone tests: the real engine (pjsua2, one Endpoint for the whole package, as in
the desktop process) against real SIPp peers on 127.0.0.1.

The engine is pumped from the test's own loop, as the desktop's QTimer does; SIPp plays
the far end of each call from a scenario in `scenarios/` and must exit 0.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from desktop.softphone import EngineConfig, SoftphoneEngine, SoftphoneEvent, SoftphoneListener
from tests.softphone.sipp import SIPP, Sipp

E = TypeVar("E")
NO_SIPP = "sipp is not installed (Debian package sip-tester; scripts/setup-env.sh installs it)"
NO_PJSUA2 = "pjsua2-python is not installed (the 'softphone' extra)"


def require_pjsua2() -> None:
    """The test command installs the extra: a missing one fails rather than skips."""
    if importlib.util.find_spec("pjsua2") is None:
        pytest.fail(NO_PJSUA2)


class Recorder(SoftphoneListener):
    """Keeps every event; `explode` names a handler that raises, like a buggy UI slot."""

    def __init__(self) -> None:
        self.events: list[SoftphoneEvent] = []
        self.explode = ""
        self.react: Callable[[SoftphoneEvent], None] | None = None  # a UI slot's action

    def _keep(self, handler: str, event: SoftphoneEvent) -> None:
        self.events.append(event)
        if self.react is not None:
            self.react(event)
        if handler == self.explode:
            raise RuntimeError(f"listener bug in {handler}")

    def on_registration(self, event: Any) -> None:
        self._keep("on_registration", event)

    def on_incoming(self, event: Any) -> None:
        self._keep("on_incoming", event)

    def on_call_state(self, event: Any) -> None:
        self._keep("on_call_state", event)

    def on_media(self, event: Any) -> None:
        self._keep("on_media", event)

    def on_transfer(self, event: Any) -> None:
        self._keep("on_transfer", event)

    def on_failure(self, event: Any) -> None:
        self._keep("on_failure", event)


class Phone:
    """The engine plus what it reported, with waits that keep pumping it."""

    def __init__(self, engine: SoftphoneEngine, recorder: Recorder) -> None:
        self.engine = engine
        self.recorder = recorder

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.recorder.events if isinstance(event, kind)]

    def pump_until(self, what: str, ready: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {self.recorder.events}")
            self.engine.pump()
            time.sleep(0.005)

    def wait_for(self, kind: type[E], timeout: float = 5.0, **fields: Any) -> E:
        def matching() -> list[E]:
            return [
                event
                for event in self.of(kind)
                if all(getattr(event, name) == value for name, value in fields.items())
            ]

        self.pump_until(f"{kind.__name__} {fields}", lambda: bool(matching()), timeout)
        return matching()[0]

    def settle(self, seconds: float = 0.1) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.engine.pump()
            time.sleep(0.005)


@pytest.fixture(scope="package")
def shared_engine() -> Iterator[tuple[SoftphoneEngine, Recorder]]:
    require_pjsua2()
    recorder = Recorder()
    engine = SoftphoneEngine(EngineConfig(request_timeout=1.0, log_level=4), recorder)
    yield engine, recorder
    engine.close()


@pytest.fixture
def phone(shared_engine: tuple[SoftphoneEngine, Recorder]) -> Iterator[Phone]:
    engine, recorder = shared_engine
    recorder.events.clear()
    recorder.explode = ""
    recorder.react = None
    yield Phone(engine, recorder)
    engine.unregister()
    engine.pump()


@pytest.fixture
def start_sipp(tmp_path: Path) -> Iterator[Callable[..., Sipp]]:
    if SIPP is None:
        pytest.fail(NO_SIPP)  # the test command installs it: never skip silently
    started: list[Sipp] = []

    def start(scenario: str, **options: Any) -> Sipp:
        workdir = tmp_path / f"sipp{len(started)}"
        workdir.mkdir()
        sipp = Sipp(scenario, workdir, **options)
        started.append(sipp)
        return sipp

    yield start
    for sipp in started:
        sipp.stop()
