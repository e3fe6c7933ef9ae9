"""jtl_connect.testing: the emulator as users' tests see it."""

from __future__ import annotations

import pytest

import jtl_connect
from jtl_connect import CloudClient
from jtl_connect.testing import Emulator


def test_context_manager_and_close() -> None:
    with Emulator(token_lifetime_secs=120) as emu:
        assert emu.url.startswith("http://127.0.0.1:")
        assert emu.settings()["token_lifetime_secs"] == 120
        client = CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints)
        assert client.access_token().expires_at - client.access_token().obtained_at <= 121
        assert not emu.closed
    assert emu.closed
    assert "closed" in repr(emu)
    with pytest.raises(jtl_connect.ConfigError, match="closed"):
        emu.stats()
    emu.close()  # idempotent
    with pytest.raises(jtl_connect.NetworkError):
        CloudClient(
            emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints, max_retries=0
        ).get("info")


def test_the_fixture_is_fresh_per_test(emulator: Emulator, client: CloudClient) -> None:
    assert emulator.stats()["token"] == 0
    client.get("info")
    stats = emulator.stats()
    assert (stats["token"], stats["api"], stats["faults_served"]) == (1, 1, 0)
    assert stats["routes"]["GET /erp/v2/info"] == 1


def test_faults_settings_and_reset(emulator: Emulator, client: CloudClient) -> None:
    fault_id = emulator.inject_fault("api", status=503, count=2, retry_after="0")
    assert isinstance(fault_id, int)
    assert client.get("info").status == 200, "retried past two 503s"
    assert emulator.stats()["faults_served"] == 2
    emulator.inject_fault("api", status=500, count=0)
    emulator.clear_faults()
    assert client.get("info").status == 200
    with pytest.raises(jtl_connect.InvalidInputError, match="nowhere"):
        emulator.inject_fault("nowhere")
    with pytest.raises(jtl_connect.InvalidInputError):
        emulator.inject_fault("api", "status")  # a status fault needs a status
    with pytest.raises(jtl_connect.InvalidInputError):
        emulator.update_settings(no_such_setting=1)
    assert emulator.update_settings(rate_limit=5)["rate_limit"] == 5
    emulator.reset()
    assert emulator.settings()["rate_limit"] == 10000
    assert emulator.stats()["api"] == 0


def test_admin_helpers(emulator: Emulator) -> None:
    emulator.register_client(
        "shop-app", "s3cret", tenants=[emulator.tenant_id], scopes=["items.read"]
    )
    shop = CloudClient("shop-app", "s3cret", emulator.tenant_id, emulator.endpoints)
    assert shop.get("items", params={"pageSize": 1}).status == 200
    with pytest.raises(jtl_connect.ForbiddenError):
        shop.get("customers")
    key = emulator.issue_wawi_api_key(["all.read"])
    assert (
        jtl_connect.WawiClient(emulator.wawi_url, key, "emu/1", "1").get("v1/items").status == 200
    )
    with pytest.raises(jtl_connect.NotFoundError):
        emulator.approve_wawi_registration("no-such-registration")
    with pytest.raises(jtl_connect.InvalidInputError):
        emulator.mint_session_token(kid="sideways")
    minted = emulator.mint_session_token(ttl_seconds=60)
    assert minted.token not in repr(minted)
    assert minted.kid == emulator.current_kid
    assert emulator.endpoints == jtl_connect.Endpoints.emulator(emulator.url)
