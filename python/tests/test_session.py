"""App Shell session tokens minted by the emulator: accepted, and refused for the right reason."""

from __future__ import annotations

import asyncio

import pytest

import jtl_connect
from jtl_connect import CloudClient, aio
from jtl_connect.testing import Emulator


def reason(verifier: jtl_connect.SessionVerifier, token: str) -> str | None:
    with pytest.raises(jtl_connect.TokenVerificationError) as caught:
        verifier.verify(token)
    return caught.value.reason


def test_a_good_token(client: CloudClient, emulator: Emulator) -> None:
    verifier = client.session_verifier()
    minted = emulator.mint_session_token(
        tenant_slug="my-shop", user_id="user-1", claims={"role": "admin"}, kid="payload"
    )
    claims = verifier.verify(minted.token)
    assert (claims.tenant_id, claims.user_id, claims.tenant_slug) == (
        emulator.tenant_id,
        "user-1",
        "my-shop",
    )
    assert claims.expires_at == minted.expires_at
    assert claims["role"] == "admin" and claims.get("missing", 5) == 5
    assert "role" in claims and "iss" not in claims.claims  # JTL's documented token has none
    assert verifier.verify(minted.token) == claims  # from the cache the second time
    assert verifier.stats()["cache_hits"] == 1
    assert emulator.stats()["jwks"] == 1
    assert "SessionClaims(tenant_id=" in repr(claims)
    unverified = jtl_connect.decode_unverified(minted.token)
    assert unverified.header["alg"] == "EdDSA"
    assert unverified.claims["userId"] == "user-1"


def test_bad_tokens_and_their_reasons(client: CloudClient, emulator: Emulator) -> None:
    verifier = client.session_verifier(verified_cache_size=0)
    good = emulator.mint_session_token().token
    assert reason(verifier, emulator.mint_session_token(ttl_seconds=-3600).token) == "expired"
    unpublished = emulator.mint_session_token(key="unpublished", kid="header").token
    assert reason(verifier, unpublished) == "unknown_key"
    assert reason(verifier, emulator.mint_session_token(iss="https://evil.example").token) == (
        "wrong_issuer"
    )
    no_iss = emulator.mint_session_token(iss=None).token
    assert verifier.verify(no_iss).tenant_id == emulator.tenant_id
    assert reason(client.session_verifier(require_issuer=True), no_iss) == "missing_claim"
    head, payload, signature = good.split(".")
    tampered = f"{head}.{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert reason(verifier, tampered) == "bad_signature"
    none_alg = emulator.mint_session_token(header={"alg": "HS256"}).token
    assert reason(verifier, none_alg) == "algorithm_not_allowed"
    assert reason(verifier, "a.b") == "malformed"
    assert reason(verifier, "x" * 20_000) == "too_large"
    future = emulator.mint_session_token(claims={"nbf": 4_000_000_000}).token
    assert reason(verifier, future) == "not_yet_valid"


def test_verifier_options(client: CloudClient, emulator: Emulator) -> None:
    no_issuer = emulator.mint_session_token(iss="https://other.example").token
    lenient = client.session_verifier(verify_issuer=False)
    assert lenient.verify(no_issuer).tenant_id == emulator.tenant_id
    other = client.session_verifier(issuer="https://other.example")
    assert other.verify(no_issuer).tenant_id == emulator.tenant_id
    expired = emulator.mint_session_token(ttl_seconds=-30).token
    assert client.session_verifier(leeway=120).verify(expired)
    with pytest.raises(jtl_connect.TokenVerificationError):
        client.session_verifier(leeway=0).verify(expired)
    with pytest.raises(jtl_connect.ConfigError):
        client.session_verifier(algorithms=["HS256"])
    with pytest.raises(jtl_connect.InvalidInputError):
        client.session_verifier(algorithms=["nonsense"])
    custom = client.session_verifier(jwks_url=emulator.url + "/account/.well-known/jwks.json")
    assert custom.jwks_url.endswith("/jwks.json")
    assert "SessionVerifier(jwks_url=" in repr(custom)


def test_key_rotation(client: CloudClient, emulator: Emulator) -> None:
    verifier = client.session_verifier(unknown_kid_cooldown=0)
    old = emulator.current_kid
    assert verifier.verify(emulator.mint_session_token().token)
    rotated = emulator.rotate_keys(grace=60)
    assert rotated["previous"] == old and emulator.current_kid != old
    assert verifier.verify(emulator.mint_session_token().token), "a new kid refetches the keys"
    assert verifier.verify(emulator.mint_session_token(key="previous").token)
    assert emulator.stats()["jwks"] == 2


def test_aio_verifier(aio_client: aio.CloudClient, emulator: Emulator) -> None:
    tokens = [emulator.mint_session_token(user_id=f"u{i}").token for i in range(20)]

    async def main() -> list[str]:
        verifier = aio_client.session_verifier()
        claims = await asyncio.gather(*(verifier.verify(t) for t in tokens))
        with pytest.raises(jtl_connect.TokenVerificationError):
            await verifier.verify("garbage")
        return [c.user_id for c in claims]

    assert asyncio.run(main()) == [f"u{i}" for i in range(20)]
    assert emulator.stats()["jwks"] == 1, "one JWKS fetch for concurrent first verifications"
