"""The only module that subclasses pjsua2 classes. Each callback copies what it needs into
plain values and hands them to a hook, inside `shielded`: an exception escaping a SWIG
director callback becomes a C++ exception in pjsip and aborts the process."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

pj: Any  # the pjsua2 module (untyped SWIG bindings), or None
try:
    pj = importlib.import_module("pjsua2")
except ImportError:  # the `softphone` extra is not installed: desk-phone mode only
    pj = None

log = logging.getLogger(__name__)
pjsip_log = logging.getLogger("desktop.softphone.pjsip")

#: KeyboardInterrupt/SystemExit raised inside a callback, re-raised by the engine's pump.
DEFERRED: list[BaseException] = []


def shielded(what: str, hook: Callable[..., None], *args: Any) -> None:
    try:
        hook(*args)
    except Exception:
        log.exception("softphone: %s failed", what)
    except BaseException as exc:
        DEFERRED.append(exc)


class AccountHooks(Protocol):
    def registration_changed(self, code: int, reason: str, expires: int) -> None: ...

    def call_arrived(self, pj_call_id: int, message: str) -> None: ...


class LegHooks(Protocol):
    def state_changed(self) -> None: ...

    def media_changed(self) -> None: ...

    def request_done(self, method: str, code: int, reason: str) -> None: ...

    def transfer_status(self, code: int, reason: str, final: bool) -> None: ...


if pj is not None:

    class PjLogWriter(pj.LogWriter):  # type: ignore[misc]
        def write(self, entry: Any) -> None:
            shielded("log", pjsip_log.debug, "%s", entry.msg.rstrip())

    class PjAccount(pj.Account):  # type: ignore[misc]
        def __init__(self, hooks: AccountHooks) -> None:
            super().__init__()
            self.hooks = hooks

        def onRegState(self, prm: Any) -> None:
            shielded(
                "registration",
                self.hooks.registration_changed,
                int(prm.code),
                str(prm.reason),
                int(prm.expiration),
            )

        def onIncomingCall(self, prm: Any) -> None:
            shielded("incoming call", self.hooks.call_arrived, prm.callId, prm.rdata.wholeMsg)

    class PjCall(pj.Call):  # type: ignore[misc]
        def __init__(self, account: PjAccount, pj_call_id: int, hooks: LegHooks) -> None:
            super().__init__(account, pj_call_id)
            self.hooks = hooks

        def onCallState(self, prm: Any) -> None:
            shielded("call state", self.hooks.state_changed)

        def onCallMediaState(self, prm: Any) -> None:
            shielded("call media", self.hooks.media_changed)

        def onCallTsxState(self, prm: Any) -> None:
            shielded("transaction", self._tsx_state, prm)

        def onCallTransferStatus(self, prm: Any) -> None:
            shielded(
                "transfer status",
                self.hooks.transfer_status,
                int(prm.statusCode),
                str(prm.reason),
                bool(prm.finalNotify),
            )

        def _tsx_state(self, prm: Any) -> None:
            """Final answers to requests we sent (re-INVITE, REFER, BYE)."""
            if prm.e.type != pj.PJSIP_EVENT_TSX_STATE:
                return
            tsx = prm.e.body.tsxState.tsx
            if tsx.role != pj.PJSIP_ROLE_UAC or tsx.statusCode < 200:
                return
            if tsx.state in (pj.PJSIP_TSX_STATE_COMPLETED, pj.PJSIP_TSX_STATE_TERMINATED):
                self.hooks.request_done(str(tsx.method), int(tsx.statusCode), str(tsx.statusText))
