"""Issue 19: answers that are ready come back without the runtime (a cached token, a
verification whose keys are cached), JSON goes through `json.loads`, and clients share one
HTTP client. Timings are benchmarks' business (bench/python/hop.py); these check behaviour."""

from __future__ import annotations

import asyncio
import collections.abc

import pytest

import jtl_connect
from jtl_connect import aio
from jtl_connect.testing import Emulator


def test_a_cached_token_is_an_already_completed_awaitable(
    emulator: Emulator, aio_client: aio.CloudClient
) -> None:
    async def main() -> None:
        first = await aio_client.access_token()  # not cached yet: the coroutine path
        ready = aio_client.access_token()
        # A real coroutine for asyncio: create_task and gather take it.
        assert asyncio.iscoroutine(ready)
        assert isinstance(ready, collections.abc.Coroutine)
        again = await ready
        assert again.expose() == first.expose()
        tasked = await asyncio.create_task(aio_client.access_token())
        assert tasked.expose() == first.expose()
        both = await asyncio.gather(aio_client.access_token(), aio_client.access_token())
        assert {t.expose() for t in both} == {first.expose()}

    asyncio.run(main())
    assert emulator.stats()["token"] == 1, "one token request for every call"


def test_the_ready_awaitable_steps_like_a_coroutine(aio_client: aio.CloudClient) -> None:
    async def main() -> None:
        token = await aio_client.access_token()
        ready = aio_client.access_token()
        with pytest.raises(StopIteration) as stop:
            ready.send(None)
        assert stop.value.value.expose() == token.expose()
        # A task cancelled at its first step: the error thrown in comes out.
        with pytest.raises(asyncio.CancelledError):
            aio_client.access_token().throw(asyncio.CancelledError())
        aio_client.access_token().close()

    asyncio.run(main())


def test_async_verify_of_a_verified_token_is_ready(
    emulator: Emulator, aio_client: aio.CloudClient
) -> None:
    verifier = aio_client.session_verifier()
    minted = emulator.mint_session_token(tenant_slug="shop")

    async def main() -> None:
        first = await verifier.verify(minted.token)
        ready = verifier.verify(minted.token)
        assert asyncio.iscoroutine(ready)
        again = await ready
        assert (again.tenant_id, again.user_id, again.tenant_slug) == (
            first.tenant_id,
            first.user_id,
            "shop",
        )
        with pytest.raises(jtl_connect.TokenVerificationError) as bad:
            await verifier.verify("x.y.z")
        assert bad.value.reason == "malformed"

    asyncio.run(main())
    stats = verifier.stats()
    assert stats["cache_hits"] == 1
    assert stats["signature_checks"] == 1


def test_sync_verify_with_cached_keys_gives_the_same_answers(
    emulator: Emulator, client: jtl_connect.CloudClient
) -> None:
    verifier = client.session_verifier(verified_cache_size=0)
    first = verifier.verify(emulator.mint_session_token().token)  # fetches the keys
    second = verifier.verify(emulator.mint_session_token(user_id="u-2").token)  # keys cached
    assert second.user_id == "u-2" and second.tenant_id == first.tenant_id
    for token, reason in [
        (emulator.mint_session_token(ttl_seconds=-3600).token, "expired"),
        (emulator.mint_session_token(iss="https://evil.example").token, "wrong_issuer"),
        (emulator.mint_session_token(header={"alg": "HS256"}).token, "algorithm_not_allowed"),
        (emulator.mint_session_token(key="unpublished", kid="header").token, "unknown_key"),
    ]:
        with pytest.raises(jtl_connect.TokenVerificationError) as err:
            verifier.verify(token)
        assert err.value.reason == reason, token
    good = emulator.mint_session_token().token
    head, payload, signature = good.split(".")
    forged = f"{head}.{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    with pytest.raises(jtl_connect.TokenVerificationError) as err:
        verifier.verify(forged)
    assert err.value.reason == "bad_signature"
    assert verifier.stats()["jwks_fetches"] >= 1


def test_json_and_page_items_come_from_json_loads(client: jtl_connect.CloudClient) -> None:
    body = client.get("items", params={"pageSize": "25"}).json()
    page = client.page("items", page_size=25)
    assert len(page) == 25
    assert page.items == body["items"], "the page's records are the answer's items"
    assert page.items is not page.items, "every read is a fresh list the caller may change"
    assert all(isinstance(item, dict) and item["id"] for item in page.items)
    info = client.get("info").json()
    assert info["tenantId"] == client.tenant_id


def test_a_thousand_clients_are_cheap_and_all_work(emulator: Emulator) -> None:
    # The shared HTTP client: none of these loads CA roots or opens a pool of its own.
    clients = [
        jtl_connect.CloudClient(
            emulator.client_id, emulator.client_secret, emulator.tenant_id, emulator.endpoints
        )
        for _ in range(1000)
    ]
    assert clients[0].get("info").status == 200
    assert clients[-1].get("info").status == 200
