"""Whose X-Forwarded-For is believed: only a trusted proxy's, read from the right."""

from __future__ import annotations

import ipaddress

import pytest

from cti.channels.chat.address import visitor_address

PROXIES = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("::1"))


def test_without_trusted_proxies_the_peer_is_the_visitor_whatever_the_header_says() -> None:
    assert visitor_address("203.0.113.9", "198.51.100.1", ()) == "203.0.113.9"


def test_an_untrusted_peer_cannot_pick_its_address_with_the_header() -> None:
    assert visitor_address("203.0.113.9", "198.51.100.1", PROXIES) == "203.0.113.9"


def test_a_trusted_proxy_names_the_visitor() -> None:
    assert visitor_address("10.0.0.5", "198.51.100.1", PROXIES) == "198.51.100.1"


def test_a_visitor_written_entry_left_of_the_proxys_is_ignored() -> None:
    forwarded = "1.2.3.4, 198.51.100.1"  # the visitor wrote 1.2.3.4, the proxy appended
    assert visitor_address("10.0.0.5", forwarded, PROXIES) == "198.51.100.1"


def test_trusted_hops_are_skipped_from_the_right() -> None:
    forwarded = "198.51.100.1, 10.0.0.7"  # an edge proxy then an inner one
    assert visitor_address("::1", forwarded, PROXIES) == "198.51.100.1"


@pytest.mark.parametrize("forwarded", ["", None])
def test_a_trusted_proxy_without_the_header_is_the_address(forwarded: str | None) -> None:
    assert visitor_address("10.0.0.5", forwarded, PROXIES) == "10.0.0.5"


def test_a_garbled_hop_stops_the_walk_at_the_last_good_address() -> None:
    assert visitor_address("10.0.0.5", "198.51.100.1, junk, 10.0.0.9", PROXIES) == "10.0.0.9"


def test_a_missing_peer_counts_as_unknown() -> None:
    assert visitor_address(None, "198.51.100.1", PROXIES) == "unknown"
