"""AccountStore: connected accounts, encrypted at rest, with ready clients."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import jtl_connect
from jtl_connect import AccountStore, aio
from jtl_connect.testing import Emulator

KEY = bytes(range(32))


@pytest.fixture
def store(tmp_path: Path) -> AccountStore:
    return AccountStore(tmp_path / "accounts.db", master_key=KEY)


def test_cloud_account_lifecycle(store: AccountStore, emulator: Emulator) -> None:
    secret = "demo-client-secret"
    account = store.add(
        "jtl-cloud",
        "My shop",
        client_id=emulator.client_id,
        client_secret=jtl_connect.Secret(secret),
        tenant_id=emulator.tenant_id,
        environment=emulator.url,
    )
    assert account.system == "jtl-cloud" and account.name == "My shop"
    assert account.fields == {
        "client_id": emulator.client_id,
        "tenant_id": emulator.tenant_id,
        "environment": emulator.url,
    }
    assert store.list() == [account]
    assert store.get(account.id) == account
    assert store.find("jtl-cloud", "My shop") == account
    assert store.find("jtl-cloud", "nope") is None
    for shown in (repr(account), str(account.to_dict()), repr(store.list())):
        assert secret not in shown
    client = store.client(account.id)
    assert isinstance(client, jtl_connect.CloudClient)
    assert client.get("info").status == 200
    assert store.client(account.id).get("info").status == 200
    assert emulator.stats()["token"] == 1, "clients of one account share a token cache"
    other = store.client(account.id, tenant_id=emulator.second_tenant_id)
    assert isinstance(other, jtl_connect.CloudClient)
    assert other.tenant_id == emulator.second_tenant_id
    test = store.test_connection(account.id)
    assert test and test.ok and test.code is None and "200" in test.message

    renamed = store.update(account.id, name="Main shop", client_secret="wrong-secret")
    assert renamed.name == "Main shop" and renamed.updated_at >= account.updated_at
    failed = store.test_connection(account.id)
    assert not failed and failed.code == "invalid_credentials"
    store.delete(account.id)
    with pytest.raises(jtl_connect.NotFoundError):
        store.get(account.id)


def test_wawi_and_scx_accounts(store: AccountStore, emulator: Emulator) -> None:
    wawi = store.add(
        "jtl-wawi",
        "Warehouse",
        base_url=emulator.wawi_url,
        api_key=emulator.wawi_api_key,
        app_id="com.example.accounts/1.0.0",  # x-appid/x-appversion: required by JTL-Wawi
        app_version="1.0.0",
    )
    scx = store.add(
        "jtl-scx", "Marketplace", refresh_token=emulator.scx_refresh_token, environment=emulator.url
    )
    assert isinstance(store.client(wawi.id), jtl_connect.WawiClient)
    assert store.test_connection(wawi.id).ok
    assert isinstance(store.client(scx.id), jtl_connect.ScxClient)
    assert store.test_connection(scx.id).ok
    assert isinstance(store.async_client(scx.id), aio.ScxClient)
    assert [a.system for a in store.list()] == ["jtl-scx", "jtl-wawi"]


def test_bad_input_and_a_wrong_key(store: AccountStore, tmp_path: Path) -> None:
    with pytest.raises(jtl_connect.InvalidInputError):
        store.add("jtl-erp", "x")  # type: ignore[arg-type]
    with pytest.raises(jtl_connect.InvalidInputError):
        store.add("jtl-cloud", "no secret", client_id="id")
    with pytest.raises(jtl_connect.InvalidInputError):
        store.add("jtl-cloud", "bad field", client_id="id", client_secret="s", colour="red")
    store.add("jtl-wawi", "Twice", base_url="http://127.0.0.1:1", api_key="key")
    with pytest.raises(jtl_connect.ConflictError):
        store.add("jtl-wawi", "Twice", base_url="http://127.0.0.1:1", api_key="key")
    with pytest.raises(jtl_connect.InvalidInputError):
        AccountStore(tmp_path / "x.db", master_key=b"short")
    with pytest.raises(jtl_connect.StoreError) as caught:
        AccountStore(tmp_path / "accounts.db", master_key=bytes(32))
    assert caught.value.code == "store"
    assert KEY.hex() not in str(caught.value)


def test_key_file_beside_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JTL_CONNECT_MASTER_KEY", raising=False)
    store = AccountStore(str(tmp_path / "file.db"))
    assert store.key_source == "file"
    assert os.fspath(store.path).endswith("file.db")
    assert (os.stat(tmp_path / "file.db.key").st_mode & 0o777) == 0o600
    assert "AccountStore(path=" in repr(store)
