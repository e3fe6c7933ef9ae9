"""AccountStore: connected accounts, encrypted at rest, with ready clients."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    store.add(
        "jtl-wawi",
        "Twice",
        base_url="http://127.0.0.1:1",
        api_key="key",
        app_id="MyApp/1.0.0",
        app_version="1.0.0",
    )
    with pytest.raises(jtl_connect.ConflictError):
        store.add(
            "jtl-wawi",
            "Twice",
            base_url="http://127.0.0.1:1",
            api_key="key",
            app_id="MyApp/1.0.0",
            app_version="1.0.0",
        )
    with pytest.raises(jtl_connect.InvalidInputError):
        AccountStore(tmp_path / "x.db", master_key=b"short")
    with pytest.raises(jtl_connect.ConfigError) as caught:
        AccountStore(tmp_path / "accounts.db", master_key=bytes(32))
    assert caught.value.code == "config"
    assert KEY.hex() not in str(caught.value)


def test_key_file_beside_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JTL_CONNECT_MASTER_KEY", raising=False)
    store = AccountStore(str(tmp_path / "file.db"))
    assert store.key_source == "file"
    assert os.fspath(store.path).endswith("file.db")
    assert (os.stat(tmp_path / "file.db.key").st_mode & 0o777) == 0o600
    assert "AccountStore(path=" in repr(store)


def _requests(emulator: Emulator) -> int:
    stats = emulator.stats()
    return sum(stats.get(s, 0) for s in ("token", "api", "jwks", "scx_auth", "scx", "wawi"))


def _sql(path: Path, query: str, *params: str) -> list[list[Any]]:
    """Runs one statement on the database file in another process, as anyone with write
    access but no key can. (Not in this process: its sqlite3 module is another SQLite
    library than the store's, and two libraries on one file break each other's locks.)"""
    script = (
        "import json, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "rows = conn.execute(sys.argv[2], sys.argv[3:]).fetchall()\n"
        "conn.commit()\n"
        "print(json.dumps(rows))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, os.fspath(path), query, *params],
        capture_output=True,
        text=True,
        check=True,
    )
    rows: list[list[Any]] = json.loads(done.stdout)
    return rows


def _edit_field(path: Path, account_id: str, field: str, value: str) -> None:
    """Edits a field in the database file."""
    [[fields]] = _sql(path, "SELECT fields FROM accounts WHERE id = ?", account_id)
    changed = {**json.loads(fields), field: value}
    _sql(path, "UPDATE accounts SET fields = ? WHERE id = ?", json.dumps(changed), account_id)


def test_a_field_edited_in_the_file_is_refused_and_nothing_is_sent(
    tmp_path: Path, emulator: Emulator
) -> None:
    path = tmp_path / "accounts.db"
    store = AccountStore(path, master_key=KEY)
    wawi = store.add(
        "jtl-wawi",
        "Warehouse",
        base_url=emulator.wawi_url,
        api_key=emulator.wawi_api_key,
        app_id="MyApp/1.0.0",
        app_version="1.0.0",
    )
    cloud = store.add(
        "jtl-cloud",
        "Shop",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        environment=emulator.url,
    )
    before = _requests(emulator)
    _edit_field(path, wawi.id, "base_url", "http://127.0.0.1:9/attacker")
    _edit_field(path, cloud.id, "client_id", "someone-else")
    fresh = AccountStore(path, master_key=KEY)
    for account in (wawi, cloud):
        with pytest.raises(jtl_connect.StoreError) as caught:
            fresh.test_connection(account.id)
        assert caught.value.code == "store"
        assert "changed outside the store" in str(caught.value)
        assert account.id in str(caught.value)
        with pytest.raises(jtl_connect.StoreError):
            fresh.client(account.id)
    assert _requests(emulator) == before, "no request was sent"
    fresh.delete(wawi.id)


def test_moving_a_destination_needs_the_secret_again(
    store: AccountStore, emulator: Emulator
) -> None:
    wawi = store.add(
        "jtl-wawi",
        "Warehouse",
        base_url=emulator.wawi_url,
        api_key=emulator.wawi_api_key,
        app_id="MyApp/1.0.0",
        app_version="1.0.0",
    )
    with pytest.raises(jtl_connect.InvalidInputError) as caught:
        store.update(wawi.id, base_url="http://127.0.0.1:9/elsewhere")
    assert str(caught.value).startswith("api_key: required again when base_url changes")
    assert store.get(wawi.id).fields["base_url"] == emulator.wawi_url.rstrip("/")
    scx = store.add("jtl-scx", "Marketplace", refresh_token="t")
    with pytest.raises(jtl_connect.InvalidInputError) as caught:
        store.update(scx.id, sandbox=True)
    assert str(caught.value).startswith("refresh_token: ")
    moved = store.update(scx.id, sandbox=True, refresh_token="t2")
    assert moved.fields["sandbox"] == "true"
    # The same destination again, and other fields, need no secret.
    store.update(wawi.id, base_url=emulator.wawi_url, app_version="2")
    assert store.test_connection(wawi.id).ok


def test_link_local_destinations_are_refused(store: AccountStore) -> None:
    for url in (
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/",
        "http://metadata.google.internal/",
    ):
        with pytest.raises(jtl_connect.InvalidInputError) as caught:
            store.add(
                "jtl-wawi",
                "Metadata",
                base_url=url,
                api_key="k",
                app_id="MyApp/1.0.0",
                app_version="1.0.0",
            )
        assert str(caught.value).startswith("base_url: link-local")
    store.add(
        "jtl-wawi",
        "LAN",
        base_url="http://192.168.0.5:5883/api/eazybusiness",
        api_key="k",
        app_id="MyApp/1.0.0",
        app_version="1.0.0",
    )


def test_connection_test_reports_status_and_no_body(
    store: AccountStore, emulator: Emulator
) -> None:
    wawi = store.add(
        "jtl-wawi",
        "Warehouse",
        base_url=emulator.wawi_url,
        api_key="wrong",
        app_id="MyApp/1.0.0",
        app_version="1.0.0",
    )
    test = store.test_connection(wawi.id)
    assert not test.ok and test.code == "unauthorized" and test.status == 401
    assert "did not accept the API key" in test.message
    assert "status=401" in repr(test)


def test_key_rotation(tmp_path: Path, emulator: Emulator) -> None:
    path = tmp_path / "accounts.db"
    store = AccountStore(path, master_key=KEY)
    wawi = store.add(
        "jtl-wawi",
        "Warehouse",
        base_url=emulator.wawi_url,
        api_key=emulator.wawi_api_key,
        app_id="MyApp/1.0.0",
        app_version="1.0.0",
    )
    [[backup]] = _sql(path, "SELECT hex(secret) FROM accounts")
    new_key = bytes(range(1, 33))
    assert store.key_generation == 1
    assert store.rotate_master_key(new_key) == {
        "generation": 2,
        "resealed": 1,
        "unreadable": 0,
        "grants_resealed": 0,
    }
    assert store.test_connection(wawi.id).ok
    with pytest.raises(jtl_connect.ConfigError):
        AccountStore(path, master_key=KEY)
    with pytest.raises(jtl_connect.InvalidInputError):
        store.rotate_master_key()
    _sql(path, f"UPDATE accounts SET secret = X'{backup}'")
    with pytest.raises(jtl_connect.StoreError):
        AccountStore(path, master_key=new_key).test_connection(wawi.id)


def test_a_missing_key_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JTL_CONNECT_MASTER_KEY", raising=False)
    path = tmp_path / "file.db"
    store = AccountStore(path)
    store.add("jtl-scx", "S", refresh_token="t")
    assert store.rotate_master_key()["resealed"] == 1
    del store
    (tmp_path / "file.db.key").unlink()
    with pytest.raises(jtl_connect.ConfigError) as caught:
        AccountStore(path)
    assert "missing" in str(caught.value)
    assert not (tmp_path / "file.db.key").exists()
