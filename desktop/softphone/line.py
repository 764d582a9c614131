"""The agent's SIP line: one pjsua2 account (registration included) and its calls, keyed
by SIP Call-ID, which is also how the desktop matches a leg with the broker's pop."""

from __future__ import annotations

import logging
import time
from typing import Any

from desktop.softphone import pjbridge
from desktop.softphone.config import SipAccountConfig, is_sip_uri
from desktop.softphone.errors import INVALID_TARGET, NO_SUCH_CALL, SoftphoneError
from desktop.softphone.events import CallState, IncomingCall, Notifier, Registration
from desktop.softphone.legs import SipLeg, translate
from desktop.softphone.pjbridge import pj, shielded
from desktop.softphone.sipheaders import caller_of, is_dialable, uri_number, x_headers

log = logging.getLogger(__name__)
UNREGISTER_WAIT_MS = 1000


class AgentLine:
    """Registration state and the calls of one account (AccountHooks for pjsua2)."""

    def __init__(
        self, account: SipAccountConfig, notifier: Notifier, timeout: float, bind_address: str
    ) -> None:
        self.config = account
        self.notifier = notifier
        self.timeout = timeout
        self.legs: dict[str, SipLeg] = {}
        self.registration: Registration | None = None
        self.register_deadline: float | None = None
        self._bind_address = bind_address
        self.pj_account: Any = None

    def open(self, transport_id: int) -> None:
        """Create the pjsua2 account; with a registrar this sends the first REGISTER."""
        self.pj_account = pjbridge.PjAccount(self)
        try:
            self.pj_account.create(self._pj_config(transport_id), True)
        except pj.Error as error:
            self.pj_account = None
            raise translate("add the SIP account", error) from None
        if self.config.registrar:
            self.register_deadline = time.monotonic() + self.timeout

    def close(self) -> None:
        """Hang up what is still up, then unregister and drop the account."""
        for leg in list(self.legs.values()):
            if not leg.ended:
                shielded("hang up on close", leg.hangup)
            leg.pj_call = None
        self.legs.clear()
        if self.pj_account is not None:
            shielded("unregister", self.pj_account.shutdown)
            self.pj_account = None

    # -- lookups and outgoing calls --------------------------------------------------------

    def leg(self, call_id: str) -> SipLeg:
        leg = self.legs.get(call_id)
        if leg is None:
            raise SoftphoneError(NO_SUCH_CALL, f"no softphone call with Call-ID {call_id!r}")
        return leg

    def target_uri(self, target: str) -> str:
        """A sip: URI as is; an extension or number is sent to the registrar's host."""
        target = target.strip()
        if is_sip_uri(target):
            return self.config.with_transport(target)
        host = self.config.registrar.partition(":")[2].split(";", 1)[0]
        if is_dialable(target) and host:
            return self.config.with_transport(f"sip:{target}@{host}")
        raise SoftphoneError(INVALID_TARGET, f"{target!r} is neither a sip: URI nor a number")

    def dial(self, target: str) -> str:
        uri = self.target_uri(target)
        leg = SipLeg(self.notifier, self.timeout, incoming=False)
        leg.pj_call = pjbridge.PjCall(self.pj_account, pj.PJSUA_INVALID_ID, leg)
        try:
            leg.pj_call.makeCall(uri, pj.CallOpParam(True))
        except pj.Error as error:
            raise translate(f"call {uri}", error) from None
        leg.call_id = str(leg.pj_call.getInfo().callIdString)
        self.legs[leg.call_id] = leg
        return leg.call_id

    def reap(self) -> None:
        """Forget ended calls; done after callbacks return (a Call must not be freed
        inside its own callback)."""
        for call_id in [cid for cid, leg in self.legs.items() if leg.ended]:
            self.legs.pop(call_id).pj_call = None  # break the cycle: freed here, not by gc

    def check_deadlines(self, now: float) -> None:
        if self.register_deadline is not None and now >= self.register_deadline:
            self.register_deadline = None
            why = f"no answer from the registrar within {self.timeout:g} s"
            self._report(Registration(False, 408, why))
        for leg in list(self.legs.values()):
            leg.check_deadline(now)

    # -- pjsua2 callbacks (AccountHooks) ---------------------------------------------------

    def registration_changed(self, code: int, reason: str, expires: int) -> None:
        self.register_deadline = None
        self._report(Registration(200 <= code < 300 and expires > 0, code, reason, expires))

    def call_arrived(self, pj_call_id: int, message: str) -> None:
        leg = SipLeg(self.notifier, self.timeout, incoming=True)
        leg.pj_call = pjbridge.PjCall(self.pj_account, pj_call_id, leg)
        info = leg.pj_call.getInfo()
        leg.call_id = str(info.callIdString)
        self.legs[leg.call_id] = leg
        caller = caller_of(message)
        number = caller.number or uri_number(str(info.remoteUri))
        log.info("softphone: incoming call %s from %s", leg.call_id, number)
        self.notifier.emit(
            IncomingCall(
                leg.call_id,
                number,
                caller.display_name,
                caller.uri or str(info.remoteUri),
                x_headers(message),
            )
        )
        if leg.state is CallState.INCOMING:
            shielded("send ringing", leg.ring)

    # -- helpers ---------------------------------------------------------------------------

    def _report(self, registration: Registration) -> None:
        last = self.registration
        if last is not None and (last.ok, last.code) == (registration.ok, registration.code):
            return
        self.registration = registration
        level = logging.INFO if registration.ok else logging.WARNING
        log.log(level, "softphone registration: %s %s", registration.code, registration.reason)
        self.notifier.emit(registration)

    def _pj_config(self, transport_id: int) -> Any:
        account = self.config
        cfg = pj.AccountConfig()
        cfg.idUri = account.sip_uri
        cfg.regConfig.registrarUri = account.with_transport(account.registrar)
        cfg.regConfig.registerOnAdd = bool(account.registrar)
        cfg.regConfig.timeoutSec = account.expires
        cfg.regConfig.unregWaitMsec = UNREGISTER_WAIT_MS
        cfg.sipConfig.transportId = transport_id
        if account.username:
            cfg.sipConfig.authCreds.append(
                pj.AuthCredInfo("digest", account.realm, account.username, 0, account.password)
            )
        cfg.mediaConfig.transportConfig.boundAddress = self._bind_address
        return cfg
