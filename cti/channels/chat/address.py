"""The visitor's address for the per-address limits, through trusted reverse proxies only.

``X-Forwarded-For`` is whatever the client wrote unless a proxy we run appended to it, so
it is read only when the peer is a listed proxy, and then from the right: each trusted
hop is skipped and the first address not a trusted proxy is the visitor. A visitor who
writes the header themselves only adds entries left of the one their proxy appended.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def visitor_address(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The address the limits count: the peer, or what trusted proxies say they saw."""
    address = peer or "unknown"
    if not forwarded_for or not _trusted(address, proxies):
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a garbled hop: believe no further than the last good one
        address = hop
        if not _trusted(hop, proxies):
            return hop
    return address
