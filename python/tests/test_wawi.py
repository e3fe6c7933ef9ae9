"""JTL-Wawi: the client with an API key, and the two-step registration through the emulator
(facts §5.1: Status 0 pending, 1 rejected, 2 accepted; 410 once answered; 402 no licence;
v1 PascalCase, v2 camelCase)."""

from __future__ import annotations

import asyncio
import threading

import pytest

import jtl_connect
from jtl_connect import WawiApp, WawiClient, aio, register_wawi_app, start_wawi_registration
from jtl_connect.testing import Emulator

APP = WawiApp(
    "com.example.python-tests",
    "Python tests",
    "1.0.0",
    description="jtl-connect's Python test suite",
    provider_name="Example",
    provider_website="https://example.com",
    mandatory_scopes=["items.read"],
    optional_scopes=["customers.read"],
)
CASINGS = ["v1", "v2"]


def test_client_with_the_demo_key(emulator: Emulator) -> None:
    client = WawiClient(
        emulator.wawi_url, emulator.wawi_api_key, app_id="com.example/1.0.0", app_version="1"
    )
    assert client.base_url == emulator.wawi_url + "/"
    page = client.get("v1/items", params={"pageSize": 5}).json()
    assert page["TotalItems"] == 60 and len(page["Items"]) == 5
    assert page["PreviousPageNumber"] == 1  # facts §5.3: 1 at the start (OAS)
    assert len(list(client.paginate("v1/customers", page_size=10))) == 30
    with pytest.raises(jtl_connect.AuthenticationError):
        WawiClient(emulator.wawi_url, "wrong-key", "com.example/1.0.0", "1").get("v1/items")
    assert emulator.stats()["wawi"] == 5


def test_a_client_without_app_id_or_version_is_refused_locally(emulator: Emulator) -> None:
    # facts §5.2: x-appid and x-appversion are required.
    for app_id, app_version, missing in [("", "1", "app_id"), ("a/1", " ", "app_version")]:
        with pytest.raises(jtl_connect.InvalidInputError, match=missing):
            WawiClient(emulator.wawi_url, emulator.wawi_api_key, app_id, app_version)
    with pytest.raises(TypeError):
        WawiClient(emulator.wawi_url, emulator.wawi_api_key)  # type: ignore[call-arg]
    with pytest.raises(jtl_connect.InvalidInputError, match="app_id"):
        aio.WawiClient(emulator.wawi_url, emulator.wawi_api_key, "", "1")
    assert emulator.stats()["wawi"] == 0


@pytest.mark.parametrize("path", CASINGS)
def test_registration_accepted(emulator: Emulator, path: str) -> None:
    emulator.update_settings(wawi_auto_approve_ms=100)
    registration = register_wawi_app(
        emulator.wawi_url,
        APP,
        tenant_id=emulator.tenant_id,
        path=path,
        poll_interval=0.05,
        timeout=10,
    )
    assert registration.app_id == APP.app_id
    assert set(registration.granted_scopes) == {"items.read", "customers.read"}
    assert repr(registration.api_key) == "Secret('***')"
    client = WawiClient(emulator.wawi_url, registration.api_key, registration.app_id, "1.0.0")
    assert client.get("v1/items/1").status == 200
    assert emulator.wawi_registrations()[0]["status"] == 2


def test_registration_approved_by_hand_with_scopes(emulator: Emulator) -> None:
    def approve() -> None:
        while not emulator.wawi_registrations():
            threading.Event().wait(0.02)
        emulator.approve_wawi_registration(
            emulator.wawi_registrations()[0]["id"], granted_scopes=["items.read"]
        )

    approver = threading.Thread(target=approve)
    approver.start()
    registration = register_wawi_app(
        emulator.wawi_url,
        APP,
        challenge_code="challenge-42",
        tenant_id=emulator.tenant_id,
        poll_interval=0.05,
        timeout=10,
    )
    approver.join()
    assert registration.granted_scopes == ["items.read"]


@pytest.mark.parametrize("path", CASINGS)
def test_registration_rejected_at_the_poll_that_sees_it(emulator: Emulator, path: str) -> None:
    pending = start_wawi_registration(
        emulator.wawi_url, APP, tenant_id=emulator.tenant_id, path=path
    )
    assert pending.poll() is None
    emulator.reject_wawi_registration(pending.request_id)
    with pytest.raises(jtl_connect.RegistrationRejectedError) as caught:
        pending.wait(poll_interval=0.05, timeout=10)
    assert caught.value.code == "registration_rejected"


@pytest.mark.parametrize("path", CASINGS)
def test_a_poll_after_the_answer_gets_410(emulator: Emulator, path: str) -> None:
    pending = start_wawi_registration(
        emulator.wawi_url, APP, tenant_id=emulator.tenant_id, path=path
    )
    emulator.approve_wawi_registration(pending.request_id)
    accepted = pending.poll()
    assert accepted is not None and accepted.api_key.expose()
    with pytest.raises(jtl_connect.ApiError, match="already answered") as caught:
        pending.poll()
    assert caught.value.status == 410


@pytest.mark.parametrize("path", CASINGS)
def test_no_licence_is_a_clear_402(emulator: Emulator, path: str) -> None:
    emulator.update_settings(wawi_licensed=False)
    with pytest.raises(jtl_connect.ApiError, match="no licence") as caught:
        register_wawi_app(emulator.wawi_url, APP, tenant_id=emulator.tenant_id, path=path)
    assert caught.value.status == 402
    assert "not authorised by JTL" in str(caught.value)


def test_an_app_id_registered_twice_is_a_conflict(emulator: Emulator) -> None:
    pending = start_wawi_registration(emulator.wawi_url, APP, tenant_id=emulator.tenant_id)
    emulator.approve_wawi_registration(pending.request_id)
    with pytest.raises(jtl_connect.ConflictError, match="already registered"):
        start_wawi_registration(emulator.wawi_url, APP, tenant_id=emulator.tenant_id)


def test_bad_registration_input_is_refused_locally(emulator: Emulator) -> None:
    bare = WawiApp("com.example.bare", "Bare", "1.0.0")
    with pytest.raises(jtl_connect.InvalidInputError) as caught:
        register_wawi_app(emulator.wawi_url, bare, tenant_id=emulator.tenant_id)
    for field in ["description", "provider_name", "provider_website", "mandatory_scopes"]:
        assert field in str(caught.value)
    with pytest.raises(jtl_connect.InvalidInputError, match="challenge_code"):
        register_wawi_app(
            emulator.wawi_url, APP, challenge_code="x" * 31, tenant_id=emulator.tenant_id
        )
    with pytest.raises(jtl_connect.InvalidInputError, match="tenant_id"):
        register_wawi_app(emulator.wawi_url, APP, tenant_id="")
    with pytest.raises(jtl_connect.InvalidInputError, match=r"registration\.path"):
        register_wawi_app(emulator.wawi_url, APP, tenant_id=emulator.tenant_id, path="v9")
    assert emulator.stats()["wawi_registration"] == 0


def test_timeout_and_cancel(emulator: Emulator) -> None:
    with pytest.raises(jtl_connect.TimeoutError):
        register_wawi_app(
            emulator.wawi_url, APP, tenant_id=emulator.tenant_id, poll_interval=0.05, timeout=0.2
        )
    cancellation = jtl_connect.Cancellation()
    threading.Timer(0.2, cancellation.cancel).start()
    with pytest.raises(jtl_connect.TimeoutError, match="cancelled"):
        register_wawi_app(
            emulator.wawi_url,
            APP,
            tenant_id=emulator.tenant_id,
            poll_interval=5,
            timeout=60,
            cancellation=cancellation,
        )
    assert cancellation.is_cancelled


@pytest.mark.parametrize("path", CASINGS)
def test_aio_registration_accepted_rejected_and_402(emulator: Emulator, path: str) -> None:
    emulator.update_settings(wawi_auto_approve_ms=50)

    async def accepted() -> int:
        registration = await aio.register_wawi_app(
            emulator.wawi_url,
            APP,
            tenant_id=emulator.tenant_id,
            path=path,
            poll_interval=0.05,
            timeout=10,
        )
        client = aio.WawiClient(emulator.wawi_url, registration.api_key, APP.app_id, "1.0.0")
        items = [item async for item in client.paginate("v1/items", page_size=50)]
        return len(items)

    assert asyncio.run(accepted()) == 60

    emulator.update_settings(wawi_auto_approve_ms=None)
    other = WawiApp(
        "com.example.rejected",
        "Rejected",
        "1.0.0",
        description="d",
        provider_name="p",
        provider_website="https://example.com",
        mandatory_scopes=["items.read"],
    )

    async def rejected() -> None:
        task = asyncio.ensure_future(
            aio.register_wawi_app(
                emulator.wawi_url,
                other,
                tenant_id=emulator.tenant_id,
                path=path,
                poll_interval=0.05,
                timeout=10,
            )
        )
        while not any(r["app_id"] == other.app_id for r in emulator.wawi_registrations()):
            await asyncio.sleep(0.02)
        ids = [r["id"] for r in emulator.wawi_registrations() if r["app_id"] == other.app_id]
        emulator.reject_wawi_registration(ids[0])
        with pytest.raises(jtl_connect.RegistrationRejectedError):
            await task

    asyncio.run(rejected())

    emulator.update_settings(wawi_licensed=False)

    async def unlicensed() -> None:
        with pytest.raises(jtl_connect.ApiError, match="no licence"):
            await aio.register_wawi_app(
                emulator.wawi_url, APP, tenant_id=emulator.tenant_id, path=path
            )

    asyncio.run(unlicensed())
