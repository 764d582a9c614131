"""What the desktop remembers between runs: server address, pop mode, window geometry,
and the agent token - in the OS keyring when there is one, else in QSettings with a
note the sign-in dialog shows, so the agent knows where the secret went."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from PyQt6.QtCore import QByteArray, QSettings

from desktop.popview import PopMode

log = logging.getLogger(__name__)

KEYRING_SERVICE = "cti-desktop"
KEY_URL = "server/url"
KEY_TOKEN = "server/token"
KEY_POP_MODE = "pop/mode"
KEY_GEOMETRY = "window/geometry"
PLAIN_TOKEN_NOTE = (
    "No system keyring is available: the token is kept in this desktop's settings file, "
    "readable by anyone with access to your account."
)
KEYRING_NOTE = "The token is kept in the system keyring."


class Keyring(Protocol):
    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...


def system_keyring() -> Keyring | None:
    """The `keyring` package's backend, or None without the package or a real backend."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend: Any = keyring.get_keyring()
    except Exception:  # a broken backend configuration must not stop the desktop
        log.warning("keyring unusable", exc_info=True)
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    found: Keyring = backend
    return found


class DesktopPrefs:
    def __init__(self, settings: QSettings | None = None, keyring: Keyring | None = None) -> None:
        self.settings = settings or QSettings("cti-screenpop", "cti-desktop")
        self.keyring = keyring

    def _text(self, key: str) -> str:
        value = self.settings.value(key, "")
        return value if isinstance(value, str) else ""

    @property
    def server_url(self) -> str:
        return self._text(KEY_URL)

    @server_url.setter
    def server_url(self, url: str) -> None:
        self.settings.setValue(KEY_URL, url)

    @property
    def pop_mode(self) -> PopMode:
        try:
            return PopMode(self._text(KEY_POP_MODE) or PopMode.ON_RING)
        except ValueError:
            return PopMode.ON_RING

    @pop_mode.setter
    def pop_mode(self, mode: PopMode) -> None:
        self.settings.setValue(KEY_POP_MODE, mode.value)

    @property
    def geometry(self) -> QByteArray | None:
        value = self.settings.value(KEY_GEOMETRY)
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.settings.setValue(KEY_GEOMETRY, value)

    @property
    def token_note(self) -> str:
        return KEYRING_NOTE if self.keyring is not None else PLAIN_TOKEN_NOTE

    def token(self, url: str) -> str:
        if self.keyring is not None:
            try:
                return self.keyring.get_password(KEYRING_SERVICE, url) or ""
            except Exception:
                log.warning("could not read the token from the keyring", exc_info=False)
                return ""
        return self._text(KEY_TOKEN)

    def remember(self, url: str, token: str) -> None:
        """Keep the address and the token; the token never goes to QSettings with a keyring."""
        self.server_url = url
        if self.keyring is not None:
            self.keyring.set_password(KEYRING_SERVICE, url, token)
            self.settings.remove(KEY_TOKEN)
        else:
            self.settings.setValue(KEY_TOKEN, token)
        self.settings.sync()
