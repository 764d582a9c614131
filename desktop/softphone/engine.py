"""The softphone engine: the process's single pjsua2 `Endpoint`, its SIP transports and
the agent's line, driven without threads.

pjsua2 runs with no worker thread (`threadCnt = 0`, `mainThreadOnly = True`): nothing
happens until the owner calls `pump()`, which the desktop does from a QTimer every ~20 ms
and tests from a loop. Every callback, and so every event, arrives inside `pump()` on the
caller's thread. All methods must be called from that same thread.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from types import TracebackType
from typing import Any

from desktop.softphone import pjbridge
from desktop.softphone.config import EngineConfig, SipAccountConfig
from desktop.softphone.errors import (
    ENDPOINT_EXISTS,
    ENGINE_CLOSED,
    NETWORK,
    NO_ACCOUNT,
    SIP_ERROR,
    UNAVAILABLE,
    WRONG_THREAD,
    SoftphoneError,
)
from desktop.softphone.events import CallState, Notifier, SoftphoneListener
from desktop.softphone.legs import SipLeg
from desktop.softphone.line import AgentLine
from desktop.softphone.pjbridge import DEFERRED, pj

log = logging.getLogger(__name__)
_owner: SoftphoneEngine | None = None  # pjsua2 aborts the process on a second Endpoint
MAX_ROUNDS = 16  # libHandleEvents(0) calls per pump, while there is work


def softphone_available() -> bool:
    """Whether the `softphone` extra (pjsua2-python) is installed."""
    return pj is not None


class SoftphoneEngine:
    """Owns the Endpoint; at most one engine exists at a time in a process."""

    def __init__(self, config: EngineConfig, listener: SoftphoneListener | None = None) -> None:
        global _owner
        if pj is None:
            raise SoftphoneError(
                UNAVAILABLE, "the softphone needs pjsua2-python (extra 'softphone')"
            )
        if _owner is not None:
            raise SoftphoneError(
                ENDPOINT_EXISTS,
                "a softphone engine already runs in this process; close it first "
                "(pjsua2 allows one Endpoint per process)",
            )
        _owner = self
        self.config = config
        self.notifier = Notifier(listener)
        self.line: AgentLine | None = None
        self._retired: list[AgentLine] = []  # unregistered inside a callback
        self._transports: dict[str, int] = {}
        self._pumping = False
        self._close_requested = False
        self._endpoint: Any = None
        self._log_writer: Any = None
        self._thread = threading.get_ident()  # pjlib refuses unregistered threads
        try:
            self._start()
        except pj.Error as error:
            self._destroy()
            why = f"could not start the softphone: {error.reason}"
            raise SoftphoneError(SIP_ERROR, why) from None
        except BaseException:
            self._destroy()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._endpoint is None

    def close(self) -> None:
        """Hang up, unregister, destroy the Endpoint. Safe to call twice, and from inside
        a listener callback (then it happens when the current pump returns)."""
        if self._pumping:
            self._close_requested = True
            return
        if self.closed:
            return
        self._check_thread()
        self.unregister()
        self._endpoint.libHandleEvents(0)
        self._destroy()

    def __enter__(self) -> SoftphoneEngine:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def local_address(self, transport: str = "udp") -> tuple[str, int]:
        """Where the softphone listens for SIP (the port is chosen when config says 0)."""
        info = self._ep().transportGetInfo(self._transport(transport))
        host, _, port = str(info.localName).rpartition(":")
        return host.strip("[]"), int(port)

    # -- the agent's account ---------------------------------------------------------------

    def register(self, account: SipAccountConfig) -> None:
        """Use this account (replacing any previous one). With a registrar, the outcome
        arrives as `on_registration`: ok, a refusal (401/403...) or 408 at the deadline."""
        self._ep()
        self.unregister()
        config = self.config
        line = AgentLine(account, self.notifier, config.request_timeout, config.bind_address)
        line.open(self._transport(account.transport))
        self.line = line
        log.info("softphone account %s (registrar %s)", account.sip_uri, account.registrar or "-")

    def unregister(self) -> None:
        """Hang up the account's calls and unregister. From inside a listener callback
        the account is deleted when the pump returns, not under pjsua2's feet."""
        if self.line is not None:
            self._retired.append(self.line)
            self.line = None
        if not self._pumping:
            self._close_retired()

    # -- the pump --------------------------------------------------------------------------

    def pump(self) -> None:
        """Run pjsua2's pending work (network, timers, callbacks) without blocking."""
        if self._pumping or self.closed:
            return
        self._check_thread()
        self._pumping = True
        try:
            for _ in range(MAX_ROUNDS):
                if self._endpoint.libHandleEvents(0) <= 0:
                    break
            if self.line is not None:
                self.line.check_deadlines(time.monotonic())
                self.line.reap()
        finally:
            self._pumping = False
        self._close_retired()
        if self._close_requested:
            self.close()
        if DEFERRED:
            raise DEFERRED.pop(0)

    # -- operations on the agent's own leg (raise SoftphoneError) --------------------------

    def answer(self, call_id: str) -> None:
        self._leg(call_id).answer()

    def hold(self, call_id: str) -> None:
        self._leg(call_id).hold()

    def resume(self, call_id: str) -> None:
        self._leg(call_id).resume()

    def hangup(self, call_id: str) -> None:
        self._leg(call_id).hangup()

    def transfer(self, call_id: str, target: str) -> None:
        """Blind transfer: REFER with Refer-To `target` (a sip: URI, or a number sent to
        the registrar's host)."""
        leg = self._leg(call_id)
        leg.transfer(self._line().target_uri(target))

    def dial(self, target: str) -> str:
        """Call `target` from the softphone; returns the new call's SIP Call-ID."""
        return self._line().dial(target)

    def call_state(self, call_id: str) -> CallState:
        return self._leg(call_id).state

    def call_ids(self) -> list[str]:
        return list(self.line.legs) if self.line else []

    # -- helpers ---------------------------------------------------------------------------

    def _start(self) -> None:
        endpoint = pj.Endpoint()
        endpoint.libCreate()
        self._endpoint = endpoint
        endpoint.libInit(self._endpoint_config())
        self._transport("udp")
        endpoint.libStart()
        if self.config.null_audio:
            endpoint.audDevManager().setNullDev()
        log.info("softphone listening on %s:%s/udp", *self.local_address())

    def _endpoint_config(self) -> Any:
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.userAgent = self.config.user_agent
        self._log_writer = pjbridge.PjLogWriter()
        self._log_writer.__disown__()  # pjsua2 deletes it in libDestroy
        cfg.logConfig.writer = self._log_writer
        cfg.logConfig.level = self.config.log_level
        cfg.logConfig.consoleLevel = self.config.log_level
        cfg.logConfig.msgLogging = self.config.log_sip_messages
        return cfg

    def _transport(self, kind: str) -> int:
        if kind not in self._transports:
            cfg = pj.TransportConfig()
            cfg.boundAddress = self.config.bind_address
            cfg.port = self.config.port
            kinds = {"udp": pj.PJSIP_TRANSPORT_UDP, "tcp": pj.PJSIP_TRANSPORT_TCP}
            try:
                self._transports[kind] = self._ep().transportCreate(kinds[kind], cfg)
            except pj.Error as error:
                where = f"{self.config.bind_address}:{self.config.port}/{kind}"
                raise SoftphoneError(NETWORK, f"cannot listen on {where}: {error.reason}") from None
        return self._transports[kind]

    def _close_retired(self) -> None:
        while self._retired:
            self._retired.pop().close()

    def _destroy(self) -> None:
        global _owner
        self.line = None
        gc.collect()  # free Account/Call proxies while the library still exists
        if self._endpoint is not None:
            try:
                self._endpoint.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
            except pj.Error as error:
                log.warning("softphone shutdown: %s", error.reason)
            self._endpoint = None
        self._log_writer = None
        gc.collect()  # the Endpoint itself: a new one may only exist once it is deleted
        if _owner is self:
            _owner = None

    def _ep(self) -> Any:
        if self._endpoint is None:
            raise SoftphoneError(ENGINE_CLOSED, "the softphone engine is closed")
        self._check_thread()
        return self._endpoint

    def _check_thread(self) -> None:
        if threading.get_ident() != self._thread:
            why = "the softphone engine is used only from the thread that created it"
            raise SoftphoneError(WRONG_THREAD, why)

    def _line(self) -> AgentLine:
        self._ep()
        if self.line is None:
            raise SoftphoneError(NO_ACCOUNT, "no SIP account is set up on the softphone")
        return self.line

    def _leg(self, call_id: str) -> SipLeg:
        return self._line().leg(call_id)
