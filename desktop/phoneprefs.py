"""The agent's SIP account for the built-in softphone, as the desktop remembers it.

The server never sends SIP secrets: the agent types them here. The password goes to the
OS keyring like the agent token when there is one, else to the settings file, and the
dialog says which, with the same words the sign-in dialog uses for the token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from desktop.prefs import KEYRING_SERVICE, DesktopPrefs
from desktop.softphone import SipAccountConfig

log = logging.getLogger(__name__)

KEY_ENABLED = "softphone/enabled"
KEY_SIP_URI = "softphone/sip_uri"
KEY_REGISTRAR = "softphone/registrar"
KEY_USERNAME = "softphone/username"
KEY_PASSWORD = "softphone/password"  # only without a keyring
KEY_BIND = "softphone/bind_address"
SIP_KEYRING_SERVICE = f"{KEYRING_SERVICE}-sip"
DEFAULT_BIND = "0.0.0.0"
PLAIN_PASSWORD_NOTE = (
    "No system keyring is available: the SIP password is kept in this desktop's settings "
    "file, readable by anyone with access to your account."
)
KEYRING_PASSWORD_NOTE = "The SIP password is kept in the system keyring."


@dataclass(frozen=True)
class SoftphoneSettings:
    """What the "Softphone..." dialog edits; `account()` validates it."""

    enabled: bool = False
    sip_uri: str = ""
    registrar: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    bind_address: str = DEFAULT_BIND

    def account(self) -> SipAccountConfig:
        """The engine's account; raises SoftphoneError(invalid-config) with the reason."""
        return SipAccountConfig(
            self.sip_uri.strip(),
            registrar=self.registrar.strip(),
            username=self.username.strip(),
            password=self.password,
        )


def password_note(prefs: DesktopPrefs) -> str:
    return KEYRING_PASSWORD_NOTE if prefs.keyring is not None else PLAIN_PASSWORD_NOTE


def _text(prefs: DesktopPrefs, key: str, default: str = "") -> str:
    value = prefs.settings.value(key, default)
    return value if isinstance(value, str) else default


def load_softphone(prefs: DesktopPrefs) -> SoftphoneSettings:
    sip_uri = _text(prefs, KEY_SIP_URI)
    return SoftphoneSettings(
        enabled=_text(prefs, KEY_ENABLED) == "true",
        sip_uri=sip_uri,
        registrar=_text(prefs, KEY_REGISTRAR),
        username=_text(prefs, KEY_USERNAME),
        password=_password(prefs, sip_uri),
        bind_address=_text(prefs, KEY_BIND, DEFAULT_BIND) or DEFAULT_BIND,
    )


def save_softphone(prefs: DesktopPrefs, settings: SoftphoneSettings) -> None:
    """Keep the settings; with a keyring the password never reaches the settings file."""
    values = {
        KEY_ENABLED: "true" if settings.enabled else "false",
        KEY_SIP_URI: settings.sip_uri.strip(),
        KEY_REGISTRAR: settings.registrar.strip(),
        KEY_USERNAME: settings.username.strip(),
        KEY_BIND: settings.bind_address.strip() or DEFAULT_BIND,
    }
    for key, value in values.items():
        prefs.settings.setValue(key, value)
    if prefs.keyring is not None:
        if settings.password:
            prefs.keyring.set_password(SIP_KEYRING_SERVICE, settings.sip_uri, settings.password)
        prefs.settings.remove(KEY_PASSWORD)
    else:
        prefs.settings.setValue(KEY_PASSWORD, settings.password)
    prefs.settings.sync()


def _password(prefs: DesktopPrefs, sip_uri: str) -> str:
    if prefs.keyring is None:
        return _text(prefs, KEY_PASSWORD)
    if not sip_uri:
        return ""
    try:
        return prefs.keyring.get_password(SIP_KEYRING_SERVICE, sip_uri) or ""
    except Exception:  # a locked or broken keyring: registration will say 401
        log.warning("could not read the SIP password from the keyring")
        return ""
