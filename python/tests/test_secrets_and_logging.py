"""No secret in any repr, str, exception message or log record; core events reach the
`jtl_connect` logger."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

import jtl_connect
from jtl_connect import aio
from jtl_connect.testing import Emulator


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG, logger="jtl_connect")
    jtl_connect.refresh_log_levels()
    yield caplog
    jtl_connect.refresh_log_levels()


def test_nothing_shows_a_secret(emulator: Emulator, debug_logs: pytest.LogCaptureFixture) -> None:
    secrets: list[str] = [emulator.client_secret, emulator.wawi_api_key, emulator.scx_refresh_token]
    shown: list[str] = []

    def show(*objects: object) -> None:
        for obj in objects:
            shown.extend([repr(obj), str(obj)])

    secret = jtl_connect.Secret(emulator.client_secret)
    client = jtl_connect.CloudClient(
        emulator.client_id, secret, emulator.tenant_id, emulator.endpoints
    )
    token = client.access_token()
    secrets.append(token.expose())
    show(secret, client, token, client.for_tenant(emulator.second_tenant_id), emulator)
    show(aio.CloudClient(emulator.client_id, secret, emulator.tenant_id, emulator.endpoints))
    client.get("info")
    list(client.paginate("items", page_size=30))

    wawi = jtl_connect.WawiClient(emulator.wawi_url, emulator.wawi_api_key, "leak/1", "1")
    wawi.get("v1/items")
    scx = jtl_connect.ScxClient(emulator.scx_refresh_token, emulator.endpoints)
    scx_token = scx.access_token()
    secrets.append(scx_token.expose())
    show(
        wawi,
        scx,
        scx_token,
        aio.WawiClient(emulator.wawi_url, emulator.wawi_api_key, "leak/1", "1"),
    )
    show(aio.ScxClient(emulator.scx_refresh_token, emulator.endpoints))

    emulator.update_settings(wawi_auto_approve_ms=10)
    app = jtl_connect.WawiApp(
        "com.example.leak",
        "Leak test",
        "1",
        description="d",
        provider_name="p",
        provider_website="https://example.com",
        mandatory_scopes=["all.read"],
    )
    registration = jtl_connect.register_wawi_app(
        emulator.wawi_url,
        app,
        challenge_code="challenge-secret-77",
        tenant_id=emulator.tenant_id,
        poll_interval=0.02,
    )
    secrets.extend([registration.api_key.expose(), "challenge-secret-77"])
    show(registration, registration.api_key, app)

    session = emulator.mint_session_token()
    secrets.append(session.token)
    verifier = client.session_verifier()
    show(verifier, verifier.verify(session.token), session)

    # Errors on every path: wrong secret, 401 after refresh, a refused session token, a retry.
    wrong = jtl_connect.CloudClient(
        emulator.client_id, "wrong-secret-value", emulator.tenant_id, emulator.endpoints
    )
    secrets.append("wrong-secret-value")
    errors: list[BaseException] = []
    for call in (
        lambda: wrong.get("info"),
        lambda: jtl_connect.WawiClient(emulator.wawi_url, "wrong-wawi-key-1", "leak/1", "1").get(
            "v1/items"
        ),
        lambda: jtl_connect.ScxClient("wrong-refresh-token-1", emulator.endpoints).events(),
        lambda: verifier.verify(session.token[:-4] + "AAAA"),
    ):
        with pytest.raises(jtl_connect.JtlError) as caught:
            call()
        errors.append(caught.value)
    secrets.extend(["wrong-wawi-key-1", "wrong-refresh-token-1"])
    emulator.inject_fault("api", status=401, count=0)
    with pytest.raises(jtl_connect.AuthenticationError) as unauthorized:
        client.get("info")
    errors.append(unauthorized.value)
    emulator.clear_faults()
    emulator.inject_fault("api", status=503, retry_after="0")
    client.get("info")

    async def via_aio() -> None:
        aclient = aio.CloudClient(
            emulator.client_id, secret, emulator.tenant_id, emulator.endpoints
        )
        await aclient.get("info")

    asyncio.run(via_aio())
    show(*errors)

    records = [record.getMessage() for record in debug_logs.records]
    assert any("access token issued" in message for message in records), records
    assert any("retrying" in message for message in records), records
    assert all(r.name.startswith("jtl_connect") for r in debug_logs.records)
    texts = shown + records + [repr(e.args) for e in errors]
    for value in secrets:
        for text in texts:
            assert value not in text, f"a secret appears in {text!r}"


def test_core_events_reach_the_jtl_connect_logger(
    emulator: Emulator, client: jtl_connect.CloudClient, debug_logs: pytest.LogCaptureFixture
) -> None:
    client.get("info")
    names = {record.name for record in debug_logs.records}
    assert any(name.startswith("jtl_connect.") for name in names), names
    token_records = [r for r in debug_logs.records if "access token issued" in r.getMessage()]
    assert token_records and token_records[0].levelno == logging.DEBUG
    fingerprint = client.access_token().fingerprint
    assert fingerprint in token_records[0].getMessage()


def test_levels_are_respected(
    emulator: Emulator, client: jtl_connect.CloudClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="jtl_connect")
    jtl_connect.refresh_log_levels()
    client.get("info")
    assert not [r for r in caplog.records if r.name.startswith("jtl_connect")]
