"""Web form signatures: HMAC over timestamp.body, a replay window, and one use each."""

from __future__ import annotations

import pytest

from cti.channels.signing import (
    SeenSignatures,
    SignatureRefused,
    check_signature,
    parse_signature,
    sign,
)

SECRET = "form-secret"
BODY = b'{"email":"ann@example.com"}'
NOW = 1_800_000_000


def refusal(header: str | None, body: bytes = BODY, now: float = NOW) -> str:
    with pytest.raises(SignatureRefused) as caught:
        check_signature(SECRET, header, body, now, 300)
    return caught.value.error


def test_good_signature_is_accepted_with_its_time() -> None:
    signature = check_signature(SECRET, sign(SECRET, NOW, BODY), BODY, NOW + 10, 300)
    assert signature.timestamp == NOW


def test_signature_over_another_body_is_refused() -> None:
    assert refusal(sign(SECRET, NOW, BODY), body=BODY + b" ") == "bad-signature"


def test_signature_made_with_another_secret_is_refused() -> None:
    assert refusal(sign("other", NOW, BODY)) == "bad-signature"


def test_changed_timestamp_breaks_the_signature() -> None:
    digest = sign(SECRET, NOW, BODY).split("v1=")[1]
    assert refusal(f"t={NOW + 1},v1={digest}") == "bad-signature"


@pytest.mark.parametrize("offset", [-301, 301, -10_000])
def test_signature_outside_the_window_is_stale(offset: int) -> None:
    assert refusal(sign(SECRET, NOW + offset, BODY)) == "stale-signature"


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_signature_is_refused(header: str | None) -> None:
    assert refusal(header) == "missing-signature"


@pytest.mark.parametrize(
    "header",
    ["v1=" + "a" * 64, "t=abc,v1=" + "a" * 64, f"t={NOW},v1=abc", f"t={NOW};v1={'a' * 64}"],
)
def test_malformed_signature_header_is_refused(header: str) -> None:
    assert refusal(header) == "malformed-signature"


def test_upper_case_hex_digest_is_read_as_the_same_digest() -> None:
    header = sign(SECRET, NOW, BODY)
    upper = header.split("v1=")[0] + "v1=" + header.split("v1=")[1].upper()
    assert parse_signature(upper).digest == parse_signature(header).digest


def test_second_use_of_a_signature_is_a_replay() -> None:
    seen = SeenSignatures(window=300)
    signature = parse_signature(sign(SECRET, NOW, BODY))
    seen.remember("contact", signature, NOW)
    with pytest.raises(SignatureRefused) as caught:
        seen.remember("contact", signature, NOW + 5)
    assert caught.value.error == "replayed-signature"


def test_same_digest_on_another_form_is_not_a_replay() -> None:
    seen = SeenSignatures(window=300)
    signature = parse_signature(sign(SECRET, NOW, BODY))
    seen.remember("contact", signature, NOW)
    seen.remember("quote", signature, NOW)
    assert len(seen) == 2


def test_signatures_are_forgotten_once_out_of_the_window() -> None:
    seen = SeenSignatures(window=300)
    for index in range(10):
        seen.remember("f", parse_signature(sign(SECRET, NOW + index, BODY)), NOW + index)
    seen.remember("f", parse_signature(sign(SECRET, NOW + 1000, BODY)), NOW + 1000)
    assert len(seen) == 1


def test_full_cache_of_live_signatures_refuses_rather_than_forgetting() -> None:
    seen = SeenSignatures(window=300, limit=3)
    for index in range(3):
        seen.remember("f", parse_signature(sign(SECRET, NOW + index, BODY)), NOW + 5)
    with pytest.raises(SignatureRefused) as caught:
        seen.remember("f", parse_signature(sign(SECRET, NOW + 3, BODY)), NOW + 5)
    assert caught.value.error == "too-many-submissions"
    assert len(seen) == 3
