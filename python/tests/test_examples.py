"""The examples in examples/python run against the emulator."""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from jtl_connect import aio
from jtl_connect.testing import Emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "python"
pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/python is not here")


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_erp_export_against_an_emulator_url(emulator: Emulator, tmp_path: Path) -> None:
    output = tmp_path / "items.csv"
    env = {
        **os.environ,
        "JTL_CLIENT_ID": emulator.client_id,
        "JTL_CLIENT_SECRET": emulator.client_secret,
        "JTL_TENANT_ID": emulator.tenant_id,
        "JTL_ENVIRONMENT": emulator.url,
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "erp_export.py"), str(output), "--page-size", "25"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "exported 60 items" in done.stderr
    with output.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 60
    assert rows[0]["sku"] == "EMU-0001"
    assert emulator.stats()["routes"]["POST /erp/v2/graphql"] == 3, "three pages through GraphQL"


def test_erp_export_starts_its_own_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JTL_CLIENT_ID", raising=False)
    output = tmp_path / "customers.csv"
    assert load("erp_export").main([str(output), "--resource", "customers"]) == 0
    assert "in-process emulator" in capsys.readouterr().err
    assert len(output.read_text(encoding="utf-8").splitlines()) == 31


def test_fastapi_app_verifies_session_tokens(emulator: Emulator) -> None:
    testclient = pytest.importorskip("fastapi.testclient")  # needs httpx2 (or httpx)
    TestClient = testclient.TestClient

    client = aio.CloudClient(emulator.client_id, emulator.client_secret, None, emulator.endpoints)
    app = load("fastapi_app").create_app(client)
    with TestClient(app) as http:
        minted = emulator.mint_session_token(user_id="user-9", tenant_slug="shop")
        headers = {"Authorization": f"Bearer {minted.token}"}
        me = http.get("/api/me", headers=headers)
        assert me.status_code == 200, me.text
        assert me.json() == {
            "tenantId": emulator.tenant_id,
            "userId": "user-9",
            "tenantSlug": "shop",
            "expiresAt": minted.expires_at,
        }
        items = http.get("/api/items", headers=headers, params={"page": 2})
        assert items.status_code == 200 and items.json()["pageNumber"] == 2
        assert http.get("/api/me").status_code == 401
        expired = emulator.mint_session_token(ttl_seconds=-3600).token
        refused = http.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
        assert refused.status_code == 401
        assert "expired" in refused.json()["detail"]
