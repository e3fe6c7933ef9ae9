"""PostgreSQL: accounts and tokens shared by every process of an app, on the private cluster
scripts/postgres.sh starts (JTL_CONNECT_TEST_PG, set by `make test`). Without it these tests
fail: they never skip."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

import jtl_connect
from jtl_connect.testing import Emulator

PROCESSES = 4
THREADS = 50
# The master key every process of a test shares (test data, not a secret).
KEY_HEX = "70792d70672d746573742d6b65792d7468697274792d74776f2d62797465732e"

CHILD = r"""
import os, sys, threading, time
import jtl_connect

db, emu_url, index, start_at = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
store = jtl_connect.AccountStore(db)  # the master key from JTL_CONNECT_MASTER_KEY
shop = store.find("jtl-cloud", "Shared shop")
assert shop is not None, "the parent's account is listed here"
store.add("jtl-scx", f"child {index}", refresh_token="rt-child-0123456789")
client = jtl_connect.CloudClient(
    "demo-client-id", "demo-client-secret", "00000000-0000-4000-8000-000000000001",
    jtl_connect.Endpoints.emulator(emu_url), token_cache=db,
)
barrier = threading.Barrier(50)
tokens = []
def ask():
    barrier.wait()
    tokens.append(client.access_token().expose())
time.sleep(max(0.0, start_at - time.time()))
threads = [threading.Thread(target=ask) for _ in range(50)]
for t in threads: t.start()
for t in threads: t.join()
for token in tokens: print("TOKEN", token[-16:])
"""


def server() -> str:
    url = os.environ.get("JTL_CONNECT_TEST_PG")
    if not url:
        pytest.fail(
            "JTL_CONNECT_TEST_PG is not set: run through scripts/postgres.sh (make test does)"
        )
    return url


def psql() -> str:
    """psql, found as scripts/postgres.sh finds the server binaries."""
    found = shutil.which("psql") or next(iter(glob.glob("/usr/lib/postgresql/*/bin/psql")), None)
    assert found, "psql (Debian package postgresql-client)"
    return found


def fresh_database(tag: str) -> str:
    url = server()
    name = f"jtl_py_{tag}_{uuid.uuid4().hex[:12]}"
    subprocess.run([psql(), url, "-qc", f"CREATE DATABASE {name}"], check=True)
    return url.rsplit("/", 1)[0] + "/" + name


def test_four_processes_of_fifty_threads_send_one_token_request(emulator: Emulator) -> None:
    db = fresh_database("procs")
    parent = jtl_connect.AccountStore(db, master_key=bytes.fromhex(KEY_HEX))
    parent.add(
        "jtl-cloud",
        "Shared shop",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        environment=emulator.url,
    )
    # The first token answer is slow, so the other processes wait on the holder's lock.
    emulator.inject_fault("token", "delay", delay_ms=700)
    start_at = time.time() + 2.5
    env = dict(os.environ, JTL_CONNECT_MASTER_KEY=KEY_HEX)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, db, emulator.url, str(i), str(start_at)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    tokens: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, f"a child failed:\n{out}\n{err}"
        tokens += [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("TOKEN ")]
    assert len(tokens) == PROCESSES * THREADS, "every thread answered"
    assert len(set(tokens)) == 1, "every thread of every process got the same token"
    assert emulator.stats()["token"] == 1, "4 processes x 50 threads: exactly one token request"
    names = {account.name for account in parent.list()}
    assert {f"child {i}" for i in range(PROCESSES)} <= names, names


def test_a_postgresql_store_and_its_clients(emulator: Emulator) -> None:
    db = fresh_database("store")
    key = bytes.fromhex(KEY_HEX)
    store = jtl_connect.AccountStore(db, master_key=key)
    shop = store.add(
        "jtl-cloud",
        "Shop",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        tenant_id=emulator.tenant_id,
        environment=emulator.url,
    )
    other = jtl_connect.AccountStore(db, master_key=key)
    assert [a.name for a in other.list()] == ["Shop"]
    assert "client_secret" not in other.get(shop.id).fields
    first = store.client(shop.id)
    second = other.client(shop.id)
    assert isinstance(first, jtl_connect.CloudClient)
    assert isinstance(second, jtl_connect.CloudClient)
    assert first.access_token().expose() == second.access_token().expose()
    assert emulator.stats()["token"] == 1, "the second handle read the shared token"
    with pytest.raises(jtl_connect.ConfigError):
        jtl_connect.AccountStore(db, master_key=bytes(32))


def test_other_schemes_and_a_database_that_is_down(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for url in ("mysql://u:hunter2@h/db", "sqlite:///tmp/x.db"):
        with pytest.raises(jtl_connect.InvalidInputError) as raised:
            jtl_connect.AccountStore(url, master_key=bytes(32))
        assert "postgresql://" in str(raised.value)
        assert "hunter2" not in str(raised.value)
        with pytest.raises(jtl_connect.InvalidInputError):
            jtl_connect.CloudClient("id", "secret", token_cache=url)
    down = "postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2"
    with pytest.raises(jtl_connect.StoreError) as refused:
        jtl_connect.AccountStore(down, master_key=bytes(32))
    assert "127.0.0.1:1" in str(refused.value) and "hunter2" not in str(refused.value)
    monkeypatch.setenv("JTL_CONNECT_MASTER_KEY", KEY_HEX)
    client = jtl_connect.ScxClient(emulator.scx_refresh_token, emulator.endpoints, token_cache=down)
    with pytest.raises(jtl_connect.StoreError):
        client.access_token()
    assert emulator.stats()["token"] == 0
