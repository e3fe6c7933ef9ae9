"""Issue 9's leak test in Python: a whole flow with DEBUG logging on, then every log record,
repr, str and exception message, and the account database files, are searched for every
secret and token the flow used."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import jtl_connect
from jtl_connect.testing import Emulator


def test_a_whole_flow_leaks_no_secret(
    emulator: Emulator, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG, logger="jtl_connect")
    jtl_connect.refresh_log_levels()
    secrets = [emulator.client_secret, emulator.wawi_api_key, emulator.scx_refresh_token]
    texts: list[str] = []

    def keep(*objects: object) -> None:
        for obj in objects:
            texts.extend([repr(obj), str(obj)])

    # Cloud: a token, a refresh after a 401, a retry after a 503, an error answer.
    client = jtl_connect.CloudClient(
        emulator.client_id, emulator.client_secret, emulator.tenant_id, emulator.endpoints
    )
    secrets.append(client.access_token().expose())
    emulator.inject_fault("api", status=401)
    emulator.inject_fault("api", status=503)
    keep(client.get("info"))
    secrets.append(client.access_token().expose())
    with pytest.raises(jtl_connect.JtlError) as not_found:
        client.get("items/99999")
    keep(not_found.value, client)

    # A wrong secret: refused, and the refused secret is not repeated anywhere.
    wrong = jtl_connect.CloudClient(
        emulator.client_id, "wrong-secret-0123456789", emulator.tenant_id, emulator.endpoints
    )
    secrets.append("wrong-secret-0123456789")
    with pytest.raises(jtl_connect.JtlError) as refused:
        wrong.get("info")
    keep(refused.value, wrong)

    # Session tokens.
    session = emulator.mint_session_token()
    secrets.append(session.token)
    keep(client.session_verifier().verify(session.token))

    # SCX and Wawi.
    scx = jtl_connect.ScxClient(emulator.scx_refresh_token, emulator.endpoints)
    keep(scx.events(), scx)
    secrets.append(scx.access_token().expose())
    wawi = jtl_connect.WawiClient(emulator.wawi_url, emulator.wawi_api_key, "leak/1", "1")
    keep(wawi.get("v1/items"), wawi)

    # The account store: secrets go in, are used, are replaced.
    store = jtl_connect.AccountStore(tmp_path / "accounts.db", master_key=bytes(range(32)))
    account = store.add(
        "jtl-cloud",
        "Shop",
        client_id=emulator.client_id,
        client_secret=emulator.client_secret,
        tenant_id=emulator.tenant_id,
        environment=emulator.url,
    )
    keep(account, store.list(), store.test_connection(account.id), store.client(account.id))
    store.update(account.id, client_secret="replaced-secret-0123456789")
    secrets.append("replaced-secret-0123456789")
    keep(store.test_connection(account.id), store)

    logged = [f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records]
    assert any("retrying" in line for line in logged), "debug events were captured"
    files = [p for p in tmp_path.iterdir() if not p.name.endswith(".key")]
    assert any(p.name == "accounts.db" for p in files)
    for secret in secrets:
        for line in logged:
            assert secret not in line, "a secret reached the log"
        for text in texts:
            assert secret not in text, f"a secret reached {text[:80]!r}"
        for path in files:
            assert secret.encode() not in path.read_bytes(), f"a secret is in {path.name}"
