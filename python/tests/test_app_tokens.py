"""Facts §4.1 and §4.2: the documented session token and JTL app tokens, against the
emulator in its default mode and with each variant setting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import jtl_connect
from jtl_connect import CloudClient, aio
from jtl_connect.testing import Emulator

VARIANTS: list[dict[str, Any]] = [
    {},
    {"session_kid_in_header": True},
    {"jwks_without_kid": True},
    {
        "session_kid_in_header": True,
        "jwks_without_kid": True,
        "session_issuer": "https://api.jtl-cloud.com",
    },
]


def reason(verifier: jtl_connect.SessionVerifier, token: str) -> tuple[str | None, str]:
    with pytest.raises(jtl_connect.TokenVerificationError) as caught:
        verifier.verify(token)
    return caught.value.reason, str(caught.value)


@pytest.mark.parametrize("settings", VARIANTS, ids=["default", "kid-header", "kidless-jwks", "all"])
def test_documented_session_token_in_every_variant(settings: dict[str, Any]) -> None:
    with Emulator(**settings) as emu:
        client = CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints)
        verifier = client.session_verifier()
        minted = emu.mint_session_token()
        assert minted.customer_id == emu.customer_id
        claims = verifier.verify(minted.token)
        assert claims.tenant_id == emu.tenant_id
        assert claims.customer_id == emu.customer_id
        assert claims.app_id is None
        wrong = emu.mint_session_token(iss="https://evil.example").token
        assert reason(verifier, wrong)[0] == "wrong_issuer"
        # App tokens verify in every variant too.
        app = client.app_token_verifier(emu.app_id)
        assert app.verify(emu.mint_app_token().token).app_id == emu.app_id


def test_app_tokens_verify_and_each_failure_names_its_check(
    client: CloudClient, emulator: Emulator
) -> None:
    verifier = client.app_token_verifier(emulator.app_id)
    assert verifier.jwks_url == emulator.app_issuer + "/oauth/v2/keys"
    minted = emulator.mint_app_token(user_id="user-7", tenant_id=emulator.second_tenant_id)
    assert minted.issuer == emulator.app_issuer and minted.audience == [emulator.app_id]
    claims = verifier.verify(minted.token)
    assert (claims.tenant_id, claims.user_id, claims.app_id) == (
        emulator.second_tenant_id,
        "user-7",
        emulator.app_id,
    )
    assert claims.customer_id is None
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"audience": ["someone-else"]}, "wrong_audience", "audience"),
        ({"iss": "https://id.evil.example"}, "wrong_issuer", "issuer"),
        ({"ttl_seconds": -600}, "expired", "expiry"),
        ({"key": "foreign"}, "bad_signature", "signature"),
        ({"key": "unpublished"}, "unknown_key", "signature"),
    ]
    for spec, expected, check in cases:
        why, message = reason(verifier, emulator.mint_app_token(**spec).token)
        assert why == expected, message
        assert f"the {check} check failed" in message, message
    why, message = reason(verifier, emulator.mint_session_token().token)
    assert why == "algorithm_not_allowed", message
    with pytest.raises(jtl_connect.InvalidInputError):
        client.app_token_verifier("")
    other = client.app_token_verifier(emulator.app_id, "https://id.jtl-cloud.com")
    assert other.jwks_url == "https://id.jtl-cloud.com/oauth/v2/keys"


def test_max_lifetime_and_require_issuer(client: CloudClient, emulator: Emulator) -> None:
    short = client.session_verifier(max_lifetime=600)
    assert (
        reason(short, emulator.mint_session_token(ttl_seconds=3600).token)[0] == "lifetime_too_long"
    )
    assert short.verify(emulator.mint_session_token(ttl_seconds=300).token)
    app = client.app_token_verifier(emulator.app_id, max_lifetime=600)
    assert reason(app, emulator.mint_app_token().token)[0] == "lifetime_too_long"
    strict = client.session_verifier(require_issuer=True)
    assert reason(strict, emulator.mint_session_token().token)[0] == "missing_claim"


def test_aio_app_token_verifier(aio_client: aio.CloudClient, emulator: Emulator) -> None:
    tokens = [emulator.mint_app_token(user_id=f"u{i}").token for i in range(5)]

    async def main() -> list[str]:
        verifier = aio_client.app_token_verifier(emulator.app_id)
        claims = await asyncio.gather(*(verifier.verify(t) for t in tokens))
        with pytest.raises(jtl_connect.TokenVerificationError) as caught:
            await verifier.verify(emulator.mint_app_token(audience=["x"]).token)
        assert caught.value.reason == "wrong_audience"
        return [c.user_id for c in claims]

    assert asyncio.run(main()) == [f"u{i}" for i in range(5)]
