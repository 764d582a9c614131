"""Web form signatures: HMAC-SHA256 over ``timestamp + "." + body``, checked without I/O.

A website signs each submission with its form's secret and sends
``X-Cti-Signature: t=<unix seconds>,v1=<hex>``. A signature is good only inside the replay
window and only once: the `SeenSignatures` cache remembers each accepted one until its
timestamp leaves the window, so a captured request cannot be posted again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from itertools import islice

SIGNATURE_HEADER = "X-Cti-Signature"
_HEADER = re.compile(r"^t=(?P<t>[0-9]{1,12}),v1=(?P<v1>[0-9a-fA-F]{64})$")


class SignatureRefused(Exception):
    """Why a submission's signature is not accepted; ``error`` is a kebab-case id."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True, slots=True)
class Signature:
    timestamp: int
    digest: str  # lower-case hex


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value a website sends; used by tests, the demo and form senders."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def parse_signature(header: str | None) -> Signature:
    if header is None or not header.strip():
        raise SignatureRefused("missing-signature", f"the {SIGNATURE_HEADER} header is missing")
    found = _HEADER.match(header.strip())
    if found is None:
        raise SignatureRefused(
            "malformed-signature", f"{SIGNATURE_HEADER} must look like t=<unix>,v1=<64 hex>"
        )
    return Signature(int(found["t"]), found["v1"].lower())


def check_signature(
    secret: str, header: str | None, body: bytes, now: float, window: float
) -> Signature:
    """The parsed signature if it matches ``body`` and its time is within ``window``."""
    signature = parse_signature(header)
    if abs(now - signature.timestamp) > window:
        raise SignatureRefused(
            "stale-signature",
            f"signature time is more than {window:g} s away from the server's clock",
        )
    expected = _digest(secret, signature.timestamp, body)
    if not hmac.compare_digest(expected, signature.digest):
        raise SignatureRefused("bad-signature", "signature does not match the body")
    return signature


@dataclass(slots=True)
class SeenSignatures:
    """Accepted signatures still inside the window; a second use is a replay."""

    window: float
    limit: int = 100_000
    _expiry: dict[str, float] = field(default_factory=dict)

    def remember(self, form: str, signature: Signature, now: float) -> None:
        """Record a first use, or raise ``replayed-signature`` for a repeat."""
        key = f"{form}:{signature.digest}"
        if key in self._expiry:
            raise SignatureRefused("replayed-signature", "this signature was already used")
        self._forget_oldest(now)
        if len(self._expiry) >= self.limit:
            self._forget_expired(now)
        if len(self._expiry) >= self.limit:
            raise SignatureRefused(
                "too-many-submissions", "too many recent submissions; try again later"
            )
        self._expiry[key] = signature.timestamp + self.window

    def _forget_oldest(self, now: float) -> None:
        """Cheap trim from the front: entries arrive roughly in time order."""
        for key, until in list(islice(self._expiry.items(), 16)):
            if until >= now:
                return
            del self._expiry[key]

    def _forget_expired(self, now: float) -> None:
        for key in [key for key, until in self._expiry.items() if until < now]:
            del self._expiry[key]

    def __len__(self) -> int:
        return len(self._expiry)
